/**
 * The two COCO RLE operations a reader needs, ported from pycocotools' maskApi.c: decoding the
 * compressed counts string, and the bounding box of a mask (for results that give only a mask).
 * Masks are column-major; runs alternate background, foreground, starting with background.
 */
import type { RLE } from '../core/dataset.js';

/** Counts of a compressed RLE string (`rleFrString`): 5-bit groups, deltas from two runs back. */
export function decodeCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/** `[x, y, w, h]` of the mask's foreground (`rleToBbox`); zeros for an empty mask. */
export function rleBbox(rle: RLE): [number, number, number, number] {
  const [h] = rle.size;
  const counts = typeof rle.counts === 'string' ? decodeCounts(rle.counts) : rle.counts;
  const m = counts.length - (counts.length % 2);
  if (m === 0 || h === 0) return [0, 0, 0, 0];
  let xs = Number.POSITIVE_INFINITY;
  let ys = Number.POSITIVE_INFINITY;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += counts[j];
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      // The run crosses a column: it covers the full height.
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}
