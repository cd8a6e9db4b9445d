/**
 * CSV at Open Images scale (a 1.3 GB, 14.6-million-line box file): text comes in blocks of
 * whole lines, lines are split by hand, and decimals take a hand-written fast path. A line
 * holding a quote takes the general RFC 4180 split (DisplayNames with commas, `""` escapes).
 * Quoted fields spanning lines are not supported (no Open Images file has one).
 */
import { POW10 } from '../core/decimal.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';

/** The file's text in blocks that end on a line break (the last block may not), UTF-8 decoded. */
export async function* lineBlocks(files: FileAccess, path: string): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  let carry = '';
  for await (const chunk of files.readChunks(path)) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      carry = text;
      continue;
    }
    carry = text.slice(cut + 1);
    yield text.slice(0, cut + 1);
  }
  const rest = carry + decoder.decode();
  if (rest.length > 0) yield rest;
}

/** Calls `line(text, start, end, lineNo)` for each line of the file (terminators stripped, 1-based numbers). */
export async function forEachLine(
  files: FileAccess,
  path: string,
  line: (text: string, start: number, end: number, lineNo: number) => void,
): Promise<void> {
  let lineNo = 0;
  for await (const block of lineBlocks(files, path)) lineNo = linesOf(block, lineNo, line);
}

/** Splits one block into lines; returns the last line number used. */
export function linesOf(
  block: string,
  lineNo: number,
  line: (text: string, start: number, end: number, lineNo: number) => void,
): number {
  let start = 0;
  while (start < block.length) {
    let next = block.indexOf('\n', start);
    if (next < 0) next = block.length;
    let end = next;
    if (end > start && block.charCodeAt(end - 1) === 13) end--;
    line(block, start, end, ++lineNo);
    start = next + 1;
  }
  return lineNo;
}

const codes: number[] = [];

/**
 * `text[start, end)` as a string of its own. `slice` of 13+ characters makes a view that keeps
 * the whole 1 MB block alive: a Map of 1.7 million ImageIDs built from slices holds the entire
 * CSV in memory. Use this for anything kept beyond the line.
 */
export function detachedString(text: string, start: number, end: number): string {
  if (end - start < 13) return text.slice(start, end);
  codes.length = end - start;
  for (let i = start; i < end; i++) codes[i - start] = text.charCodeAt(i);
  return String.fromCharCode.apply(null, codes);
}

/** One CSV line's fields, quotes handled (`"a, b"`, `"say ""hi"""`). */
export function splitCsvLine(text: string, start: number, end: number, file: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = start;
  for (;;) {
    if (i < end && text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0 || q >= end) throw new DetkitError('unterminated quoted field', { file, line: lineNo });
        value += text.slice(from, q);
        if (q + 1 < end && text.charCodeAt(q + 1) === 34) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i < end && text.charCodeAt(i) !== 44) {
        throw new DetkitError('text after a closing quote (expected a comma)', { file, line: lineNo });
      }
      fields.push(value);
    } else {
      let comma = text.indexOf(',', i);
      if (comma < 0 || comma > end) comma = end;
      fields.push(detachedString(text, i, comma));
      i = comma;
    }
    if (i >= end) return fields;
    i++; // past the comma
  }
}

/** A CSV field, quoted when it needs to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value.trim() !== value ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The number in `text[start, end)`, NaN when it is not one. Plain decimals of up to 15 digits
 * (all Open Images values) are one exact integer divided by an exact power of ten — a single
 * correctly rounded operation, so the result equals `Number(...)`. Anything else goes to Number.
 */
export function parseDecimal(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && text.charCodeAt(i) === 45) {
    negative = true;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  const first = i;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      if (mantissa !== 0 || dot) digits++;
      if (dot) scale++;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return slowNumber(text, start, end);
    }
  }
  if (i === first || (dot && i === first + 1)) return Number.NaN;
  if (digits > 15) return slowNumber(text, start, end);
  const value = scale === 0 ? mantissa : mantissa / POW10[scale];
  return negative ? -value : value;
}

/** Decimal spellings only: Number() would also take hex, binary, 'Infinity' and padding. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function slowNumber(text: string, start: number, end: number): number {
  const s = text.slice(start, end);
  return DECIMAL.test(s) ? Number(s) : Number.NaN;
}
