/**
 * What a target format cannot hold, counted before writing, so `convert` reports the loss
 * instead of dropping data silently (and `--strict` can refuse it).
 */
import type { Dataset } from '../core/dataset.js';
import type { FormatCapabilities } from './format.js';

export interface LossItem {
  /** Short key, stable for scripts: 'segmentation', 'crowd', 'attribute:pose', … */
  what: string;
  count: number;
  /** One sentence for humans. */
  message: string;
}

export type LossReport = LossItem[];

export function mergeLoss(...reports: (LossReport | undefined)[]): LossReport {
  const byKey = new Map<string, LossItem>();
  for (const report of reports) {
    for (const item of report ?? []) {
      const seen = byKey.get(item.what);
      if (!seen || item.count > seen.count) byKey.set(item.what, item);
    }
  }
  return [...byKey.values()];
}

export function describeLoss(report: LossReport, target: string): string[] {
  return report.map((item) => `${target} cannot hold ${item.message} (${item.count})`);
}

/** Counts what `dataset` has that a format with `caps` would lose. */
export function lossReport(dataset: Dataset, caps: FormatCapabilities): LossReport {
  const out: LossReport = [];
  const t = dataset.annotations;
  let polygons = 0;
  let rles = 0;
  let crowd = 0;
  let scores = 0;
  let areaDiffers = 0;
  const attrCounts = new Map<string, number>();
  for (let row = 0; row < t.length; row++) {
    const seg = t.segmentations.get(row);
    if (seg !== undefined) {
      if (Array.isArray(seg)) polygons++;
      else rles++;
    }
    if (t.isCrowd(row)) crowd++;
    if (t.hasScore(row)) scores++;
    if (!caps.area && t.hasArea(row)) {
      const b = row * 4;
      if (t.areas[row] !== t.boxes[b + 2] * t.boxes[b + 3]) areaDiffers++;
    }
    const attrs = t.attributesOf(row);
    if (attrs) {
      for (const name of Object.keys(attrs)) attrCounts.set(name, (attrCounts.get(name) ?? 0) + 1);
    }
  }
  const push = (what: string, count: number, message: string) => {
    if (count > 0) out.push({ what, count, message });
  };
  if (!caps.boxes) push('boxes', t.length, 'boxes (annotations are dropped; image-level labels stay)');
  if (!caps.polygons) push('polygons', polygons, 'polygon segmentations');
  if (!caps.rle) push('rle', rles, 'RLE masks');
  if (!caps.crowd) push('crowd', crowd, 'crowd flags (iscrowd=1 boxes become ordinary boxes)');
  if (!caps.scores) push('scores', scores, 'scores');
  push('area', areaDiffers, 'areas that differ from w×h (recomputed from the box)');
  if (!caps.attributes.includes('*')) {
    for (const [name, count] of attrCounts) {
      if (!caps.attributes.includes(name)) push(`attribute:${name}`, count, `the "${name}" attribute`);
    }
  }
  if (!caps.imageLabels) {
    push('image-labels', dataset.images.filter((im) => im.labels?.length).length, 'image-level labels');
  }
  if (!caps.supercategory) {
    push('supercategory', dataset.categories.filter((c) => c.supercategory).length, 'supercategories');
  }
  if (!caps.splits) {
    push('splits', dataset.images.filter((im) => im.split).length, 'split assignments');
  }
  if (!caps.negatives) {
    const withBoxes = new Set<number>();
    for (let row = 0; row < t.length; row++) withBoxes.add(t.imageIds[row]);
    push('negatives', dataset.images.filter((im) => !withBoxes.has(im.id)).length, 'images without annotations');
  }
  return out;
}
