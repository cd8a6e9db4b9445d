/**
 * What a target format cannot hold, counted before writing, so `convert` reports the loss
 * instead of dropping data silently (and `--strict` can refuse it).
 */
import type { AnnotationTable, Category, Dataset, ImageRecord } from '../core/dataset.js';
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
  const counter = new LossCounter(caps);
  const t = dataset.annotations;
  const withBoxes = new Set<number>();
  for (let row = 0; row < t.length; row++) {
    counter.row(t, row);
    withBoxes.add(t.imageIds[row]);
  }
  for (const im of dataset.images) counter.image(im, withBoxes.has(im.id));
  counter.categories(dataset.categories);
  return counter.report();
}

/**
 * The loss counts, fed row by row and image by image — so a streamed conversion, which never
 * holds the dataset, reports exactly what `lossReport` reports for the whole one.
 */
export class LossCounter {
  private boxes = 0;
  private polygons = 0;
  private rles = 0;
  private crowd = 0;
  private scores = 0;
  private areaDiffers = 0;
  private readonly attrCounts = new Map<string, number>();
  private labelled = 0;
  private split = 0;
  private negatives = 0;
  private supercategories = 0;

  constructor(private readonly caps: FormatCapabilities) {}

  row(t: AnnotationTable, row: number): void {
    this.boxes++;
    const seg = t.segmentations.get(row);
    if (seg !== undefined) {
      if (Array.isArray(seg)) this.polygons++;
      else this.rles++;
    }
    if (t.isCrowd(row)) this.crowd++;
    if (t.hasScore(row)) this.scores++;
    if (!this.caps.area && t.hasArea(row)) {
      const b = row * 4;
      if (t.areas[row] !== t.boxes[b + 2] * t.boxes[b + 3]) this.areaDiffers++;
    }
    const attrs = t.attributesOf(row);
    if (attrs) {
      for (const name of Object.keys(attrs)) this.attrCounts.set(name, (this.attrCounts.get(name) ?? 0) + 1);
    }
  }

  /** Counts an image once (a streamed image seen again must not be passed twice). */
  image(im: ImageRecord, hasAnnotations: boolean): void {
    if (im.labels?.length) this.labelled++;
    if (im.split) this.split++;
    if (!hasAnnotations) this.negatives++;
  }

  categories(categories: readonly Category[]): void {
    this.supercategories += categories.filter((c) => c.supercategory).length;
  }

  report(): LossReport {
    const caps = this.caps;
    const out: LossReport = [];
    const push = (what: string, count: number, message: string) => {
      if (count > 0) out.push({ what, count, message });
    };
    if (!caps.boxes) push('boxes', this.boxes, 'boxes (annotations are dropped; image-level labels stay)');
    if (!caps.polygons) push('polygons', this.polygons, 'polygon segmentations');
    if (!caps.rle) push('rle', this.rles, 'RLE masks');
    if (!caps.crowd) push('crowd', this.crowd, 'crowd flags (iscrowd=1 boxes become ordinary boxes)');
    if (!caps.scores) push('scores', this.scores, 'scores');
    push('area', this.areaDiffers, 'areas that differ from w×h (recomputed from the box)');
    if (!caps.attributes.includes('*')) {
      for (const [name, count] of this.attrCounts) {
        if (!caps.attributes.includes(name)) push(`attribute:${name}`, count, `the "${name}" attribute`);
      }
    }
    if (!caps.imageLabels) push('image-labels', this.labelled, 'image-level labels');
    if (!caps.supercategory) push('supercategory', this.supercategories, 'supercategories');
    if (!caps.splits) push('splits', this.split, 'split assignments');
    if (!caps.negatives) push('negatives', this.negatives, 'images without annotations');
    return out;
  }
}
