/**
 * Text written straight into a growable byte buffer, for writers that emit gigabytes (COCO
 * from Open Images at train scale): no string per record, no join, no UTF-8 encode pass.
 *
 * Numbers come out exactly as JS prints them (`${v}`, the shortest round-trip form, which is
 * also JSON.stringify's). `decimal` takes a short cut for values known as an integer over a
 * power of ten (a 6-decimal coordinate, a sum of two): when that fraction is the value's
 * double and has at most 15 significant digits, it *is* the shortest round-trip spelling — no
 * other decimal that short lies within the double's rounding interval — so its digits are
 * written without asking the engine. Otherwise it falls back to `${v}`.
 */
import { POW10 } from '../core/decimal.js';

const MAX_DIGITS = 1e15;
const encoder = new TextEncoder();

export class ByteText {
  bytes: Uint8Array;
  length = 0;
  private readonly digits = new Uint8Array(24);

  constructor(capacity = 1 << 20) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** The text so far (a view, valid until the next write). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** ASCII text (keys, punctuation, engine-printed numbers). */
  ascii(s: string): void {
    this.reserve(s.length);
    const b = this.bytes;
    let at = this.length;
    for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i);
    this.length = at;
  }

  /** Any text, UTF-8 encoded. */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.length += encoder.encodeInto(s, this.bytes.subarray(this.length)).written;
  }

  byte(c: number): void {
    if (this.length >= this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = c;
  }

  /** A non-negative integer below 2^53. */
  uint(n: number): void {
    this.reserve(17);
    if (n < 10) {
      this.bytes[this.length++] = 48 + n;
      return;
    }
    const d = this.digits;
    let k = 0;
    while (n > 0) {
      const q = Math.floor(n / 10);
      d[k++] = 48 + (n - q * 10);
      n = q;
    }
    const b = this.bytes;
    let at = this.length;
    while (k > 0) b[at++] = d[--k];
    this.length = at;
  }

  /** `${v}` for a finite number, `null` otherwise (JSON has no NaN). */
  number(v: number): void {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** 53 && !Object.is(v, -0)) this.uint(v);
    else this.ascii(Number.isFinite(v) ? `${v}` : 'null');
  }

  /** `${value}`, where `value` is the double computed from the fraction `n / 10^scale` (see top). */
  decimal(value: number, n: number, scale: number): void {
    if (
      scale > 22 ||
      !(Math.abs(n) < 2 ** 53) ||
      (scale === 0 ? n !== value : n / POW10[scale] !== value) ||
      !(value === 0 || Math.abs(value) >= 1e-6) ||
      Object.is(value, -0)
    ) {
      this.number(value);
      return;
    }
    let m = Math.abs(n);
    let s = scale;
    while (s > 0 && m % 10 === 0) {
      m /= 10;
      s--;
    }
    if (m >= MAX_DIGITS) {
      this.number(value);
      return;
    }
    if (n < 0) this.byte(45);
    if (s === 0) {
      this.uint(m);
      return;
    }
    const fraction = m % POW10[s];
    this.uint((m - fraction) / POW10[s]);
    this.reserve(s + 1);
    const b = this.bytes;
    b[this.length++] = 46;
    let at = this.length + s;
    let f = fraction;
    for (let k = 0; k < s; k++) {
      const q = Math.floor(f / 10);
      b[--at] = 48 + (f - q * 10);
      f = q;
    }
    this.length += s;
  }
}
