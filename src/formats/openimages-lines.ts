/**
 * Scanned Open Images rows (openimages-scan.ts) printed as YOLO label lines and COCO
 * annotation records, byte for byte what the general writers print for the same rows
 * (yolo-stream.ts from the normalised corners, coco-write.ts from the pixel boxes the reader
 * makes), at a fraction of the cost: sums and differences of the 6-decimal coordinates are
 * printed from their digits when that is exact (ByteText.decimal).
 */
import { POW10 } from '../core/decimal.js';
import { ByteText } from './byte-text.js';
import type { RowColumns } from './openimages-scan.js';

/**
 * Attribute names of a row in the order `AnnotationTable.attributesOf` gives them: the flags
 * set to 1 (truncated, occluded, group_of — the table's flag order), then the attributes the
 * reader keeps in the attribute map (a -1 flag as null; depiction, inside).
 */
const FLAG_NAMES = ['occluded', 'truncated', 'group_of', 'depiction', 'inside'];
const TABLE_FLAG_ORDER = [1, 0, 2];
/** Per-axis values between the two passes of a record (no array per row). */
const scratch = new Float64Array(6);
/** `alignCorners`' result: the two mantissas on one decimal scale, and that scale. */
const aligned = new Float64Array(3);

/** Mantissas of corner coordinates `i` and `i + 2` brought to the finer of their two decimal scales. */
function alignCorners(m: Float64Array, s: Uint8Array, i: number): void {
  let a = m[i];
  let b = m[i + 2];
  let scale = s[i];
  if (s[i] !== s[i + 2]) {
    scale = Math.max(s[i], s[i + 2]);
    a *= POW10[scale - s[i]];
    b *= POW10[scale - s[i + 2]];
  }
  aligned[0] = a;
  aligned[1] = b;
  aligned[2] = scale;
}

/** Calls `name(attribute, value)` for each attribute of `row`, in attributesOf order. */
function forEachAttribute(flags: Int8Array, row: number, name: (k: number, value: true | null) => void): void {
  const f = row * 5;
  for (const k of TABLE_FLAG_ORDER) if (flags[f + k] === 1) name(k, true);
  for (let k = 0; k < 5; k++) {
    const v = flags[f + k];
    if (v === -1) name(k, null);
    else if (v === 1 && k >= 3) name(k, true);
  }
}

/** Counts each attribute a row carries; `order` gets names in first-seen order (the loss report's). */
export class AttributeCounts {
  readonly counts = new Float64Array(5);
  readonly order: number[] = [];
  private readonly add = (k: number) => {
    if (this.counts[k]++ === 0) this.order.push(k);
  };

  countRows(rows: RowColumns): void {
    const flags = rows.flags;
    for (let row = 0; row < rows.length; row++) {
      const f = row * 5;
      if (flags[f] === 0 && flags[f + 1] === 0 && flags[f + 2] === 0 && flags[f + 3] === 0 && flags[f + 4] === 0) {
        continue;
      }
      forEachAttribute(flags, row, this.add);
    }
  }

  /** [name, count] in first-seen order. */
  entries(): [string, number][] {
    return this.order.map((k) => [FLAG_NAMES[k], this.counts[k]]);
  }
}

/** `cls cx cy w h\n`: cx = (x1 + x2)/2, w = x2 − x1, as the YOLO stream writer computes them. */
export function yoloLine(out: ByteText, cls: number, rows: RowColumns, row: number): void {
  out.uint(cls);
  const c = rows.corners;
  const m = rows.mantissas;
  const s = rows.scales;
  const q = row * 4;
  for (let axis = 0; axis < 2; axis++) {
    const i = q + axis;
    alignCorners(m, s, i);
    const a = aligned[0];
    const b = aligned[1];
    const scale = aligned[2];
    out.byte(32);
    out.decimal((c[i] + c[i + 2]) / 2, (a + b) * 5, scale + 1);
    scratch[axis] = b - a;
    scratch[axis + 2] = scale;
  }
  out.byte(32);
  out.decimal(c[q + 2] - c[q], scratch[0], scratch[2]);
  out.byte(32);
  out.decimal(c[q + 3] - c[q + 1], scratch[1], scratch[3]);
  out.byte(10);
}

/**
 * One COCO annotation record as coco-write.ts's `annotationRecord` prints it for the row the
 * reader makes: bbox x = x1·W, w = x2·W − x (same for y), area = w·h, iscrowd 0, attributes,
 * then `source` / `confidence`.
 */
export function cocoAnnotation(
  out: ByteText,
  rows: RowColumns,
  row: number,
  id: number,
  imageId: number,
  width: number,
  height: number,
): void {
  out.ascii('{"id":');
  out.number(id);
  out.ascii(',"image_id":');
  out.number(imageId);
  out.ascii(',"category_id":');
  out.number(rows.category[row]);
  out.ascii(',"bbox":[');
  const c = rows.corners;
  const m = rows.mantissas;
  const s = rows.scales;
  const q = row * 4;
  for (let axis = 0; axis < 2; axis++) {
    const i = q + axis;
    const W = axis === 0 ? width : height;
    const x = c[i] * W;
    if (axis === 1) out.byte(44);
    out.decimal(x, m[i] * W, s[i]);
    alignCorners(m, s, i);
    scratch[axis] = c[i + 2] * W - x;
    scratch[axis + 2] = (aligned[1] - aligned[0]) * W;
    scratch[axis + 4] = aligned[2];
  }
  const sp = scratch;
  out.byte(44);
  out.decimal(sp[0], sp[2], sp[4]);
  out.byte(44);
  out.decimal(sp[1], sp[3], sp[5]);
  out.ascii('],"area":');
  const area = sp[0] * sp[1];
  out.decimal(area, sp[2] * sp[3], sp[4] + sp[5]);
  out.ascii(',"iscrowd":0');
  const flags = rows.flags;
  const f = row * 5;
  if (flags[f] !== 0 || flags[f + 1] !== 0 || flags[f + 2] !== 0 || flags[f + 3] !== 0 || flags[f + 4] !== 0) {
    out.ascii(',"attributes":{');
    let first = true;
    forEachAttribute(flags, row, (k, value) => {
      out.ascii(first ? '"' : ',"');
      first = false;
      out.ascii(FLAG_NAMES[k]);
      out.ascii(value ? '":true' : '":null');
    });
    out.byte(125);
  }
  const extra = rows.extras.get(row);
  if (extra) {
    if (extra.source !== undefined) out.text(`,"source":${JSON.stringify(extra.source)}`);
    if (extra.confidence !== undefined) out.ascii(`,"confidence":${JSON.stringify(extra.confidence)}`);
  }
  out.byte(125);
}

export { ByteText };
