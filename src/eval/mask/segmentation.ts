/**
 * COCO `segmentation` values to RLE, as pycocotools' COCO.annToRLE (mask.frPyObjects + merge):
 * - polygons `[[x0, y0, x1, y1, ...], ...]` are rasterised at the image size (h, w) and united;
 * - uncompressed RLE `{size: [h, w], counts: number[]}` and compressed RLE
 *   `{size: [h, w], counts: string}` keep their own `size` (h, w are not used), so a mask whose
 *   size differs from its image later gets IoU -1, as in pycocotools.
 */
import { DetkitError } from '../../core/errors.js';
import { rleFrPoly } from './polygon.js';
import { checkRle, checkSize, type Rle, rleMerge } from './rle.js';
import { rleFrString } from './rle-string.js';

export type Polygons = number[][];
export interface RleObject {
  size: [number, number];
  counts: number[] | string;
}
export type Segmentation = Polygons | RleObject;

export function segmentationToRle(seg: Segmentation, h: number, w: number): Rle {
  if (Array.isArray(seg)) return polygonsToRle(seg, h, w);
  if (seg === null || typeof seg !== 'object') {
    throw new DetkitError('segmentation must be a list of polygons or an RLE object {size, counts}');
  }
  const size = seg.size;
  if (!Array.isArray(size) || size.length !== 2) {
    throw new DetkitError('RLE segmentation needs "size": [height, width]');
  }
  const [rh, rw] = size;
  checkSize(rh, rw);
  if (typeof seg.counts === 'string') return rleFrString(seg.counts, rh, rw);
  if (!Array.isArray(seg.counts)) throw new DetkitError('RLE "counts" must be a string or a list of run lengths');
  const counts = new Uint32Array(seg.counts.length);
  for (let j = 0; j < counts.length; j++) {
    const c = seg.counts[j];
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) {
      throw new DetkitError(`RLE counts[${j}] = ${c} is not a run length (a non-negative integer)`);
    }
    counts[j] = c;
  }
  const rle = { h: rh, w: rw, counts };
  checkRle(rle);
  return rle;
}

function polygonsToRle(polys: Polygons, h: number, w: number): Rle {
  // pycocotools decides what the list holds from its first element alone.
  if (polys.length === 0) throw new DetkitError('segmentation is an empty list of polygons');
  for (let i = 0; i < polys.length; i++) {
    if (!Array.isArray(polys[i])) throw new DetkitError(`segmentation polygon ${i} is not a list of numbers`);
  }
  const first = polys[0].length;
  if (first === 4) {
    throw new DetkitError(
      'segmentation polygon 0 has only 4 numbers: pycocotools reads it as a box and fails ' +
        '(a polygon needs at least 3 points, 6 numbers)',
    );
  }
  if (first < 4) {
    throw new DetkitError(`segmentation polygon 0 has ${first} numbers; a polygon needs at least 3 points (6 numbers)`);
  }
  const rles: Rle[] = [];
  for (let i = 0; i < polys.length; i++) {
    const p = polys[i];
    for (let j = 0; j < p.length; j++) {
      if (typeof p[j] !== 'number') throw new DetkitError(`segmentation polygon ${i}[${j}] is not a number`);
    }
    // pycocotools silently drops the last number of an odd-length polygon; that hides broken data.
    if (p.length % 2 !== 0) {
      throw new DetkitError(`segmentation polygon ${i} has an odd number of coordinates (${p.length})`);
    }
    // Later polygons with fewer than 3 points are rasterised as pycocotools does (usually empty).
    rles.push(rleFrPoly(p, h, w));
  }
  return rles.length === 1 ? rles[0] : rleMerge(rles, false);
}
