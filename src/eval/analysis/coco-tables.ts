/**
 * Tables and curves read from an accumulated COCO evaluation (pycocotools' `eval` dict after
 * `accumulate()`). Only these fields are used:
 * - `precision`: eval['precision'] flattened in C order over `dims` = [T, R, K, A, M]
 *   (IoU thresholds × recall thresholds × categories × area ranges × max detections), −1 where a
 *   category has no GT;
 * - `iouThrs` (length T), `recThrs` (length R), `catIds` (length K);
 * - `areaRngLbl` (optional, length A): the 'all' range is used, else index 0;
 * - `maxDets` (optional, length M): the largest is used, else the last index.
 */
import type { Category, CategoryId, Dataset } from '../../core/dataset.js';

export interface CocoAccumulated {
  precision: Float64Array;
  dims: [T: number, R: number, K: number, A: number, M: number];
  iouThrs: ArrayLike<number>;
  recThrs: ArrayLike<number>;
  catIds: ArrayLike<number>;
  areaRngLbl?: string[];
  maxDets?: number[];
}

export interface ClassApRow {
  categoryId: CategoryId;
  name: string;
  /** Regular (non-crowd, non-difficult) GT boxes. */
  gtCount: number;
  /** AP@[.5:.95]; NaN when the class has no GT. */
  ap: number;
  ap50?: number;
  ap75?: number;
}

export interface PrCurve {
  /** Precision at each recall threshold, IoU 0.5. */
  iou50: number[];
  /** Precision at each recall threshold, averaged over all IoU thresholds (COCO only). */
  iou50to95?: number[];
}

export interface PrCurves {
  recall: number[];
  /** Mean over the classes with GT. */
  overall: PrCurve;
  perClass: ({ categoryId: CategoryId; name: string } & PrCurve)[];
}

/** The shape of the COCO evaluator's result (`src/eval/coco`) this module reads. */
export interface CocoEvalArrays {
  precision: { data: Float64Array; shape: number[] };
  params: { iouThrs: number[]; recThrs: number[]; catIds: number[]; areaRngLbl: string[]; maxDets: number[] };
}

/** Adapts the COCO evaluator's result to `CocoAccumulated`. */
export function cocoAccumulatedFrom(result: CocoEvalArrays): CocoAccumulated {
  const [T, R, K, A, M] = result.precision.shape;
  const p = result.params;
  return {
    precision: result.precision.data,
    dims: [T, R, K, A, M],
    iouThrs: p.iouThrs,
    recThrs: p.recThrs,
    catIds: p.catIds,
    areaRngLbl: p.areaRngLbl,
    maxDets: p.maxDets,
  };
}

/** Regular GT boxes per category (crowd and difficult boxes left out). */
export function gtCounts(gt: Dataset): Map<CategoryId, number> {
  const g = gt.annotations;
  const out = new Map<CategoryId, number>(gt.categories.map((c) => [c.id, 0]));
  for (let row = 0; row < g.length; row++) {
    if (g.isCrowd(row) || g.flag(row, 'difficult')) continue;
    out.set(g.categoryIds[row], (out.get(g.categoryIds[row]) ?? 0) + 1);
  }
  return out;
}

function layout(acc: CocoAccumulated) {
  const [T, R, K, A, M] = acc.dims;
  const all = acc.areaRngLbl?.indexOf('all') ?? -1;
  const a = all >= 0 ? all : 0;
  const m = acc.maxDets ? acc.maxDets.indexOf(Math.max(...acc.maxDets)) : M - 1;
  const at = (t: number, r: number, k: number) => acc.precision[(((t * R + r) * K + k) * A + a) * M + m];
  const iouIndex = (v: number) => Array.from(acc.iouThrs).findIndex((x) => Math.abs(x - v) < 1e-9);
  return { T, R, K, at, iouIndex };
}

/** pycocotools' summarize for one class: mean of the precisions > −1 (NaN when none). */
function meanValid(values: number[]): number {
  const valid = values.filter((v) => v > -1);
  return valid.length > 0 ? valid.reduce((s, v) => s + v, 0) / valid.length : Number.NaN;
}

/** Per-class AP rows, best AP first (classes without GT last). */
export function perClassApRows(
  acc: CocoAccumulated,
  categories: Category[],
  counts: Map<CategoryId, number>,
): ClassApRow[] {
  const { T, R, K, at, iouIndex } = layout(acc);
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const rows: ClassApRow[] = [];
  const atIou = (t: number, k: number) => {
    if (t < 0) return Number.NaN;
    const v: number[] = [];
    for (let r = 0; r < R; r++) v.push(at(t, r, k));
    return meanValid(v);
  };
  for (let k = 0; k < K; k++) {
    const id = acc.catIds[k];
    const v: number[] = [];
    for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) v.push(at(t, r, k));
    rows.push({
      categoryId: id,
      name: names.get(id) ?? String(id),
      gtCount: counts.get(id) ?? 0,
      ap: meanValid(v),
      ap50: atIou(iouIndex(0.5), k),
      ap75: atIou(iouIndex(0.75), k),
    });
  }
  const key = (x: number) => (Number.isNaN(x) ? Number.NEGATIVE_INFINITY : x);
  return rows.sort((x, y) => key(y.ap) - key(x.ap) || x.categoryId - y.categoryId);
}

/** Interpolated PR curves (COCO's recall thresholds) per class and averaged over classes. */
export function prCurves(acc: CocoAccumulated, categories: Category[]): PrCurves {
  const { T, R, K, at, iouIndex } = layout(acc);
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const t50 = iouIndex(0.5);
  const perClass: PrCurves['perClass'] = [];
  for (let k = 0; k < K; k++) {
    if (at(0, 0, k) <= -1) continue; // no GT: pycocotools leaves −1
    const iou50: number[] = [];
    const iou50to95: number[] = [];
    for (let r = 0; r < R; r++) {
      iou50.push(t50 >= 0 ? at(t50, r, k) : Number.NaN);
      let s = 0;
      for (let t = 0; t < T; t++) s += at(t, r, k);
      iou50to95.push(s / T);
    }
    perClass.push({
      categoryId: acc.catIds[k],
      name: names.get(acc.catIds[k]) ?? String(acc.catIds[k]),
      iou50,
      iou50to95,
    });
  }
  return {
    recall: Array.from(acc.recThrs),
    overall: { iou50: meanCurve(perClass, R, (c) => c.iou50), iou50to95: meanCurve(perClass, R, (c) => c.iou50to95) },
    perClass,
  };
}

/** The pointwise mean of the classes' curves. */
export function meanCurve(curves: PrCurve[], length: number, pick: (c: PrCurve) => number[] | undefined): number[] {
  return Array.from({ length }, (_, r) =>
    curves.length > 0 ? curves.reduce((s, c) => s + (pick(c)?.[r] ?? Number.NaN), 0) / curves.length : Number.NaN,
  );
}
