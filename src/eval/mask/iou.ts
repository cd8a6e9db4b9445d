/**
 * Mask and box IoU as maskApi's rleIou / bbIou, with the same double operations in the same
 * order so that thresholds such as 0.5 fall on the same side as in pycocotools.
 *
 * Results are row-major [dt x gt]: `iou[d * gt.length + g]`. For a crowd ground truth the
 * denominator is the detection's area alone.
 */
import { DetkitError } from '../../core/errors.js';
import { checkRle, countsArea, type Rle, rleToBbox } from './rle.js';

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
 * walking the runs; a pair of masks of different sizes gets -1 (no error), as in pycocotools.
 */
export function rleIou(dt: Rle[], gt: Rle[], iscrowd: ArrayLike<number>): Float64Array {
  const m = dt.length;
  const n = gt.length;
  const crowd = crowdFlags(iscrowd, n);
  for (const r of dt) checkRle(r);
  for (const r of gt) checkRle(r);
  const out = new Float64Array(m * n);
  if (m === 0 || n === 0) return out;
  boxIouInto(tightBoxes(dt), tightBoxes(gt), m, n, crowd, out);
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
      out[o] = runIou(D.counts, G.counts, crowd[g] !== 0);
    }
  }
  return out;
}

function tightBoxes(rles: Rle[]): Float64Array {
  const boxes = new Float64Array(rles.length * 4);
  for (let i = 0; i < rles.length; i++) boxes.set(rleToBbox(rles[i]), 4 * i);
  return boxes;
}

/** Intersection over union (or over the detection's area for a crowd) by walking both run lists. */
function runIou(A: Uint32Array, B: Uint32Array, crowd: boolean): number {
  const ka = A.length;
  const kb = B.length;
  let ca = ka > 0 ? A[0] : 0;
  let cb = kb > 0 ? B[0] : 0;
  let va = false;
  let vb = false;
  let a = 1;
  let b = 1;
  let i = 0;
  let u = 0;
  let ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    if (va || vb) {
      u += c;
      if (va && vb) i += c;
    }
    ca -= c;
    if (ca === 0 && a < ka) {
      ca = A[a++];
      va = !va;
    }
    cb -= c;
    if (cb === 0 && b < kb) {
      cb = B[b++];
      vb = !vb;
    }
    ct = ca + cb;
  }
  i >>>= 0;
  if (i === 0) u = 1;
  else if (crowd) u = countsArea(A);
  return i / (u >>> 0);
}
