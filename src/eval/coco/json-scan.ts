/**
 * A forward-only JSON reader over a string for large record arrays (COCO results): numbers go
 * straight into typed arrays without building an object per record. Numbers parse exactly as
 * JSON.parse does (Clinger's fast path when exact, Number() otherwise); rare shapes (nested
 * values, escaped strings) fall back to JSON.parse on their slice.
 */
import { DetkitError, type ErrorLocation } from '../../core/errors.js';

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

export class JsonCursor {
  pos = 0;

  constructor(
    readonly text: string,
    readonly file?: string,
  ) {}

  fail(detail: string, where: ErrorLocation = {}): never {
    throw new DetkitError(detail, { file: this.file, ...where });
  }

  skipSpace(): number {
    const s = this.text;
    let i = this.pos;
    let c = s.charCodeAt(i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++i);
    this.pos = i;
    return c;
  }

  /** Consumes `ch` (after white space) or fails. */
  expect(ch: number, what: string, where?: ErrorLocation): void {
    if (this.skipSpace() !== ch) this.fail(`expected ${what} at character ${this.pos}`, where);
    this.pos++;
  }

  /** Consumes `ch` if it is next (after white space). */
  accept(ch: number): boolean {
    if (this.skipSpace() !== ch) return false;
    this.pos++;
    return true;
  }

  /** A string value; escapes are decoded through JSON.parse. */
  string(where?: ErrorLocation): string {
    if (this.skipSpace() !== 34) this.fail(`expected a string at character ${this.pos}`, where);
    const s = this.text;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i++;
      } else if (Number.isNaN(c)) this.fail('unterminated string', where);
      i++;
    }
    this.pos = i + 1;
    return escaped ? (JSON.parse(s.slice(start, i + 1)) as string) : s.slice(start + 1, i);
  }

  /** A number, or NaN (position unchanged) when the next value is not one. */
  number(): number {
    const s = this.text;
    let i = this.pos;
    let c = s.charCodeAt(i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++i);
    const start = i;
    let negative = false;
    if (c === 45) {
      negative = true;
      c = s.charCodeAt(++i);
    }
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    const intStart = i;
    while (c >= 48 && c <= 57) {
      if (digits > 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      c = s.charCodeAt(++i);
    }
    if (i === intStart) return Number.NaN;
    if (c === 46) {
      c = s.charCodeAt(++i);
      const fracStart = i;
      while (c >= 48 && c <= 57) {
        if (digits > 0 || c !== 48) digits++;
        mantissa = mantissa * 10 + (c - 48);
        exponent--;
        c = s.charCodeAt(++i);
      }
      if (i === fracStart) return Number.NaN;
    }
    let exact = true;
    if (c === 101 || c === 69) {
      c = s.charCodeAt(++i);
      let expNegative = false;
      if (c === 43 || c === 45) {
        expNegative = c === 45;
        c = s.charCodeAt(++i);
      }
      let e = 0;
      const expStart = i;
      while (c >= 48 && c <= 57) {
        e = e * 10 + (c - 48);
        if (e > 100000) exact = false;
        c = s.charCodeAt(++i);
      }
      if (i === expStart) return Number.NaN;
      exponent += expNegative ? -e : e;
    }
    this.pos = i;
    if (exact && digits <= 15 && exponent >= -22 && exponent <= 22) {
      // Both operands exact, one correctly rounded operation: the same double JSON.parse gives.
      const v = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
      return negative ? -v : v;
    }
    return Number(s.slice(start, i));
  }

  /** Skips any value and returns its source slice bounds. */
  skipValue(where?: ErrorLocation): [number, number] {
    const c = this.skipSpace();
    const start = this.pos;
    const s = this.text;
    if (c === 34) {
      this.string(where);
    } else if (c === 123 || c === 91) {
      let depth = 0;
      let i = start;
      for (;;) {
        const ch = s.charCodeAt(i);
        if (Number.isNaN(ch)) this.fail('unterminated value', where);
        if (ch === 34) {
          this.pos = i;
          this.string(where);
          i = this.pos;
          continue;
        }
        if (ch === 123 || ch === 91) depth++;
        else if (ch === 125 || ch === 93) {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
        i++;
      }
      this.pos = i;
    } else {
      let i = start;
      for (;;) {
        const ch = s.charCodeAt(i);
        if (Number.isNaN(ch) || ch === 44 || ch === 125 || ch === 93 || ch === 32 || ch === 10 || ch === 13 || ch === 9)
          break;
        i++;
      }
      if (i === start) this.fail(`expected a value at character ${start}`, where);
      this.pos = i;
    }
    return [start, this.pos];
  }

  /** Any value, parsed by JSON.parse. */
  value(where?: ErrorLocation): unknown {
    const [a, b] = this.skipValue(where);
    try {
      return JSON.parse(this.text.slice(a, b));
    } catch (e) {
      return this.fail(`invalid JSON value: ${(e as Error).message}`, where);
    }
  }
}
