/**
 * Detection metrics an engineer can act on, beyond the COCO summary: which classes are weak
 * (per-class AP table, PR curves), what the model confuses (confusion matrix with background),
 * which score threshold to deploy (F1-optimal), and what kind of error costs the most AP (TIDE).
 * Environment-free: runs in Node and in a browser page.
 */
import type { Dataset } from '../core/dataset.js';
import {
  type ClassApRow,
  type CocoAccumulated,
  gtCounts,
  meanCurve,
  type PrCurves,
  perClassApRows,
  prCurves,
} from './analysis/coco-tables.js';
import { type DetectionConfusion, detectionConfusion } from './analysis/confusion.js';
import { type F1Optimal, f1Optimal } from './analysis/f1-threshold.js';
import { matchByClass } from './analysis/matching.js';
import { type TideOptions, type TideResult, tideErrors } from './analysis/tide.js';
import type { VocResult } from './voc.js';

export * from './analysis/coco-tables.js';
export * from './analysis/confusion.js';
export * from './analysis/f1-threshold.js';
export * from './analysis/matching.js';
export * from './analysis/tide.js';

export interface DetectionAnalysisOptions {
  /** The accumulated COCO evaluation, for the per-class AP table and PR curves. */
  coco?: CocoAccumulated;
  /** Or a VOC evaluation, for the same. */
  voc?: VocResult;
  /** Confusion matrix IoU threshold (Ultralytics' default 0.45). */
  iouThreshold?: number;
  /** Confusion matrix score threshold (Ultralytics' default 0.25). */
  scoreThreshold?: number;
  /** IoU of the F1 sweep (0.5). */
  f1IouThreshold?: number;
  tide?: TideOptions;
}

export interface DetectionAnalysis {
  perClass?: ClassApRow[];
  prCurves?: PrCurves;
  f1Optimal: F1Optimal;
  confusion: DetectionConfusion;
  tide: TideResult;
}

export function analyzeDetections(
  gt: Dataset,
  pred: Dataset,
  options: DetectionAnalysisOptions = {},
): DetectionAnalysis {
  const f1Iou = options.f1IouThreshold ?? 0.5;
  const out: DetectionAnalysis = {
    f1Optimal: f1Optimal(matchByClass(gt, pred, { iouThreshold: f1Iou }), f1Iou),
    confusion: detectionConfusion(gt, pred, {
      iouThreshold: options.iouThreshold,
      scoreThreshold: options.scoreThreshold,
    }),
    tide: tideErrors(gt, pred, options.tide),
  };
  if (options.coco) {
    out.perClass = perClassApRows(options.coco, gt.categories, gtCounts(gt));
    out.prCurves = prCurves(options.coco, gt.categories);
  } else if (options.voc) {
    out.perClass = vocApRows(options.voc);
    out.prCurves = vocPrCurves(options.voc);
  }
  return out;
}

/** Per-class rows of a VOC evaluation, best AP first. */
export function vocApRows(voc: VocResult): ClassApRow[] {
  const key = (x: number) => (Number.isNaN(x) ? Number.NEGATIVE_INFINITY : x);
  return voc.perClass
    .map((c) => ({ categoryId: c.categoryId, name: c.name, gtCount: c.gtCount, ap: c.ap }))
    .sort((x, y) => key(y.ap) - key(x.ap) || x.categoryId - y.categoryId);
}

/** VOC curves resampled at recall 0, 0.01, …, 1: the max precision at recall ≥ r (its envelope). */
export function vocPrCurves(voc: VocResult): PrCurves {
  const recall = Array.from({ length: 101 }, (_, i) => i / 100);
  const perClass = voc.perClass
    .filter((c) => c.gtCount > 0)
    .map((c) => ({
      categoryId: c.categoryId,
      name: c.name,
      iou50: recall.map((r) => {
        let p = 0;
        for (let k = 0; k < c.recall.length; k++) if (c.recall[k] >= r && c.precision[k] > p) p = c.precision[k];
        return p;
      }),
    }));
  return { recall, overall: { iou50: meanCurve(perClass, recall.length, (c) => c.iou50) }, perClass };
}
