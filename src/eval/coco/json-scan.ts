/**
 * A forward-only JSON reader over UTF-8 bytes for large record arrays (COCO results): numbers go
 * straight into typed arrays, with no string decoding and no object per record. Numbers parse
 * exactly as JSON.parse does (Clinger's fast path when it is exact, Number() otherwise); nested
 * values (segmentations) and escaped strings go through JSON.parse on their slice.
 */
import { POW10 } from '../../core/decimal.js';
import { DetkitError, type ErrorLocation } from '../../core/errors.js';

const utf8 = new TextDecoder();

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export class JsonCursor {
  pos = 0;
  readonly end: number;
  /** When >= 0, errors name `${recordList}[${recordIndex}]` unless told another record. */
  recordIndex = -1;
  recordList = 'results';

  constructor(
    readonly bytes: Uint8Array,
    readonly file?: string,
  ) {
    this.end = bytes.length;
  }

  fail(detail: string, where: ErrorLocation = {}): never {
    const record = this.recordIndex >= 0 ? `${this.recordList}[${this.recordIndex}]` : undefined;
    throw new DetkitError(detail, { file: this.file, record, ...where });
  }

  /** The next byte after white space (-1 at the end); does not consume it. */
  skipSpace(): number {
    const b = this.bytes;
    let i = this.pos;
    while (i < this.end && isSpace(b[i])) i++;
    this.pos = i;
    return i < this.end ? b[i] : -1;
  }

  /** Consumes `ch` (after white space) or fails. */
  expect(ch: number, what: string, where?: ErrorLocation): void {
    if (this.skipSpace() !== ch) this.fail(`expected ${what} at byte ${this.pos}`, where);
    this.pos++;
  }

  /** Consumes '{' (or fails); true when members follow, false for `{}` (consumed whole). */
  openObject(): boolean {
    this.expect(123, 'an object');
    return !this.accept(125);
  }

  /** Consumes `ch` if it is next (after white space). */
  accept(ch: number): boolean {
    if (this.skipSpace() !== ch) return false;
    this.pos++;
    return true;
  }

  // Bounds of the last string skipped (fields, not a tuple: no garbage per key).
  private strStart = 0;
  private strEnd = 0;
  private strEscaped = false;

  /** Skips a string, leaving its content bounds in strStart / strEnd. */
  private skipString(where?: ErrorLocation): void {
    if (this.skipSpace() !== 34) this.fail(`expected a string at byte ${this.pos}`, where);
    const b = this.bytes;
    const start = this.pos + 1;
    let i = start;
    let escaped = false;
    for (;;) {
      if (i >= this.end) this.fail('unterminated string', where);
      const c = b[i];
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i++;
      }
      i++;
    }
    this.pos = i + 1;
    this.strStart = start;
    this.strEnd = i;
    this.strEscaped = escaped;
  }

  /** A string value. */
  string(where?: ErrorLocation): string {
    this.skipString(where);
    const a = this.strStart;
    const z = this.strEnd;
    const escaped = this.strEscaped;
    return escaped
      ? (JSON.parse(utf8.decode(this.bytes.subarray(a - 1, z + 1))) as string)
      : utf8.decode(this.bytes.subarray(a, z));
  }

  /** Reads an object key and returns the index of the name it equals in `names`, or -1. */
  key(names: Uint8Array[], where?: ErrorLocation): number {
    this.skipString(where);
    const a = this.strStart;
    const z = this.strEnd;
    const escaped = this.strEscaped;
    if (escaped) {
      const text = JSON.parse(utf8.decode(this.bytes.subarray(a - 1, z + 1))) as string;
      return names.findIndex((n) => utf8.decode(n) === text);
    }
    const b = this.bytes;
    const len = z - a;
    for (let k = 0; k < names.length; k++) {
      const n = names[k];
      if (n.length !== len) continue;
      let same = true;
      for (let i = 0; i < len && same; i++) same = b[a + i] === n[i];
      if (same) return k;
    }
    return -1;
  }

  /** A number, or NaN (position unchanged) when the next value is not one. */
  number(): number {
    const b = this.bytes;
    let i = this.pos;
    while (isSpace(b[i])) i++;
    const start = i;
    // Valid JSON never ends inside a number; past the end b[i] is undefined, which is no digit.
    let c = b[i];
    let negative = false;
    if (c === 45) {
      negative = true;
      c = b[++i];
    }
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    const intStart = i;
    while (c >= 48 && c <= 57) {
      if (digits > 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      c = b[++i];
    }
    if (i === intStart) return Number.NaN;
    // JSON has no leading zeros ("01"): not a number here, so the caller's JSON.parse says why.
    if (b[intStart] === 48 && i > intStart + 1) return Number.NaN;
    if (c === 46) {
      c = b[++i];
      const fracStart = i;
      while (c >= 48 && c <= 57) {
        if (digits > 0 || c !== 48) digits++;
        mantissa = mantissa * 10 + (c - 48);
        exponent--;
        c = b[++i];
      }
      if (i === fracStart) return Number.NaN;
    }
    let exact = true;
    if (c === 101 || c === 69) {
      c = b[++i];
      let expNegative = false;
      if (c === 43 || c === 45) {
        expNegative = c === 45;
        c = b[++i];
      }
      let e = 0;
      const expStart = i;
      while (c >= 48 && c <= 57) {
        e = e * 10 + (c - 48);
        if (e > 100000) exact = false;
        c = b[++i];
      }
      if (i === expStart) return Number.NaN;
      exponent += expNegative ? -e : e;
    }
    this.pos = i;
    if (exact && digits <= 15 && exponent >= -22 && exponent <= 22) {
      // Both operands exact, one correctly rounded operation: the double JSON.parse gives.
      const v = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
      return negative ? -v : v;
    }
    return Number(String.fromCharCode(...b.subarray(start, i)));
  }

  /** Skips any value and returns its byte bounds. */
  skipValue(where?: ErrorLocation): [number, number] {
    const c = this.skipSpace();
    const start = this.pos;
    const b = this.bytes;
    if (c === 34) {
      this.skipString(where);
    } else if (c === 123 || c === 91) {
      let depth = 0;
      let i = start;
      for (;;) {
        if (i >= this.end) this.fail('unterminated value', where);
        const ch = b[i];
        if (ch === 34) {
          this.pos = i;
          this.skipString(where);
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
      while (i < this.end) {
        const ch = b[i];
        if (ch === 44 || ch === 125 || ch === 93 || isSpace(ch)) break;
        i++;
      }
      if (i === start) this.fail(`expected a value at byte ${start}`, where);
      this.pos = i;
    }
    return [start, this.pos];
  }

  /** Any value, parsed by JSON.parse. */
  value(where?: ErrorLocation): unknown {
    const [a, z] = this.skipValue(where);
    try {
      return JSON.parse(utf8.decode(this.bytes.subarray(a, z)));
    } catch (e) {
      return this.fail(`invalid JSON value: ${(e as Error).message}`, where);
    }
  }
}
