/**
 * Polygon and box rasterisation exactly as maskApi's rleFrPoly: vertices are scaled by 5 and
 * rounded with C's `(int)(v + .5)` (truncation toward zero, so negative values round up), the
 * edges are walked one upsampled step at a time, and every crossing of a pixel column centre
 * becomes a run boundary. The walk streams the boundary points instead of storing them, but
 * visits the same points in the same order with the same double arithmetic.
 */
import { DetkitError } from '../../core/errors.js';
import { checkSize, type Rle } from './rle.js';

const SCALE = 5;
const INT_MIN = -2147483648;

// Grown on demand and reused: rasterising a polygon allocates only its result.
let xs = new Int32Array(64);
let ys = new Int32Array(64);
let bounds = new Uint32Array(256);

/** C's `(int)d` on x86-64: truncation, INT_MIN when out of range or NaN. */
function toInt(d: number): number {
  return d > -2147483649 && d < 2147483648 ? Math.trunc(d) : INT_MIN;
}

/** State of the boundary walk, kept outside the loops so `visit` needs no closure. */
const walk = { h: 0, xMax: 0, nb: 0, first: true, pu: 0, pv: 0 };

/**
 * One upsampled boundary point (u, v) after the previous one: where u changes and the column
 * step crosses a pixel centre, record the pixel index where the run toggles (maskApi's
 * "y-boundary" points, downsampled).
 */
function visit(u: number, v: number): void {
  const pu = walk.pu;
  const pv = walk.pv;
  walk.pu = u;
  walk.pv = v;
  if (walk.first) {
    walk.first = false;
    return;
  }
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
  walk.first = true;
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
    if (dx >= dy) {
      const s = (y1 - y0) / dx;
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        // A repeated vertex gives s = 0/0 and (int)NaN = INT_MIN in C.
        visit(t + x0, dx === 0 ? INT_MIN : (y0 + s * t + 0.5) | 0);
      }
    } else {
      const s = (x1 - x0) / dy;
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        visit((x0 + s * t + 0.5) | 0, t + y0);
      }
    }
  }
  return { h, w, counts: runsFromBoundaries(walk.nb, h * w) };
}

/** Sorted boundary pixel indices -> run lengths; a doubled boundary cancels out. */
function runsFromBoundaries(nb: number, area: number): Uint32Array {
  bounds[nb++] = area >>> 0;
  const a = bounds.subarray(0, nb).sort();
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

/** A box [x, y, w, h] rasterised as maskApi's rleFrBbox: the polygon of its four corners. */
export function rleFrBbox(bbox: ArrayLike<number>, h: number, w: number): Rle {
  if (bbox.length !== 4) throw new DetkitError(`box has ${bbox.length} numbers, expected 4 (x, y, w, h)`);
  const x0 = bbox[0];
  const x1 = x0 + bbox[2];
  const y0 = bbox[1];
  const y1 = y0 + bbox[3];
  return rleFrPoly([x0, y0, x0, y1, x1, y1, x1, y0], h, w);
}
