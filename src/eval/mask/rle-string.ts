/**
 * COCO's compressed RLE strings (maskApi rleToString / rleFrString): each count, from the fourth
 * on stored as the difference to the count two before, is written LEB128-style in 5-bit groups,
 * low group first, one character per group ('0' + group, +32 when more groups follow); the last
 * group's 0x10 bit is the sign.
 */
import { DetkitError } from '../../core/errors.js';
import { checkSize, type Rle } from './rle.js';

// Reused character buffer: at most 7 characters per count.
let chars = new Uint16Array(1024);

export function rleToString(rle: Rle): string {
  const counts = rle.counts;
  if (chars.length < 7 * counts.length) chars = new Uint16Array(14 * counts.length);
  let p = 0;
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      let c = x & 0x1f; // low 5 bits of the two's complement, also for x beyond 32 bits
      // Arithmetic shift of maskApi's 64-bit long; `>>` is exact once x fits in 32 bits.
      x = x >= -2147483648 && x <= 2147483647 ? x >> 5 : Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars[p++] = c + 48;
    }
  }
  let s = '';
  for (let i = 0; i < p; i += 8192) {
    s += String.fromCharCode.apply(null, chars.subarray(i, Math.min(p, i + 8192)) as unknown as number[]);
  }
  return s;
}

/** Parses a compressed RLE string; throws on a bad character, a cut-off count, or counts not summing to h*w. */
export function rleFrString(s: string, h: number, w: number): Rle {
  checkSize(h, w);
  const counts = decodeCounts(s);
  let total = 0;
  for (let j = 0; j < counts.length; j++) total += counts[j];
  if (total !== h * w) {
    throw new DetkitError(`RLE string decodes to ${total} pixels but the mask has ${h}x${w} = ${h * w} pixels`);
  }
  return { h, w, counts };
}

/**
 * The counts of a compressed string exactly as maskApi decodes them on x86-64. maskApi shifts a
 * 32-bit int by 5*k, which the CPU takes modulo 32, and JavaScript's `<<` does the same: so a
 * 7-character negative difference (below -2^29, only in masks of over 500M pixels) gets the same
 * corrupted sign extension as in pycocotools. Only the low 32 bits reach the uint32 count.
 */
export function decodeCounts(s: string): Uint32Array {
  const out = new Uint32Array(s.length);
  let m = 0;
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new DetkitError(`RLE string ends inside a count (last character '${s[p - 1]}')`);
      const code = s.charCodeAt(p);
      if (code < 48 || code > 111) {
        throw new DetkitError(`RLE string has character '${s[p]}' at ${p}; counts use '0'..'o'`);
      }
      const c = code - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (m > 2) x += out[m - 2];
    out[m++] = x >>> 0;
  }
  return out.slice(0, m);
}
