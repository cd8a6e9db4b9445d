/**
 * The fast path of COCO results loading: a run of records in the compact form every exporter
 * writes, `{"image_id":…,"category_id":…,"bbox":[x,y,w,h],"score":…}` (no spaces, this key
 * order), scanned straight into the annotation table. The first record of any other shape stops
 * the run and goes to the general reader (load.ts), which also words the errors.
 */
import type { AnnotationTable } from '../../core/dataset.js';
import { POW10 } from '../../core/decimal.js';
import type { IdIndex } from './group.js';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const IMAGE_ID = ascii('{"image_id":');
const CATEGORY_ID = ascii(',"category_id":');
const BBOX = ascii(',"bbox":[');
const SCORE = ascii(',"score":');

/**
 * Reads the JSON number at `i` into `out[slot]`, as JSON.parse reads it, and returns where it ends,
 * or -1 when there is none. (A double returned from a call is boxed; one stored into a typed
 * array is not — this runs 3 million times on a val2017-size file.) Exact: when the digits fit
 * a double (≤ 15 significant) and the power of ten is exact, one correctly rounded divide gives
 * the correctly rounded value; anything else goes through Number().
 */
export function readNumber(b: Uint8Array, i: number, out: Float64Array, slot: number): number {
  const start = i;
  let c = b[i];
  const negative = c === 45;
  if (negative) c = b[++i];
  let mantissa = 0;
  let digits = 0;
  let exponent = 0;
  const intStart = i;
  if (c === 48) {
    c = b[++i];
  } else {
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      c = b[++i];
    }
  }
  if (i === intStart) return -1;
  if (c === 46) {
    c = b[++i];
    const fracStart = i;
    while (c >= 48 && c <= 57) {
      if (digits > 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      exponent--;
      c = b[++i];
    }
    if (i === fracStart) return -1;
  }
  if (c === 101 || c === 69) {
    // Rare in results: let Number() read it after checking the JSON shape.
    c = b[++i];
    if (c === 43 || c === 45) c = b[++i];
    const expStart = i;
    while (c >= 48 && c <= 57) c = b[++i];
    if (i === expStart) return -1;
    out[slot] = Number(String.fromCharCode.apply(null, b.subarray(start, i) as unknown as number[]));
  } else if (digits <= 15 && exponent >= -22) {
    const v = exponent < 0 ? mantissa / POW10[-exponent] : mantissa;
    out[slot] = negative ? -v : v;
  } else {
    out[slot] = Number(String.fromCharCode.apply(null, b.subarray(start, i) as unknown as number[]));
  }
  return i;
}

function matches(b: Uint8Array, i: number, lit: Uint8Array): boolean {
  if (i < 0) return false;
  let diff = 0;
  for (let k = 0; k < lit.length; k++) diff |= b[i + k] ^ lit[k];
  return diff === 0;
}

/** The record's numbers: image id, category id, x, y, w, h, score. */
const FIELDS = new Float64Array(7);

/** Where a scan stopped: at the start of the first record it left, or past the list's `]`. */
export interface ScanStop {
  pos: number;
  listClosed: boolean;
}

/**
 * Appends compact box records from `at.pos` (a record's `{`) to the table, ids `firstId`, … in
 * order, area w × h (loadRes), while they match the compact form, are on an image of `images`
 * and a list separator follows. Returns how many it read; `at` tells where it stopped.
 */
export function scanCompactBoxRecords(
  b: Uint8Array,
  at: ScanStop,
  table: AnnotationTable,
  firstId: number,
  images: IdIndex,
): number {
  let n = 0;
  let i = at.pos;
  at.listClosed = false;
  const f = FIELDS;
  for (;;) {
    at.pos = i;
    if (!matches(b, i, IMAGE_ID)) break;
    let e = readNumber(b, i + IMAGE_ID.length, f, 0);
    if (!matches(b, e, CATEGORY_ID)) break;
    e = readNumber(b, e + CATEGORY_ID.length, f, 1);
    if (!matches(b, e, BBOX)) break;
    e = readNumber(b, e + BBOX.length, f, 2);
    if (e < 0 || b[e] !== 44) break;
    e = readNumber(b, e + 1, f, 3);
    if (e < 0 || b[e] !== 44) break;
    e = readNumber(b, e + 1, f, 4);
    if (e < 0 || b[e] !== 44) break;
    e = readNumber(b, e + 1, f, 5);
    if (e < 0 || b[e] !== 93 || !matches(b, e + 1, SCORE)) break;
    e = readNumber(b, e + 1 + SCORE.length, f, 6);
    if (e < 0 || b[e] !== 125 || images.get(f[0]) < 0) break;
    // Only ',' or ']' may follow; anything else (white space too) is the general reader's.
    const next = b[e + 1];
    if (next !== 44 && next !== 93) break;
    const row = table.addBox(f[0], f[1], f[2], f[3], f[4], f[5], f[6], firstId + n);
    table.areas[row] = f[4] * f[5];
    n++;
    i = e + 2;
    if (next === 93) {
      at.listClosed = true;
      at.pos = i;
      break;
    }
  }
  return n;
}
