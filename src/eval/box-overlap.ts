/**
 * Box overlap on detkit's columnar boxes (interleaved x, y, w, h; continuous pixel frame).
 *
 * VOC note: the devkit computes `iw = min(xmax) - max(xmin) + 1` on 1-based inclusive integer
 * corners. detkit stores such a box as x = xmin − 1, w = xmax − xmin + 1, so x + w = xmax and
 * min(x2) − max(x1) = min(xmax) − max(xmin) + 1: the devkit's "+1" IoU is exactly the plain
 * continuous IoU here, and no evaluator in detkit adds a pixel.
 */

/** Intersection area of box `i` of `a` and box `j` of `b` (0 when they do not overlap). */
export function intersectionArea(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const ai = i * 4;
  const bj = j * 4;
  const iw = Math.min(a[ai] + a[ai + 2], b[bj] + b[bj + 2]) - Math.max(a[ai], b[bj]);
  if (iw <= 0) return 0;
  const ih = Math.min(a[ai + 1] + a[ai + 3], b[bj + 1] + b[bj + 3]) - Math.max(a[ai + 1], b[bj + 1]);
  return ih <= 0 ? 0 : iw * ih;
}

/** Intersection over union; 0 when the union is empty. */
export function boxIou(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const inter = intersectionArea(a, i, b, j);
  if (inter === 0) return 0;
  const union = a[i * 4 + 2] * a[i * 4 + 3] + b[j * 4 + 2] * b[j * 4 + 3] - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * COCO's crowd overlap: intersection over the area of box `i` of `a` (the detection), so any
 * number of detections can fall inside one crowd region.
 */
export function boxIoa(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const inter = intersectionArea(a, i, b, j);
  if (inter === 0) return 0;
  const area = a[i * 4 + 2] * a[i * 4 + 3];
  return area > 0 ? inter / area : 0;
}

/** Row indices sorted by descending score, ties kept in the given order (a stable sort). */
export function byScoreDescending(rows: number[], scores: ArrayLike<number>): number[] {
  return rows
    .map((row, k) => ({ row, k }))
    .sort((p, q) => scores[q.row] - scores[p.row] || p.k - q.k)
    .map((e) => e.row);
}

/** Scores of a prediction table; a prediction without a score counts as a sure one (1). */
export function predictionScores(scores: Float64Array, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.isNaN(scores[i]) ? 1 : scores[i];
  return out;
}

/** Annotation rows grouped by image id, each group in table order. */
export function rowsByImageId(imageIds: Float64Array, length: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let row = 0; row < length; row++) {
    const id = imageIds[row];
    let rows = out.get(id);
    if (!rows) out.set(id, (rows = []));
    rows.push(row);
  }
  return out;
}
