/**
 * The Open Images box CSV scanned from bytes, for conversions at train scale (14.6 million
 * lines): no string per line or field, no object per row. Lines become rows of a reused
 * columnar block (`BoxRows`); an ImageID becomes a string only when it changes from the line
 * before, a LabelName never (MIDs are looked up by their bytes).
 *
 * Same reading as openimages-read.ts (same values, same errors with file and line): columns by
 * header name, normalised corners parsed exactly like `parseDecimal`, flags 1 / 0 / -1, Source
 * other than `xclick` and Confidence other than 1 kept per row. Each coordinate also keeps its
 * decimal digits (`mantissas`, `scales`) so writers can print sums and differences without
 * float noise when that is exact (see ByteText.decimal in byte-text.ts). Columns beyond the 13 standard
 * ones are not handled here (`scannable` says so; the general reader takes those files).
 */
import type { CategoryId } from '../core/dataset.js';
import { POW10 } from '../core/decimal.js';
import { DetkitError } from '../core/errors.js';
import { parseDecimal, splitCsvLine } from './csv-text.js';
import { type ImageIndex, MidTable, text } from './openimages-ids.js';

export { ImageIndex } from './openimages-ids.js';

const STANDARD = [
  'ImageID',
  'Source',
  'LabelName',
  'Confidence',
  'XMin',
  'XMax',
  'YMin',
  'YMax',
  'IsOccluded',
  'IsTruncated',
  'IsGroupOf',
  'IsDepiction',
  'IsInside',
];
const REQUIRED = ['ImageID', 'LabelName', 'XMin', 'XMax', 'YMin', 'YMax'];
/** Flag columns in the order rows keep them. */
export const FLAG_COLUMNS = ['IsOccluded', 'IsTruncated', 'IsGroupOf', 'IsDepiction', 'IsInside'] as const;
const COORDINATE_COLUMNS = ['XMin', 'YMin', 'XMax', 'YMax'] as const;
const FILE_ORDER = [0, 2, 1, 3];

/** True when every header column is one the scanner knows (and the required ones are there). */
export function scannable(header: string[]): boolean {
  return REQUIRED.every((c) => header.includes(c)) && header.every((c) => STANDARD.includes(c));
}

/** What a row keeps beyond the columns: Source other than xclick, Confidence other than 1. */
export interface RowExtra {
  source?: string;
  confidence?: number;
}

/** Parsed rows as plain columns (what a worker thread receives; see `BoxRows`). */
export interface RowColumns {
  length: number;
  image: Uint32Array;
  category: Uint32Array;
  corners: Float64Array;
  mantissas: Float64Array;
  scales: Uint8Array;
  flags: Int8Array;
  extras: Map<number, RowExtra>;
}

/** The first `rows.length` rows, copied (a message for a worker; the block is reused). */
export function copyRows(rows: RowColumns): RowColumns {
  const n = rows.length;
  return {
    length: n,
    image: rows.image.slice(0, n),
    category: rows.category.slice(0, n),
    corners: rows.corners.slice(0, n * 4),
    mantissas: rows.mantissas.slice(0, n * 4),
    scales: rows.scales.slice(0, n * 4),
    flags: rows.flags.slice(0, n * 5),
    extras: new Map(rows.extras),
  };
}

/** Parsed rows of one block of lines; reused block after block. */
export class BoxRows implements RowColumns {
  length = 0;
  /** 0-based image index (first-seen order over the whole scan). */
  image = new Uint32Array(0);
  category = new Uint32Array(0);
  /** x1, y1, x2, y2 (XMin, YMin, XMax, YMax), normalised, as parsed. */
  corners = new Float64Array(0);
  /** The same four as integers over 10^scale; NaN when the spelling was not a plain decimal. */
  mantissas = new Float64Array(0);
  scales = new Uint8Array(0);
  /** IsOccluded, IsTruncated, IsGroupOf, IsDepiction, IsInside: 1, 0 or -1 (0 when the column is absent). */
  flags = new Int8Array(0);
  /** 1-based line number of each row, for messages. */
  lines = new Float64Array(0);
  extras = new Map<number, RowExtra>();

  reset(): void {
    this.length = 0;
    this.extras.clear();
  }

  /** Room for one more row. */
  grow(): void {
    const n = this.length;
    if (n < this.image.length) return;
    const cap = Math.max(1024, n * 2);
    const more = <T extends Uint32Array | Float64Array | Uint8Array | Int8Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.image = more(this.image, 1);
    this.category = more(this.category, 1);
    this.corners = more(this.corners, 4);
    this.mantissas = more(this.mantissas, 4);
    this.scales = more(this.scales, 4);
    this.flags = more(this.flags, 5);
    this.lines = more(this.lines, 1);
  }
}

interface Columns {
  count: number;
  image: number;
  label: number;
  source: number;
  confidence: number;
  /** XMin, YMin, XMax, YMax. */
  corners: number[];
  flags: number[];
}

/**
 * Scans one box CSV: `push` each chunk of bytes, `end` after the last; each returns the rows
 * of the whole lines seen so far (the same `BoxRows`, valid until the next call).
 */
export class BoxScanner {
  readonly rows = new BoxRows();
  private readonly mids: MidTable;
  private columns: Columns | undefined;
  private carry: Uint8Array = new Uint8Array(0);
  private lineNo = 0;
  private started = false;
  /** Bytes of the last ImageID and its index. */
  private lastId = new Uint8Array(256);
  private lastIdLength = -1;
  private lastImage = 0;
  private readonly bounds = new Int32Array(2 * 64);

  constructor(
    private readonly file: string,
    private readonly classFile: string,
    idOfMid: Map<string, CategoryId>,
    private readonly images: ImageIndex,
  ) {
    this.mids = new MidTable(idOfMid);
  }

  push(chunk: Uint8Array): BoxRows {
    this.rows.reset();
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    let start = 0;
    if (!this.started && bytes.length >= 3) {
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    }
    if (!this.columns) {
      const next = bytes.indexOf(10, start);
      if (next < 0) {
        this.carry = bytes.slice(start);
        return this.rows;
      }
      this.line(bytes, start, next, 0, false);
      start = next + 1;
    }
    // One pass over the bytes: commas into the field bounds, a quote noted, a line break ends a row.
    const b = this.bounds;
    let count = 1;
    let quoted = false;
    b[0] = start;
    for (let i = start; i < bytes.length; i++) {
      const ch = bytes[i];
      if (ch > 44) continue;
      if (ch === 44) {
        if (count < 64) {
          b[count * 2 - 1] = i;
          b[count * 2] = i + 1;
        }
        count++;
      } else if (ch === 10) {
        this.line(bytes, start, i, count, quoted);
        start = i + 1;
        count = 1;
        quoted = false;
        b[0] = start;
      } else if (ch === 34) quoted = true;
    }
    this.carry = bytes.slice(start);
    return this.rows;
  }

  end(): BoxRows {
    this.rows.reset();
    if (this.carry.length > 0) this.line(this.carry, 0, this.carry.length, 0, false);
    this.carry = new Uint8Array(0);
    if (!this.columns) throw new DetkitError('empty file: expected a header line', { file: this.file });
    return this.rows;
  }

  private fail(detail: string): never {
    throw new DetkitError(detail, { file: this.file, line: this.lineNo });
  }

  /**
   * One line; `count` fields already bounded by the caller's pass (0: find them here), the
   * last one ending at `end`.
   */
  private line(bytes: Uint8Array, start: number, end: number, count: number, quoted: boolean): void {
    this.lineNo++;
    if (end > start && bytes[end - 1] === 13) end--;
    if (end === start) return;
    if (!this.columns) {
      this.columns = this.header(splitCsvLine(text(bytes, start, end), 0, end - start, this.file, this.lineNo));
      return;
    }
    const c = this.columns;
    const b = this.bounds;
    if (count === 0) {
      count = 1;
      b[0] = start;
      for (let i = start; i < end; i++) {
        const ch = bytes[i];
        if (ch === 44) {
          if (count < 64) {
            b[count * 2 - 1] = i;
            b[count * 2] = i + 1;
          }
          count++;
        } else if (ch === 34) quoted = true;
      }
    }
    if (count <= 64) b[count * 2 - 1] = end;
    if (quoted) {
      // Rare: unquote the fields into a line of their own and point the bounds at it.
      const spelled = text(bytes, start, end);
      const fields = splitCsvLine(spelled, 0, spelled.length, this.file, this.lineNo);
      count = fields.length;
      if (count === c.count) {
        const encoder = new TextEncoder();
        const parts = fields.map((f) => encoder.encode(f));
        bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        parts.forEach((p, k) => {
          bytes.set(p, at);
          b[k * 2] = at;
          at += p.length;
          b[k * 2 + 1] = at;
        });
      }
    }
    if (count !== c.count) this.fail(`${count} fields where the header has ${c.count}`);

    const rows = this.rows;
    rows.grow();
    const row = rows.length;
    rows.lines[row] = this.lineNo;
    rows.image[row] = this.imageOf(bytes, b[c.image * 2], b[c.image * 2 + 1]);
    const ls = b[c.label * 2];
    const le = b[c.label * 2 + 1];
    const category = this.mids.get(bytes, ls, le);
    if (category < 0) {
      this.fail(`unknown LabelName "${text(bytes, ls, le)}": not a MID of ${this.classFile}`);
    }
    rows.category[row] = category;
    // File order (XMin, XMax, YMin, YMax), so the first bad number is the one reported.
    for (const k of FILE_ORDER) {
      const f = c.corners[k];
      this.coordinate(bytes, b[f * 2], b[f * 2 + 1], row * 4 + k, COORDINATE_COLUMNS[k]);
    }
    const q = row * 4;
    if (rows.corners[q + 2] < rows.corners[q] || rows.corners[q + 3] < rows.corners[q + 1]) {
      this.fail('XMax < XMin or YMax < YMin (the columns are XMin,XMax,YMin,YMax)');
    }
    for (let f = 0; f < 5; f++) {
      const k = c.flags[f];
      let value = 0;
      if (k >= 0) {
        const s = b[k * 2];
        const e = b[k * 2 + 1];
        const ch = bytes[s];
        if (e - s === 1 && (ch === 48 || ch === 49)) value = ch - 48;
        else if (e - s === 2 && ch === 45 && bytes[s + 1] === 49) value = -1;
        else this.fail(`${FLAG_COLUMNS[f]} "${text(bytes, s, e)}" must be 1, 0 or -1 (unknown)`);
      }
      rows.flags[row * 5 + f] = value;
    }
    let extra: RowExtra | undefined;
    if (c.source >= 0) {
      const s = b[c.source * 2];
      const e = b[c.source * 2 + 1];
      const xclick =
        e - s === 6 &&
        bytes[s] === 120 &&
        bytes[s + 1] === 99 &&
        bytes[s + 2] === 108 &&
        bytes[s + 3] === 105 &&
        bytes[s + 4] === 99 &&
        bytes[s + 5] === 107;
      if (!xclick) extra = { source: text(bytes, s, e) };
    }
    if (c.confidence >= 0) {
      const s = b[c.confidence * 2];
      const e = b[c.confidence * 2 + 1];
      if (!(e - s === 1 && bytes[s] === 49)) {
        const confidence = parseDecimal(text(bytes, s, e), 0, e - s);
        if (Number.isNaN(confidence)) this.fail(`Confidence "${text(bytes, s, e)}" is not a number`);
        if (confidence !== 1) (extra ??= {}).confidence = confidence;
      }
    }
    if (extra) rows.extras.set(row, extra);
    rows.length++;
  }

  private imageOf(bytes: Uint8Array, start: number, end: number): number {
    const n = end - start;
    if (n === this.lastIdLength) {
      const last = this.lastId;
      let i = 0;
      while (i < n && last[i] === bytes[start + i]) i++;
      if (i === n) return this.lastImage;
    }
    if (n === 0) this.fail('empty ImageID');
    if (n > this.lastId.length) this.lastId = new Uint8Array(n * 2);
    this.lastId.set(bytes.subarray(start, end));
    this.lastIdLength = n;
    this.lastImage = this.images.indexOf(text(bytes, start, end));
    return this.lastImage;
  }

  /** One coordinate, parsed like `parseDecimal` (same value), with its decimal digits kept. */
  private coordinate(bytes: Uint8Array, start: number, end: number, at: number, name: string): void {
    const rows = this.rows;
    let i = start;
    let negative = false;
    if (i < end && bytes[i] === 45) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let dot = false;
    let plain = true;
    const first = i;
    for (; i < end; i++) {
      const ch = bytes[i];
      if (ch >= 48 && ch <= 57) {
        mantissa = mantissa * 10 + (ch - 48);
        if (mantissa !== 0 || dot) digits++;
        if (dot) scale++;
      } else if (ch === 46 && !dot) dot = true;
      else {
        plain = false;
        break;
      }
    }
    let value: number;
    if (plain && !(i === first || (dot && i === first + 1)) && digits <= 15) {
      value = scale === 0 ? mantissa : mantissa / POW10[scale];
      if (negative) {
        value = -value;
        mantissa = -mantissa;
      }
      rows.mantissas[at] = mantissa;
      rows.scales[at] = scale;
    } else {
      const spelled = text(bytes, start, end);
      value = parseDecimal(spelled, 0, spelled.length);
      if (Number.isNaN(value)) this.fail(`${name} "${spelled}" is not a number`);
      rows.mantissas[at] = Number.NaN;
      rows.scales[at] = 0;
    }
    rows.corners[at] = value;
  }

  private header(fields: string[]): Columns {
    const at = (name: string) => fields.indexOf(name);
    for (const name of REQUIRED) {
      if (at(name) < 0) {
        throw new DetkitError(`the header has no ${name} column (found ${fields.join(',')})`, {
          file: this.file,
          line: 1,
        });
      }
    }
    if (!scannable(fields)) {
      throw new DetkitError(`columns beyond the 13 standard ones (found ${fields.join(',')})`, {
        file: this.file,
        line: 1,
      });
    }
    return {
      count: fields.length,
      image: at('ImageID'),
      label: at('LabelName'),
      source: at('Source'),
      confidence: at('Confidence'),
      corners: COORDINATE_COLUMNS.map(at),
      flags: FLAG_COLUMNS.map(at),
    };
  }
}
