/**
 * COCO detection evaluation, pycocotools' COCOeval reproduced bit for bit: `evaluate` (per image ×
 * category matching) → `accumulate` (precision / recall arrays) → `summarize` (the 12 numbers).
 */
import type { Dataset } from '../../core/dataset.js';
import { type Accumulation, accumulate, type NdArray } from './accumulate.js';
import { type EvaluatedImages, type EvaluateOptions, evaluate, type ResolvedParams } from './evaluate.js';
import { npMean } from './numeric.js';
import { type CocoIouType, type CocoParams, defaultParams } from './params.js';
import { loadMaskApi, type MaskApi } from './segm.js';
import { summarize } from './summarize.js';

export type { Accumulation, NdArray } from './accumulate.js';
export { accumulate } from './accumulate.js';
export type { EvalImageDetail, EvaluatedImages, IouMatrix, ResolvedParams } from './evaluate.js';
export { evaluate, resolveParams } from './evaluate.js';
export { loadCocoResults, parseCocoGroundTruth } from './load.js';
export { npMean, npSum, pairwiseSum } from './numeric.js';
export { type CocoIouType, type CocoParams, defaultParams, linspace } from './params.js';
export { loadMaskApi, type MaskApi } from './segm.js';
export { STAT_NAMES, summarize, summarizeOne } from './summarize.js';

/** One category's numbers; -1 where the category has no ground truth in that setting. */
export interface CategoryAP {
  categoryId: number;
  name: string;
  /** AP @[.50:.95], area all, the largest maxDets — the per-class AP detectron2 and mmdet print. */
  ap: number;
  ap50: number;
  ap75: number;
  apSmall: number;
  apMedium: number;
  apLarge: number;
  /** Recall @[.50:.95], area all, the largest maxDets. */
  ar: number;
}

export interface CocoEvalResult {
  params: ResolvedParams;
  /** AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl (see STAT_NAMES). */
  stats: number[];
  precision: NdArray;
  recall: NdArray;
  scores: NdArray;
  perCategory: CategoryAP[];
  /** With `keepDetails`: pycocotools-shaped evalImgs and IoU matrices. */
  evaluated?: EvaluatedImages;
}

export interface CocoEvalOptions {
  iouType?: CocoIouType;
  /** Overrides of pycocotools' defaults (iouThrs, recThrs, maxDets, areaRng, useCats, …). */
  params?: Partial<CocoParams>;
  keepDetails?: boolean;
  mask?: MaskApi;
  gtRowName?: EvaluateOptions['gtRowName'];
  dtRowName?: EvaluateOptions['dtRowName'];
}

export function cocoParams(options: CocoEvalOptions = {}): CocoParams {
  const iouType = options.params?.iouType ?? options.iouType ?? 'bbox';
  return { ...defaultParams(iouType), ...options.params, iouType };
}

/** The three phases in one call (synchronous; segm needs `options.mask`). */
export function evaluateCocoWith(gt: Dataset, dt: Dataset, options: CocoEvalOptions = {}): CocoEvalResult {
  const evaluated = evaluate(gt, dt, cocoParams(options), options);
  return summarizeCoco(accumulate(evaluated), gt, options.keepDetails ? evaluated : undefined);
}

/** Phase 3 and the per-category table, from accumulated arrays. */
export function summarizeCoco(acc: Accumulation, gt: Dataset, evaluated?: EvaluatedImages): CocoEvalResult {
  const stats = summarize(acc);
  return {
    params: acc.params,
    stats,
    precision: acc.precision,
    recall: acc.recall,
    scores: acc.scores,
    perCategory: perCategoryAP(acc, gt),
    evaluated,
  };
}

/**
 * Accumulations of disjoint category subsets (each run with `params.catIds` = its subset) as one
 * over `params.catIds`. Categories are independent in evaluate and accumulate, so splitting the
 * work (e.g. across threads) gives the same bits.
 */
export function mergeAccumulations(params: ResolvedParams, parts: Accumulation[]): Accumulation {
  const [T, R, , A, M] = parts[0].precision.shape;
  const K = params.catIds.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const at = new Map(params.catIds.map((id, k) => [id, k]));
  const AM = A * M;
  for (const part of parts) {
    const Kp = part.params.catIds.length;
    part.params.catIds.forEach((id, kp) => {
      const k = at.get(id);
      if (k === undefined) throw new Error(`category ${id} is not among the merged categories`);
      // Plain loops: a subarray per (t, r) would be 100,000 small allocations.
      const pp = part.precision.data;
      const ps = part.scores.data;
      const pr = part.recall.data;
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < AM; j++) recall[(t * K + k) * AM + j] = pr[(t * Kp + kp) * AM + j];
        for (let r = 0; r < R; r++) {
          const from = ((t * R + r) * Kp + kp) * AM;
          const to = ((t * R + r) * K + k) * AM;
          for (let j = 0; j < AM; j++) {
            precision[to + j] = pp[from + j];
            scores[to + j] = ps[from + j];
          }
        }
      }
    });
  }
  return {
    params,
    precision: { data: precision, shape: [T, R, K, A, M] },
    recall: { data: recall, shape: [T, K, A, M] },
    scores: { data: scores, shape: [T, R, K, A, M] },
  };
}

/** The three phases; loads the mask API when segm needs it. */
export async function evaluateCoco(gt: Dataset, dt: Dataset, options: CocoEvalOptions = {}): Promise<CocoEvalResult> {
  const iouType = cocoParams(options).iouType;
  const mask = options.mask ?? (iouType === 'segm' ? await loadMaskApi() : undefined);
  return evaluateCocoWith(gt, dt, { ...options, mask });
}

/** Per-category AP/AR from the accumulated arrays, each the numpy mean of its entries > -1. */
export function perCategoryAP(acc: Accumulation, gt: Dataset): CategoryAP[] {
  const p = acc.params;
  if (!p.useCats) return [];
  const [T, R, K, A, M] = acc.precision.shape;
  const names = new Map(gt.categories.map((c) => [c.id, c.name]));
  const all = p.areaRngLbl.indexOf('all');
  const area = (label: string) => p.areaRngLbl.indexOf(label);
  const m = M - 1;
  const thr = (v: number) => p.iouThrs.indexOf(v);
  // Precision at the largest maxDets as [k][a][t][r]: one pass in memory order, so each
  // category's values are contiguous instead of 8 KB apart.
  const TR = T * R;
  const byCategory = new Float64Array(K * A * TR);
  if (m >= 0) {
    const data = acc.precision.data;
    for (let tr = 0; tr < TR; tr++)
      for (let k = 0; k < K; k++)
        for (let a = 0; a < A; a++) byCategory[(k * A + a) * TR + tr] = data[((tr * K + k) * A + a) * M + m];
  }
  const values = new Float64Array(TR);
  const apOf = (k: number, a: number, t?: number): number => {
    if (a < 0 || m < 0 || (t !== undefined && t < 0)) return -1;
    const from = (k * A + a) * TR + (t === undefined ? 0 : t * R);
    const to = t === undefined ? from + TR : from + R;
    let n = 0;
    for (let i = from; i < to; i++) if (byCategory[i] > -1) values[n++] = byCategory[i];
    return n ? npMean(values.subarray(0, n)) : -1;
  };
  const arOf = (k: number, a: number): number => {
    if (a < 0 || m < 0) return -1;
    let n = 0;
    for (let ti = 0; ti < T; ti++) {
      const v = acc.recall.data[((ti * K + k) * A + a) * M + m];
      if (v > -1) values[n++] = v;
    }
    return n ? npMean(values.subarray(0, n)) : -1;
  };
  return p.catIds.map((categoryId, k) => ({
    categoryId,
    name: names.get(categoryId) ?? String(categoryId),
    ap: apOf(k, all),
    ap50: apOf(k, all, thr(0.5)),
    ap75: apOf(k, all, thr(0.75)),
    apSmall: apOf(k, area('small')),
    apMedium: apOf(k, area('medium')),
    apLarge: apOf(k, area('large')),
    ar: arOf(k, all),
  }));
}
