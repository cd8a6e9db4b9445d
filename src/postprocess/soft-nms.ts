/**
 * Soft-NMS (Bodla et al., ICCV 2017): instead of removing the boxes that overlap a selected box,
 * decay their scores, and drop a box once its score falls below `scoreThreshold`.
 * Semantics of the reference implementation (bharatsingh430/soft-nms `cpu_soft_nms`):
 * - repeatedly select the box with the highest current score;
 * - decay every remaining box by its IoU with the selected one:
 *   linear: × (1 - iou) when iou > iouThreshold (else unchanged); gaussian: × exp(-iou² / sigma);
 * - a box whose decayed score is below `scoreThreshold` is discarded.
 * Differences, on purpose: IoU in the continuous frame (no "+1" pixel; the same IoU as `nms`),
 * boxes that start below `scoreThreshold` are dropped too, and equal current scores are selected
 * in input order.
 */

export type SoftNmsMethod = 'linear' | 'gaussian';

export interface SoftNmsOptions {
  method?: SoftNmsMethod;
  /** Linear only: boxes overlapping less than (or exactly) this are not decayed. Default 0.3. */
  iouThreshold?: number;
  /** Gaussian only: the decay is exp(-iou²/sigma). Default 0.5. */
  sigma?: number;
  /** Boxes whose (decayed) score falls below this are discarded. Default 0.001. */
  scoreThreshold?: number;
}

export interface SoftNmsResult {
  /** Kept box indices, in selection order (decreasing decayed score). */
  indices: Int32Array;
  /** The decayed score of each kept box (parallel to `indices`). */
  scores: Float64Array;
}

/** Soft-NMS over interleaved xyxy `boxes`. O(n²): meant for per-image candidate sets. */
export function softNms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: SoftNmsOptions = {},
): SoftNmsResult {
  const gaussian = (options.method ?? 'gaussian') === 'gaussian';
  const nt = options.iouThreshold ?? 0.3;
  const sigma = options.sigma ?? 0.5;
  const threshold = options.scoreThreshold ?? 0.001;
  const n = scores.length;
  // Live candidates, compacted as boxes are selected or discarded; kept in input order.
  const live = new Int32Array(n);
  const current = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (scores[i] >= threshold) {
      live[count++] = i;
      current[i] = scores[i];
    }
  }
  const indices: number[] = [];
  const kept: number[] = [];
  while (count > 0) {
    let best = 0;
    for (let k = 1; k < count; k++) if (current[live[k]] > current[live[best]]) best = k;
    const s = live[best];
    indices.push(s);
    kept.push(current[s]);
    const sb = s * 4;
    const sx1 = boxes[sb];
    const sy1 = boxes[sb + 1];
    const sx2 = boxes[sb + 2];
    const sy2 = boxes[sb + 3];
    const sArea = (sx2 - sx1) * (sy2 - sy1);
    let out = 0;
    for (let k = 0; k < count; k++) {
      if (k === best) continue;
      const i = live[k];
      const b = i * 4;
      const w = Math.max(0, Math.min(sx2, boxes[b + 2]) - Math.max(sx1, boxes[b]));
      const h = Math.max(0, Math.min(sy2, boxes[b + 3]) - Math.max(sy1, boxes[b + 1]));
      const inter = w * h;
      const iou = inter / (sArea + (boxes[b + 2] - boxes[b]) * (boxes[b + 3] - boxes[b + 1]) - inter);
      const weight = gaussian ? Math.exp(-(iou * iou) / sigma) : iou > nt ? 1 - iou : 1;
      current[i] *= weight;
      if (current[i] >= threshold) live[out++] = i;
    }
    count = out;
  }
  return { indices: Int32Array.from(indices), scores: Float64Array.from(kept) };
}
