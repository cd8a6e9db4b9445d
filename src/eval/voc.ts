/**
 * Pascal VOC detection AP, as the official devkit (VOCevaldet.m) computes it:
 * - detections of a class sorted by score, descending (stable: ties keep their input order);
 * - each detection takes the GT of its class, in its image, with the highest IoU (first one on a
 *   tie); IoU ≥ 0.5 (the devkit's `ovmax >= minoverlap`; py-faster-rcnn's voc_eval.py uses `>`,
 *   which differs only at exactly 0.5) is a match;
 * - a match on a `difficult` GT is neither TP nor FP; a match on an already detected GT is a FP
 *   (duplicate); no match is a FP;
 * - recall = TP / #non-difficult GT, precision = TP / (TP + FP);
 * - VOC2007 AP: mean of the max precision at recall ≥ t, t = 0, 0.1, …, 1 (11 points, t computed
 *   as i × 0.1 like numpy.arange); VOC2010+ AP: area under the monotone precision envelope.
 * - mAP: mean over classes with at least one non-difficult GT.
 * IoU is the plain continuous IoU: see box-overlap.ts for why that equals the devkit's "+1" IoU.
 * Crowd GTs (VOC has none) are treated as difficult.
 */
import type { CategoryId, Dataset } from '../core/dataset.js';
import { boxIou, byScoreDescending, predictionScores, rowsByImageId } from './box-overlap.js';

/** `voc07`: 11-point interpolated AP; `voc12`: all-point AP (VOC2010 and later). */
export type VocApMethod = 'voc07' | 'voc12';

export interface VocOptions {
  method?: VocApMethod;
  iouThreshold?: number;
}

export interface VocClassResult {
  categoryId: CategoryId;
  name: string;
  /** NaN when the class has no non-difficult GT (left out of the mAP). */
  ap: number;
  /** Non-difficult GT boxes. */
  gtCount: number;
  difficultCount: number;
  detections: number;
  truePositives: number;
  falsePositives: number;
  /** Detections that matched a difficult GT (ignored). */
  ignored: number;
  /** Cumulative curves over the score-sorted detections (ignored ones left out). */
  recall: Float64Array;
  precision: Float64Array;
}

export interface VocResult {
  method: VocApMethod;
  iouThreshold: number;
  map: number;
  perClass: VocClassResult[];
  /** Predictions on images the ground truth does not have (not evaluated). */
  unknownImageDetections: number;
}

export function evaluateVoc(gt: Dataset, pred: Dataset, options: VocOptions = {}): VocResult {
  const method = options.method ?? 'voc12';
  const iouThreshold = options.iouThreshold ?? 0.5;
  const g = gt.annotations;
  const p = pred.annotations;
  const scores = predictionScores(p.scores, p.length);
  const gtByImage = rowsByImageId(g.imageIds, g.length);
  const knownImages = new Set(gt.images.map((im) => im.id));
  for (const id of gtByImage.keys()) knownImages.add(id);

  let unknownImageDetections = 0;
  const predRowsByClass = new Map<CategoryId, number[]>();
  for (let row = 0; row < p.length; row++) {
    if (!knownImages.has(p.imageIds[row])) {
      unknownImageDetections++;
      continue;
    }
    const c = p.categoryIds[row];
    let rows = predRowsByClass.get(c);
    if (!rows) predRowsByClass.set(c, (rows = []));
    rows.push(row);
  }

  const perClass: VocClassResult[] = [];
  for (const category of [...gt.categories].sort((a, b) => a.id - b.id)) {
    const c = category.id;
    const ignoredGt = (row: number) => g.flag(row, 'difficult') || g.isCrowd(row);
    let gtCount = 0;
    let difficultCount = 0;
    for (let row = 0; row < g.length; row++) {
      if (g.categoryIds[row] !== c) continue;
      if (ignoredGt(row)) difficultCount++;
      else gtCount++;
    }
    const detected = new Set<number>();
    const order = byScoreDescending(predRowsByClass.get(c) ?? [], scores);
    const tp: number[] = [];
    const fp: number[] = [];
    let ignored = 0;
    for (const d of order) {
      let best = Number.NEGATIVE_INFINITY;
      let bestRow = -1;
      for (const gr of gtByImage.get(p.imageIds[d]) ?? []) {
        if (g.categoryIds[gr] !== c) continue;
        const ov = boxIou(p.boxes, d, g.boxes, gr);
        if (ov > 0 && ov > best) {
          best = ov;
          bestRow = gr;
        }
      }
      if (bestRow >= 0 && best >= iouThreshold) {
        if (ignoredGt(bestRow)) {
          ignored++;
          continue;
        }
        const duplicate = detected.has(bestRow);
        detected.add(bestRow);
        tp.push(duplicate ? 0 : 1);
        fp.push(duplicate ? 1 : 0);
      } else {
        tp.push(0);
        fp.push(1);
      }
    }
    const recall = new Float64Array(tp.length);
    const precision = new Float64Array(tp.length);
    let ctp = 0;
    let cfp = 0;
    for (let i = 0; i < tp.length; i++) {
      ctp += tp[i];
      cfp += fp[i];
      recall[i] = gtCount > 0 ? ctp / gtCount : Number.NaN;
      precision[i] = ctp / (ctp + cfp);
    }
    perClass.push({
      categoryId: c,
      name: category.name,
      ap: gtCount > 0 ? vocAp(recall, precision, method) : Number.NaN,
      gtCount,
      difficultCount,
      detections: order.length,
      truePositives: ctp,
      falsePositives: cfp,
      ignored,
      recall,
      precision,
    });
  }
  const scored = perClass.filter((r) => r.gtCount > 0);
  const map = scored.length > 0 ? scored.reduce((s, r) => s + r.ap, 0) / scored.length : Number.NaN;
  return { method, iouThreshold, map, perClass, unknownImageDetections };
}

/** AP from cumulative recall/precision (the devkit's VOCap, or the VOC2007 11-point rule). */
export function vocAp(recall: ArrayLike<number>, precision: ArrayLike<number>, method: VocApMethod): number {
  const n = recall.length;
  if (method === 'voc07') {
    let ap = 0;
    for (let i = 0; i <= 10; i++) {
      const t = i * 0.1;
      let p = 0;
      for (let k = 0; k < n; k++) if (recall[k] >= t && precision[k] > p) p = precision[k];
      ap += p / 11;
    }
    return ap;
  }
  const mrec = [0, ...Array.from(recall), 1];
  const mpre = [0, ...Array.from(precision), 0];
  for (let i = mpre.length - 1; i > 0; i--) mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
  let ap = 0;
  for (let i = 1; i < mrec.length; i++) if (mrec[i] !== mrec[i - 1]) ap += (mrec[i] - mrec[i - 1]) * mpre[i];
  return ap;
}
