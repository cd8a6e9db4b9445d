/**
 * Mask and box IoU as maskApi's rleIou / bbIou, with the same double operations in the same
 * order so that thresholds such as 0.5 fall on the same side as in pycocotools.
 *
 * Results are row-major [dt x gt]: `iou[d * gt.length + g]`. For a crowd ground truth the
 * denominator is the detection's area alone.
 */
import { DetkitError } from '../../core/errors.js';
import { boxAndArea, type Rle } from './rle.js';

/** C's fmin/fmax: a NaN argument is ignored. */
function fmin(a: number, b: number): number {
  return a < b || Number.isNaN(b) ? a : b;
}
function fmax(a: number, b: number): number {
  return a > b || Number.isNaN(b) ? a : b;
}

/** iscrowd as numpy's uint8 array holds it (pycocotools converts with np.array(..., dtype=uint8)). */
function crowdFlags(iscrowd: ArrayLike<number>, n: number): Uint8Array {
  if (iscrowd.length !== n) {
    throw new DetkitError(`iscrowd has ${iscrowd.length} flags but there are ${n} ground truths`);
  }
  const flags = new Uint8Array(n);
  for (let g = 0; g < n; g++) flags[g] = Number(iscrowd[g]) & 0xff;
  return flags;
}

/** Box IoU of flat [x, y, w, h, ...] arrays, exactly maskApi's bbIou. */
export function bboxIou(dt: ArrayLike<number>, gt: ArrayLike<number>, iscrowd: ArrayLike<number>): Float64Array {
  if (dt.length % 4 !== 0 || gt.length % 4 !== 0) {
    throw new DetkitError(`boxes must be flat [x, y, w, h] groups; got ${dt.length} and ${gt.length} numbers`);
  }
  const m = dt.length / 4;
  const n = gt.length / 4;
  const crowd = crowdFlags(iscrowd, n);
  const out = new Float64Array(m * n);
  boxIouInto(dt, gt, m, n, crowd, out);
  return out;
}

function boxIouInto(
  dt: ArrayLike<number>,
  gt: ArrayLike<number>,
  m: number,
  n: number,
  crowd: Uint8Array,
  out: Float64Array,
): void {
  for (let g = 0; g < n; g++) {
    const gx = gt[4 * g];
    const gy = gt[4 * g + 1];
    const gw = gt[4 * g + 2];
    const gh = gt[4 * g + 3];
    const ga = gw * gh;
    const isCrowd = crowd[g] !== 0;
    for (let d = 0; d < m; d++) {
      const dx = dt[4 * d];
      const dy = dt[4 * d + 1];
      const dw = dt[4 * d + 2];
      const dh = dt[4 * d + 3];
      const da = dw * dh;
      const o = d * n + g;
      out[o] = 0;
      const w = fmin(dw + dx, gw + gx) - fmax(dx, gx);
      if (w <= 0) continue;
      const h = fmin(dh + dy, gh + gy) - fmax(dy, gy);
      if (h <= 0) continue;
      const i = w * h;
      const u = isCrowd ? da : da + ga - i;
      out[o] = i / u;
    }
  }
}

/**
 * Mask IoU, exactly maskApi's rleIou: pairs whose tight boxes do not overlap get 0 without
 * looking at the runs; a pair of masks of different sizes gets -1 (no error), as in pycocotools.
 * The masks must be valid (counts summing to h*w), as every constructor here guarantees.
 */
export function rleIou(dt: Rle[], gt: Rle[], iscrowd: ArrayLike<number>): Float64Array {
  const m = dt.length;
  const n = gt.length;
  const crowd = crowdFlags(iscrowd, n);
  const out = new Float64Array(m * n);
  if (m === 0 || n === 0) return out;
  const dtBoxes = new Float64Array(4 * m);
  const gtBoxes = new Float64Array(4 * n);
  const dtAreas = new Float64Array(m);
  const gtAreas = new Float64Array(n);
  for (let d = 0; d < m; d++) dtAreas[d] = boxAndArea(dt[d], dtBoxes, 4 * d);
  for (let g = 0; g < n; g++) gtAreas[g] = boxAndArea(gt[g], gtBoxes, 4 * g);
  boxIouInto(dtBoxes, gtBoxes, m, n, crowd, out);
  for (let g = 0; g < n; g++) {
    const G = gt[g];
    for (let d = 0; d < m; d++) {
      const o = d * n + g;
      if (!(out[o] > 0)) continue;
      const D = dt[d];
      if (D.h !== G.h || D.w !== G.w) {
        out[o] = -1;
        continue;
      }
      // maskApi counts the union while walking the runs; for valid masks it is |D| + |G| - i.
      const i = intersection(D.counts, G.counts);
      const u = i === 0 ? 1 : crowd[g] !== 0 ? dtAreas[d] : dtAreas[d] + gtAreas[g] - i;
      out[o] = i / u;
    }
  }
  return out;
}

/** Pixels set in both masks: a two-pointer walk over the runs of 1s (odd indices). */
function intersection(A: Uint32Array, B: Uint32Array): number {
  const ka = A.length;
  const kb = B.length;
  if (ka < 2 || kb < 2) return 0;
  let ia = 1;
  let ib = 1;
  let sa = A[0];
  let ea = sa + A[1];
  let sb = B[0];
  let eb = sb + B[1];
  let i = 0;
  for (;;) {
    const lo = sa > sb ? sa : sb;
    const hi = ea < eb ? ea : eb;
    if (hi > lo) i += hi - lo;
    if (ea <= eb) {
      if (ia + 2 >= ka) break;
      sa = ea + A[ia + 1];
      ia += 2;
      ea = sa + A[ia];
    } else {
      if (ib + 2 >= kb) break;
      sb = eb + B[ib + 1];
      ib += 2;
      eb = sb + B[ib];
    }
  }
  return i;
}
