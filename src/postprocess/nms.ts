/**
 * Greedy non-maximum suppression with torchvision's semantics:
 * - candidates are visited by decreasing score; equal scores keep their input order (torchvision
 *   sorts with a stable descending sort);
 * - a box is suppressed when its IoU with an already kept box is strictly greater than the
 *   threshold (IoU equal to the threshold is kept);
 * - IoU as torchvision computes it: area = (x2-x1)·(y2-y1), intersection clamped at 0,
 *   iou = inter / (area_kept + area_candidate - inter).
 * Arithmetic is float64 (torchvision computes in the tensor's dtype, so float32 inputs can differ
 * when an IoU lies within float32 rounding of the threshold). Boxes whose score is NaN are dropped.
 *
 * Boxes are interleaved xyxy (any unit). Only kept boxes suppress, so each candidate is tested
 * against the kept list: the same result as torchvision's loop, O(n·kept) instead of O(n²) when
 * suppression is heavy, and stopping early once `maxDetections` boxes are kept.
 */
import { type Detections, selectDetections } from '../core/detections.js';

/** Indices of the non-NaN scores, by decreasing score; equal scores in increasing index (stable). */
export function orderByScore(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  const valid = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(scores[i])) valid[count++] = i;
  // Sorting float64 keys natively is several times faster than a comparator sort; each index is
  // then placed at the next free position of its key, in index order, which makes ties stable.
  const sortedKeys = new Float64Array(count);
  for (let k = 0; k < count; k++) sortedKeys[k] = -scores[valid[k]];
  sortedKeys.sort();
  const next = new Map<number, number>();
  for (let k = 0; k < count; k++) if (k === 0 || sortedKeys[k] !== sortedKeys[k - 1]) next.set(sortedKeys[k], k);
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const key = -scores[valid[k]];
    const at = next.get(key)!;
    order[at] = valid[k];
    next.set(key, at + 1);
  }
  return order;
}

/**
 * Runs greedy NMS over `order[start…end)` (already in visiting order) and sets `keep[i] = 1` for
 * each kept box `i`. Stops after `limit` kept boxes. Returns the number kept.
 */
function suppressInOrder(
  boxes: ArrayLike<number>,
  order: Int32Array,
  start: number,
  end: number,
  iouThreshold: number,
  limit: number,
  keep: Uint8Array,
): number {
  // Kept boxes are copied to contiguous float64 columns: the inner loop reads them in sequence.
  const capacity = Math.min(end - start, limit);
  const kx1 = new Float64Array(capacity);
  const ky1 = new Float64Array(capacity);
  const kx2 = new Float64Array(capacity);
  const ky2 = new Float64Array(capacity);
  const karea = new Float64Array(capacity);
  let kept = 0;
  for (let k = start; k < end && kept < limit; k++) {
    const i = order[k];
    const b = i * 4;
    const x1 = boxes[b];
    const y1 = boxes[b + 1];
    const x2 = boxes[b + 2];
    const y2 = boxes[b + 3];
    const area = (x2 - x1) * (y2 - y1);
    let suppressed = false;
    for (let m = 0; m < kept; m++) {
      const w = Math.min(kx2[m], x2) - Math.max(kx1[m], x1);
      if (!(w > 0)) continue;
      const h = Math.min(ky2[m], y2) - Math.max(ky1[m], y1);
      if (!(h > 0)) continue;
      const inter = w * h;
      if (inter / (karea[m] + area - inter) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (suppressed) continue;
    kx1[kept] = x1;
    ky1[kept] = y1;
    kx2[kept] = x2;
    ky2[kept] = y2;
    karea[kept] = area;
    kept++;
    keep[i] = 1;
  }
  return kept;
}

/**
 * torchvision.ops.nms: indices of the kept boxes, by decreasing score.
 * `boxes` interleaved xyxy, `scores` one per box.
 */
export function nms(boxes: ArrayLike<number>, scores: ArrayLike<number>, iouThreshold: number): Int32Array {
  return batchedNms(boxes, scores, null, iouThreshold);
}

export interface BatchedNmsOptions {
  /** Keep at most this many boxes (the best ones). */
  maxDetections?: number;
}

/**
 * torchvision.ops.batched_nms: NMS within each class, never across classes — exactly the result of
 * its coordinate-offset trick, i.e. of `nms` run per class with the kept boxes merged by decreasing
 * score (equal scores in input order). `classIds` null means class-agnostic (plain `nms`).
 */
export function batchedNms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  classIds: ArrayLike<number> | null,
  iouThreshold: number,
  options: BatchedNmsOptions = {},
): Int32Array {
  const n = scores.length;
  if (boxes.length < n * 4) throw new RangeError(`nms: ${n} scores but only ${boxes.length / 4} boxes`);
  if (classIds && classIds.length < n) throw new RangeError(`nms: ${n} scores but only ${classIds.length} class ids`);
  const limit = options.maxDetections ?? Number.POSITIVE_INFINITY;
  const order = orderByScore(scores);
  const keep = new Uint8Array(n);
  if (classIds === null) {
    suppressInOrder(boxes, order, 0, order.length, iouThreshold, limit, keep);
  } else {
    // Group the visiting order by class (a stable counting sort keeps each class in score order).
    const { grouped, offsets } = groupByClass(order, classIds);
    for (let c = 0; c + 1 < offsets.length; c++) {
      suppressInOrder(boxes, grouped, offsets[c], offsets[c + 1], iouThreshold, limit, keep);
    }
  }
  let count = 0;
  for (let k = 0; k < order.length; k++) if (keep[order[k]]) count++;
  const out = new Int32Array(Math.min(count, limit));
  for (let k = 0, o = 0; k < order.length && o < out.length; k++) if (keep[order[k]]) out[o++] = order[k];
  return out;
}

function groupByClass(order: Int32Array, classIds: ArrayLike<number>): { grouped: Int32Array; offsets: Int32Array } {
  const slot = new Map<number, number>();
  const slotOf = new Int32Array(order.length);
  const counts: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const c = classIds[order[k]];
    let s = slot.get(c);
    if (s === undefined) {
      s = counts.length;
      slot.set(c, s);
      counts.push(0);
    }
    counts[s]++;
    slotOf[k] = s;
  }
  const offsets = new Int32Array(counts.length + 1);
  for (let s = 0; s < counts.length; s++) offsets[s + 1] = offsets[s] + counts[s];
  const cursor = offsets.slice(0, counts.length);
  const grouped = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) grouped[cursor[slotOf[k]]++] = order[k];
  return { grouped, offsets };
}

export interface NonMaxSuppressionOptions {
  iouThreshold: number;
  /** Drop detections whose score is not above this before NMS (as torchvision and Ultralytics do). */
  scoreThreshold?: number;
  maxDetections?: number;
  /** Suppress across classes too (default: class-aware). */
  classAgnostic?: boolean;
}

/** Score filter, NMS (class-aware unless `classAgnostic`) and top-k on `Detections`. */
export function nonMaxSuppression(d: Detections, options: NonMaxSuppressionOptions): Detections {
  let candidates = d;
  if (options.scoreThreshold !== undefined) {
    const above: number[] = [];
    for (let i = 0; i < d.length; i++) if (d.scores[i] > options.scoreThreshold) above.push(i);
    if (above.length < d.length) candidates = selectDetections(d, above);
  }
  const kept = batchedNms(
    candidates.boxes,
    candidates.scores.subarray(0, candidates.length),
    options.classAgnostic ? null : candidates.classIds,
    options.iouThreshold,
    { maxDetections: options.maxDetections },
  );
  return selectDetections(candidates, kept);
}
