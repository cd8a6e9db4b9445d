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
 * against the kept boxes only (binned in a grid once there are many, see kept-boxes.ts): the same
 * result as torchvision's loop, without its O(n²), and stopping once `maxDetections` are kept.
 */
import { type Detections, selectDetections } from '../core/detections.js';
import { KeptBoxes } from './kept-boxes.js';

/** Indices below 2^21 leave 32 bits of score rank in a float64 integer (2^53). */
const INDEX_RANGE = 2 ** 21;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Indices of the non-NaN scores, by decreasing score; equal scores in increasing index (stable). */
export function orderByScore(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  const valid = new Int32Array(n);
  let count = 0;
  let float32 = true;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    valid[count++] = i;
    if (float32 && Math.fround(s) !== s) float32 = false;
  }
  if (!float32 || n > INDEX_RANGE) {
    return valid.slice(0, count).sort((a, b) => scores[b] - scores[a] || a - b);
  }
  // Float32 scores: pack (descending score rank, index) into one integer below 2^53 and sort the
  // keys natively — several times faster than a comparator sort, and stable by construction.
  const keys = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    f32[0] = scores[valid[k]] || 0; // -0 ranks with +0
    const bits = u32[0];
    const ascending = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
    keys[k] = (0xffffffff - ascending) * INDEX_RANGE + valid[k];
  }
  keys.sort();
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) order[k] = keys[k] % INDEX_RANGE;
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
  const extent = (): [number, number, number, number] => {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let k = start; k < end; k++) {
      const b = order[k] * 4;
      if (boxes[b] < minX) minX = boxes[b];
      if (boxes[b + 1] < minY) minY = boxes[b + 1];
      if (boxes[b + 2] > maxX) maxX = boxes[b + 2];
      if (boxes[b + 3] > maxY) maxY = boxes[b + 3];
    }
    return [minX, minY, maxX, maxY];
  };
  const kept = new KeptBoxes(Math.min(end - start, limit), iouThreshold, extent);
  for (let k = start; k < end && kept.length < limit; k++) {
    const i = order[k];
    const b = i * 4;
    const x1 = boxes[b];
    const y1 = boxes[b + 1];
    const x2 = boxes[b + 2];
    const y2 = boxes[b + 3];
    const area = (x2 - x1) * (y2 - y1);
    if (kept.suppresses(x1, y1, x2, y2, area)) continue;
    kept.add(x1, y1, x2, y2, area);
    keep[i] = 1;
  }
  return kept.length;
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
