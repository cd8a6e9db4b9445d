/**
 * Run-length encoded binary masks, as in pycocotools (cocoapi `common/maskApi.c`).
 *
 * Pixels are ordered column-major (Fortran order, `index = x * h + y`); `counts` alternate runs
 * of 0s and 1s and always start with a run of 0s (which may be empty). Every function here
 * reproduces maskApi's integer arithmetic, including its 32-bit unsigned wrap-around, so results
 * match pycocotools bit for bit.
 */
import { DetkitError } from '../../core/errors.js';

export interface Rle {
  h: number;
  w: number;
  counts: Uint32Array;
}

/** Box in pixels: x, y, width, height (COCO `bbox`). */
export type BoxXYWH = [number, number, number, number];

/** Throws unless `h`/`w` are sizes and the runs cover exactly the h*w pixels. */
export function checkRle(rle: Rle): void {
  checkSize(rle.h, rle.w);
  let total = 0;
  const counts = rle.counts;
  for (let j = 0; j < counts.length; j++) total += counts[j];
  if (total !== rle.h * rle.w) {
    throw new DetkitError(`RLE counts sum to ${total} but the mask has ${rle.h}x${rle.w} = ${rle.h * rle.w} pixels`);
  }
}

export function checkSize(h: number, w: number): void {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0 || h * w > 0xffffffff) {
    throw new DetkitError(`mask size ${h}x${w} is not a valid height x width`);
  }
}

/**
 * Runs of a column-major mask. Like maskApi, a run ends wherever the byte value changes, so use
 * 0/1 (or 0/255) masks: mixing different non-zero values starts a new run at every change.
 */
export function rleEncode(mask: Uint8Array, h: number, w: number): Rle {
  checkSize(h, w);
  const a = h * w;
  if (mask.length !== a) throw new DetkitError(`mask has ${mask.length} pixels, expected ${h}x${w} = ${a}`);
  let runs = 1;
  for (let j = 1; j < a; j++) if (mask[j] !== mask[j - 1]) runs++;
  if (a > 0 && mask[0] !== 0) runs++;
  const counts = new Uint32Array(runs);
  let k = 0;
  let p = 0;
  let c = 0;
  for (let j = 0; j < a; j++) {
    const v = mask[j];
    if (v !== p) {
      counts[k++] = c;
      c = 0;
      p = v;
    }
    c++;
  }
  counts[k] = c;
  return { h, w, counts };
}

/** The column-major 0/1 mask (length h*w). */
export function rleDecode(rle: Rle): Uint8Array {
  checkRle(rle);
  const out = new Uint8Array(rle.h * rle.w);
  const counts = rle.counts;
  let pos = 0;
  for (let j = 0; j < counts.length; j++) {
    const end = pos + counts[j];
    if (j & 1) out.fill(1, pos, end);
    pos = end;
  }
  return out;
}

/** Number of foreground pixels (maskApi returns it as a uint32). */
export function rleArea(rle: Rle): number {
  return countsArea(rle.counts);
}

export function countsArea(counts: Uint32Array): number {
  let a = 0;
  for (let j = 1; j < counts.length; j += 2) a += counts[j];
  return a >>> 0;
}

/**
 * Tight box of the foreground as maskApi's rleToBbox computes it: from the first and last pixel
 * of each run of 1s; a run spanning more than one column widens the box to the full height.
 * An empty mask gives [0, 0, 0, 0].
 */
export function rleToBbox(rle: Rle): BoxXYWH {
  const box = new Float64Array(4);
  boxAndArea(rle, box, 0);
  return [box[0], box[1], box[2], box[3]];
}

/** Writes rleToBbox's box at boxes[offset..offset+4) and returns the area, in one pass over the runs. */
export function boxAndArea(rle: Rle, boxes: Float64Array, offset: number): number {
  const counts = rle.counts;
  const h = rle.h >>> 0;
  const w = rle.w >>> 0;
  const m = counts.length & ~1;
  boxes.fill(0, offset, offset + 4);
  if (m === 0) return 0;
  if (h === 0) throw new DetkitError('cannot take the box of an RLE with zero height');
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  let area = 0;
  for (let j = 0; j < m; j++) {
    const c = counts[j];
    cc = (cc + c) >>> 0;
    const odd = j & 1;
    area += odd * c;
    const t = (cc - odd) >>> 0;
    const y = t % h;
    const x = (t - y) / h;
    if (odd === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    if (x < xs) xs = x;
    if (x > xe) xe = x;
    if (y < ys) ys = y;
    if (y > ye) ye = y;
  }
  boxes[offset] = xs;
  boxes[offset + 1] = ys;
  boxes[offset + 2] = (xe - xs + 1) >>> 0;
  boxes[offset + 3] = (ye - ys + 1) >>> 0;
  return area >>> 0;
}

/**
 * Union (or intersection) of masks of one size, walking the runs as maskApi's rleMerge does.
 * No masks gives an empty 0x0 RLE, as in maskApi.
 */
export function rleMerge(rles: Rle[], intersect: boolean): Rle {
  if (rles.length === 0) return { h: 0, w: 0, counts: new Uint32Array(0) };
  const { h, w } = rles[0];
  for (const r of rles) checkRle(r);
  for (let i = 1; i < rles.length; i++) {
    if (rles[i].h !== h || rles[i].w !== w) {
      throw new DetkitError(`cannot merge masks of different sizes: ${h}x${w} and ${rles[i].h}x${rles[i].w}`);
    }
  }
  let acc = rles[0].counts;
  for (let i = 1; i < rles.length; i++) acc = mergeTwo(acc, rles[i].counts, intersect);
  return { h, w, counts: acc === rles[0].counts ? acc.slice() : acc };
}

function mergeTwo(A: Uint32Array, B: Uint32Array, intersect: boolean): Uint32Array {
  const out = new Uint32Array(A.length + B.length + 1);
  let ca = A.length > 0 ? A[0] : 0;
  let cb = B.length > 0 ? B[0] : 0;
  let v = false;
  let va = false;
  let vb = false;
  let m = 0;
  let a = 1;
  let b = 1;
  let cc = 0;
  let ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    cc += c;
    ca -= c;
    if (ca === 0 && a < A.length) {
      ca = A[a++];
      va = !va;
    }
    cb -= c;
    if (cb === 0 && b < B.length) {
      cb = B[b++];
      vb = !vb;
    }
    ct = ca + cb;
    const vp: boolean = v;
    v = intersect ? va && vb : va || vb;
    if (v !== vp || ct === 0) {
      out[m++] = cc;
      cc = 0;
    }
  }
  return out.slice(0, m);
}
