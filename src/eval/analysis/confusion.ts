/**
 * The detection confusion matrix of Ultralytics' `ConfusionMatrix.process_batch` (with its 2024
 * fix, PR #18409: unmatched detections are background FPs even when nothing in the image
 * matched):
 * - detections with score > `scoreThreshold` (strict), GT and detections of all classes;
 * - candidate pairs: IoU > `iouThreshold` (strict), whatever the classes;
 * - each detection keeps its highest-IoU pair, then each GT keeps its highest-IoU pair among
 *   those (the matching is by IoU, not by score; ties keep the earlier pair);
 * - a matched pair adds to `matrix[predicted class][true class]` — off the diagonal it is a
 *   class confusion; an unmatched GT adds to the background row `matrix[background][true]`
 *   (missed), an unmatched detection to the background column `matrix[predicted][background]`.
 * Rows are predicted classes and columns true classes, background last (Ultralytics' layout).
 * Crowd and difficult GTs take no part; an unmatched detection overlapping one of them
 * (IoU > threshold, or intersection over detection area for crowd) is not counted.
 */
import type { CategoryId, Dataset } from '../../core/dataset.js';
import { boxIoa, boxIou, predictionScores, rowsByImageId } from '../box-overlap.js';

export interface DetectionConfusion {
  iouThreshold: number;
  scoreThreshold: number;
  /** Category ids in matrix order; the background is the last row / column. */
  categoryIds: CategoryId[];
  /** Category names then 'background'. */
  labels: string[];
  /** `matrix[predicted][true]`, (K + 1) × (K + 1). */
  matrix: number[][];
}

export interface ConfusionOptions {
  iouThreshold?: number;
  scoreThreshold?: number;
}

export function detectionConfusion(gt: Dataset, pred: Dataset, options: ConfusionOptions = {}): DetectionConfusion {
  const iouThreshold = options.iouThreshold ?? 0.45;
  const scoreThreshold = options.scoreThreshold ?? 0.25;
  const g = gt.annotations;
  const p = pred.annotations;
  const scores = predictionScores(p.scores, p.length);
  const categories = [...gt.categories].sort((a, b) => a.id - b.id);
  const index = new Map(categories.map((c, i) => [c.id, i]));
  const bg = categories.length;
  const matrix = Array.from({ length: bg + 1 }, () => new Array<number>(bg + 1).fill(0));
  const gtByImage = rowsByImageId(g.imageIds, g.length);
  const predByImage = rowsByImageId(p.imageIds, p.length);
  const ignored = (row: number) => g.isCrowd(row) || g.flag(row, 'difficult');
  const imageIds = new Set<number>([...gt.images.map((im) => im.id), ...gtByImage.keys()]);

  for (const imageId of imageIds) {
    const allGt = (gtByImage.get(imageId) ?? []).filter((r) => index.has(g.categoryIds[r]));
    const gts = allGt.filter((r) => !ignored(r));
    const regions = allGt.filter(ignored);
    const dets = (predByImage.get(imageId) ?? []).filter(
      (r) => scores[r] > scoreThreshold && index.has(p.categoryIds[r]),
    );
    const pairs: { gi: number; di: number; iou: number }[] = [];
    gts.forEach((gr, gi) => {
      dets.forEach((dr, di) => {
        const iou = boxIou(g.boxes, gr, p.boxes, dr);
        if (iou > iouThreshold) pairs.push({ gi, di, iou });
      });
    });
    const byIou = (a: { iou: number }, b: { iou: number }) => b.iou - a.iou;
    const bestPerDet = keepFirst(pairs.sort(byIou), (m) => m.di);
    const matches = keepFirst(bestPerDet.sort(byIou), (m) => m.gi);
    const detOfGt = new Map(matches.map((m) => [m.gi, m.di]));
    const matchedDets = new Set(matches.map((m) => m.di));

    gts.forEach((gr, gi) => {
      const t = index.get(g.categoryIds[gr]) as number;
      const di = detOfGt.get(gi);
      const predicted = di === undefined ? bg : (index.get(p.categoryIds[dets[di]]) as number);
      matrix[predicted][t]++;
    });
    dets.forEach((dr, di) => {
      if (matchedDets.has(di)) return;
      const inIgnored = regions.some((gr) =>
        g.isCrowd(gr)
          ? boxIoa(p.boxes, dr, g.boxes, gr) > iouThreshold
          : boxIou(p.boxes, dr, g.boxes, gr) > iouThreshold,
      );
      if (!inIgnored) matrix[index.get(p.categoryIds[dr]) as number][bg]++;
    });
  }
  return {
    iouThreshold,
    scoreThreshold,
    categoryIds: categories.map((c) => c.id),
    labels: [...categories.map((c) => c.name), 'background'],
    matrix,
  };
}

/** np.unique(..., return_index=True) on an already sorted list: the first pair per key. */
function keepFirst<T>(items: T[], key: (item: T) => number): T[] {
  const seen = new Set<number>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
