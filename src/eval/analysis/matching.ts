/**
 * COCO-style matching at one IoU threshold, per image and class: detections in descending score
 * (stable), the top `maxDets`, each takes the unmatched GT with the highest IoU ≥ the threshold,
 * preferring regular GTs over ignored ones (crowd, difficult) the way pycocotools does; a
 * detection that only matches an ignored GT is left out, a crowd region absorbs any number of
 * detections (overlap = intersection / detection area). The result feeds the F1 sweep.
 */
import type { CategoryId, Dataset } from '../../core/dataset.js';
import { boxIoa, boxIou, byScoreDescending, predictionScores, rowsByImageId } from '../box-overlap.js';

export interface ClassMatches {
  categoryId: CategoryId;
  name: string;
  /** Regular (not crowd, not difficult) GT boxes. */
  gtCount: number;
  /** Scored detections, descending (ties in image, then table order). */
  scores: Float64Array;
  /** 1 where the detection at the same index is a true positive. */
  truePositive: Uint8Array;
}

export interface MatchOptions {
  iouThreshold?: number;
  maxDets?: number;
}

export function matchByClass(gt: Dataset, pred: Dataset, options: MatchOptions = {}): ClassMatches[] {
  const threshold = Math.min(options.iouThreshold ?? 0.5, 1 - 1e-10);
  const maxDets = options.maxDets ?? 100;
  const g = gt.annotations;
  const p = pred.annotations;
  const scores = predictionScores(p.scores, p.length);
  const gtByImage = rowsByImageId(g.imageIds, g.length);
  const predByImage = rowsByImageId(p.imageIds, p.length);
  const ignoredGt = (row: number) => g.isCrowd(row) || g.flag(row, 'difficult');
  const categories = [...gt.categories].sort((a, b) => a.id - b.id);
  const collected = new Map<CategoryId, { gtCount: number; scores: number[]; tp: number[] }>(
    categories.map((c) => [c.id, { gtCount: 0, scores: [], tp: [] }]),
  );
  const imageIds = new Set<number>([...gt.images.map((im) => im.id), ...gtByImage.keys()]);

  for (const imageId of imageIds) {
    const gtRows = gtByImage.get(imageId) ?? [];
    const predRows = predByImage.get(imageId) ?? [];
    const gtsByClass = groupBy(gtRows, g.categoryIds);
    const detsByClass = groupBy(predRows, p.categoryIds);
    for (const c of new Set([...gtsByClass.keys(), ...detsByClass.keys()])) {
      const out = collected.get(c);
      if (!out) continue;
      const gts = gtsByClass.get(c) ?? [];
      // Regular GTs first, as pycocotools sorts by its ignore flag.
      gts.sort((a, b) => Number(ignoredGt(a)) - Number(ignoredGt(b)));
      for (const r of gts) if (!ignoredGt(r)) out.gtCount++;
      const dets = byScoreDescending(detsByClass.get(c) ?? [], scores).slice(0, maxDets);
      const matched = new Uint8Array(gts.length);
      for (const d of dets) {
        let best = threshold;
        let m = -1;
        for (let k = 0; k < gts.length; k++) {
          const crowd = g.isCrowd(gts[k]);
          if (matched[k] && !crowd) continue;
          if (m > -1 && !ignoredGt(gts[m]) && ignoredGt(gts[k])) break;
          const ov = crowd ? boxIoa(p.boxes, d, g.boxes, gts[k]) : boxIou(p.boxes, d, g.boxes, gts[k]);
          if (ov < best) continue;
          best = ov;
          m = k;
        }
        if (m > -1) {
          matched[m] = 1;
          if (ignoredGt(gts[m])) continue;
        }
        out.scores.push(scores[d]);
        out.tp.push(m > -1 ? 1 : 0);
      }
    }
  }
  return categories.map((c) => {
    const out = collected.get(c.id) as { gtCount: number; scores: number[]; tp: number[] };
    const order = byScoreDescending(
      out.scores.map((_, i) => i),
      out.scores,
    );
    return {
      categoryId: c.id,
      name: c.name,
      gtCount: out.gtCount,
      scores: Float64Array.from(order, (i) => out.scores[i]),
      truePositive: Uint8Array.from(order, (i) => out.tp[i]),
    };
  });
}

function groupBy(rows: number[], categoryIds: Int32Array): Map<CategoryId, number[]> {
  const out = new Map<CategoryId, number[]>();
  for (const row of rows) {
    const c = categoryIds[row];
    let list = out.get(c);
    if (!list) out.set(c, (list = []));
    list.push(row);
  }
  return out;
}
