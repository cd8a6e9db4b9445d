/**
 * Polygon and box rasterisation exactly as maskApi's rleFrPoly: vertices are scaled by 5 and
 * rounded with C's `(int)(v + .5)` (truncation toward zero, so negative values round up), the
 * edges are walked one upsampled step at a time, and every crossing of a pixel column centre
 * becomes a run boundary. maskApi stores every upsampled point and then scans consecutive pairs;
 * here the pairs are visited edge by edge without storing points, skipping the pairs that cannot
 * cross a column centre. Every pair that can is computed with the same double arithmetic, and
 * the boundaries are sorted afterwards, so the order of visits does not matter.
 */
import { DetkitError } from '../../core/errors.js';
import { checkSize, type Rle } from './rle.js';

const SCALE = 5;
const INT_MIN = -2147483648;

// Grown on demand and reused: rasterising a polygon allocates only its result.
let xs = new Int32Array(64);
let ys = new Int32Array(64);
let bounds = new Uint32Array(256);
let sorted = new Uint32Array(256);
let columnEnds = new Int32Array(256);

/** C's `(int)d` on x86-64: truncation, INT_MIN when out of range or NaN. */
function toInt(d: number): number {
  return d > -2147483649 && d < 2147483648 ? Math.trunc(d) : INT_MIN;
}

/** Where the boundary walk writes (module state, so `pair` needs no closure). */
const walk = { h: 0, xMax: 0, nb: 0 };

/**
 * Two consecutive upsampled boundary points (pu, pv) -> (u, v): where u changes and the step
 * crosses a pixel column centre, record the pixel index where the run toggles (maskApi's
 * "y-boundary" points, downsampled). maskApi applies this to every consecutive pair.
 */
function pair(pu: number, pv: number, u: number, v: number): void {
  if (u === pu) return;
  let xd = u < pu ? u : u - 1;
  xd = (xd + 0.5) / SCALE - 0.5;
  if (Math.floor(xd) !== xd || xd < 0 || xd > walk.xMax) return;
  let yd = Math.min(v, pv);
  yd = (yd + 0.5) / SCALE - 0.5;
  if (yd < 0) yd = 0;
  else if (yd > walk.h) yd = walk.h;
  yd = Math.ceil(yd);
  if (walk.nb + 1 >= bounds.length) {
    const grown = new Uint32Array(bounds.length * 2);
    grown.set(bounds);
    bounds = grown;
  }
  bounds[walk.nb++] = (Math.imul(xd, walk.h) + yd) >>> 0;
}

/** Rasterises a polygon given as flat [x0, y0, x1, y1, ...] (pixel coordinates) into an h x w RLE. */
export function rleFrPoly(xy: ArrayLike<number>, h: number, w: number): Rle {
  checkSize(h, w);
  if (xy.length % 2 !== 0) throw new DetkitError(`polygon has an odd number of coordinates (${xy.length})`);
  const k = xy.length / 2;
  for (let j = 0; j < xy.length; j++) {
    const s = SCALE * xy[j] + 0.5;
    if (!(s > -2147483649 && s < 2147483648)) {
      throw new DetkitError(
        `polygon coordinate ${j} (${xy[j]}) is NaN, infinite or too large for maskApi's int arithmetic`,
      );
    }
  }
  if (k === 0) return { h, w, counts: Uint32Array.of(h * w) };
  if (xs.length < k + 1) {
    xs = new Int32Array(2 * (k + 1));
    ys = new Int32Array(2 * (k + 1));
  }
  for (let j = 0; j < k; j++) {
    xs[j] = toInt(SCALE * xy[2 * j] + 0.5);
    ys[j] = toInt(SCALE * xy[2 * j + 1] + 0.5);
  }
  xs[k] = xs[0];
  ys[k] = ys[0];

  // xd must land on a column centre 0..w-1 (maskApi compares with siz w-1, huge when w = 0).
  walk.xMax = w === 0 ? 2 ** 64 : w - 1;
  walk.h = h;
  walk.nb = 0;
  // Last point of the previous edge: the first point of each edge pairs with it.
  let lu = 0;
  let lv = 0;
  for (let j = 0; j < k; j++) {
    let x0 = xs[j];
    let x1 = xs[j + 1];
    let y0 = ys[j];
    let y1 = ys[j + 1];
    const dx = Math.abs(x1 - x0);
    const dy = Math.abs(y0 - y1);
    const flip = (dx >= dy && x0 > x1) || (dx < dy && y0 > y1);
    if (flip) {
      let t = x0;
      x0 = x1;
      x1 = t;
      t = y0;
      y0 = y1;
      y1 = t;
    }
    // Point t of the edge is (x0 + t, v(t)) when shallow, (u(t), y0 + t) when steep; maskApi walks
    // t upwards, or downwards when flipped. Pairs inside an edge do not depend on the direction.
    const tFirst = flip ? Math.max(dx, dy) : 0;
    const tLast = flip ? 0 : Math.max(dx, dy);
    if (dx >= dy) {
      const s = (y1 - y0) / dx;
      // A repeated vertex gives s = 0/0, and (int)NaN is INT_MIN in C.
      if (j > 0) pair(lu, lv, x0 + tFirst, dx === 0 ? INT_MIN : (y0 + s * tFirst + 0.5) | 0);
      lu = x0 + tLast;
      lv = dx === 0 ? INT_MIN : (y0 + s * tLast + 0.5) | 0;
      // u steps by one, so only steps from u = 5i + 2 to 5i + 3 cross column centre i.
      let t = Math.max(0, -3 - x0);
      t += (((2 - x0 - t) % 5) + 5) % 5;
      const tEnd = w === 0 ? dx - 1 : Math.min(dx - 1, 5 * w - x0);
      for (; t <= tEnd; t += 5) {
        pair(x0 + t, (y0 + s * t + 0.5) | 0, x0 + t + 1, (y0 + s * (t + 1) + 0.5) | 0);
      }
    } else {
      const s = (x1 - x0) / dy;
      if (j > 0) pair(lu, lv, (x0 + s * tFirst + 0.5) | 0, tFirst + y0);
      lu = (x0 + s * tLast + 0.5) | 0;
      lv = tLast + y0;
      let pu = (x0 + 0.5) | 0;
      for (let t = 1; t <= dy; t++) {
        const u = (x0 + s * t + 0.5) | 0;
        if (u !== pu) pair(pu, t - 1 + y0, u, t + y0);
        pu = u;
      }
    }
  }
  return { h, w, counts: runsFromBoundaries(walk.nb, h, h * w) };
}

/** Sorted boundary pixel indices -> run lengths; a doubled boundary cancels out. */
function runsFromBoundaries(nb: number, h: number, area: number): Uint32Array {
  const a = sortBoundaries(nb, h);
  a[nb++] = area >>> 0;
  let p = 0;
  for (let j = 0; j < nb; j++) {
    const t = a[j];
    a[j] = t - p;
    p = t;
  }
  // Compact in place: the write index never passes the read index.
  let m = 0;
  let j = 0;
  a[m++] = a[j++];
  while (j < nb) {
    if (a[j] > 0) a[m++] = a[j++];
    else {
      j++;
      if (j < nb) a[m - 1] += a[j++];
    }
  }
  return a.slice(0, m);
}

/**
 * Sorts bounds[0..nb) ascending, returning the buffer that holds the result (with room for one
 * more). Boundaries come edge by edge, a few per pixel column: a counting sort by column
 * (floor(index / h), monotone in the index) and an insertion sort inside each column beat a
 * comparison sort several times over.
 */
function sortBoundaries(nb: number, h: number): Uint32Array {
  if (nb < 2 || h === 0) return bounds;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let j = 0; j < nb; j++) {
    const c = Math.floor(bounds[j] / h);
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  const span = hi - lo + 1;
  if (span > 4 * nb + 1024) {
    bounds.subarray(0, nb).sort();
    return bounds;
  }
  if (columnEnds.length < span + 1) columnEnds = new Int32Array(2 * (span + 1));
  if (sorted.length < bounds.length) sorted = new Uint32Array(bounds.length);
  columnEnds.fill(0, 0, span + 1);
  for (let j = 0; j < nb; j++) columnEnds[Math.floor(bounds[j] / h) - lo + 1]++;
  for (let c = 1; c <= span; c++) columnEnds[c] += columnEnds[c - 1];
  for (let j = 0; j < nb; j++) sorted[columnEnds[Math.floor(bounds[j] / h) - lo]++] = bounds[j];
  // Only entries of one column are out of order now.
  for (let j = 1; j < nb; j++) {
    const v = sorted[j];
    let i = j - 1;
    while (i >= 0 && sorted[i] > v) {
      sorted[i + 1] = sorted[i];
      i--;
    }
    sorted[i + 1] = v;
  }
  // Swap the buffers so the result lives in `bounds`' place for the next call's growth logic.
  const result = sorted;
  sorted = bounds;
  bounds = result;
  return result;
}

/** A box [x, y, w, h] rasterised as maskApi's rleFrBbox: the polygon of its four corners. */
export function rleFrBbox(bbox: ArrayLike<number>, h: number, w: number): Rle {
  if (bbox.length !== 4) throw new DetkitError(`box has ${bbox.length} numbers, expected 4 (x, y, w, h)`);
  const x0 = bbox[0];
  const x1 = x0 + bbox[2];
  const y0 = bbox[1];
  const y1 = y0 + bbox[3];
  return rleFrPoly([x0, y0, x0, y1, x1, y1, x1, y0], h, w);
}
