/**
 * Small helpers the label-tool formats share: numbers checked where they are read, categories
 * created by name in order of first appearance, polygon extents, JSON errors with a line number,
 * and image sizes read from headers for formats that do not record them.
 */
import type { BoxXYWH, Dataset, ImageRecord } from '../../core/dataset.js';
import { DetkitError, type ErrorLocation } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { readImageSize } from '../../core/image-size.js';
import { forEachLimited, imagePath } from '../images.js';

/** Header reads in flight at once when sizing images. */
export const SIZE_CONCURRENCY = 16;

/**
 * Rounds away float noise from derived coordinates (x + w, percent ↔ pixels): `587.01 + 27.11`
 * becomes 614.12, not 614.1200000000001. Only a few units in the last place are moved, so a
 * value that really has 17 digits (2.0833333333333335 = 10 px of 480 in percent) is kept.
 */
export function snap(v: number): number {
  // Fast path: values with up to 6 decimals and no noise (most coordinates) are already clean.
  if (Math.round(v * 1e6) / 1e6 === v) return v;
  const r = Number(v.toPrecision(15));
  return Math.abs(r - v) <= 4 * Number.EPSILON * Math.abs(v) ? r : v;
}

/** `digits` decimals when that is exact (how KITTI and CVAT write numbers), every digit otherwise. */
export function fixedOrExact(v: number, digits = 2): string {
  const fixed = v.toFixed(digits);
  return Math.abs(Number(fixed) - v) <= 1e-9 * Math.max(1, Math.abs(v)) ? fixed : String(snap(v));
}

/**
 * A finite number from text, or a DetkitError at `where` naming `field` and the bad value. The
 * location is only assembled on failure: readers call this for every coordinate.
 */
export function parseNumber(text: string | undefined, where: ErrorLocation, field?: string): number {
  const v = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(v)) {
    const at = field === undefined ? where : { ...where, field };
    throw new DetkitError(text === undefined ? 'missing number' : `not a number: "${text}"`, at);
  }
  return v;
}

/** A finite JSON number, or a DetkitError at `where` naming `field`. */
export function jsonNumber(value: unknown, where: ErrorLocation, field?: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const at = field === undefined ? where : { ...where, field };
    throw new DetkitError(`expected a number, got ${JSON.stringify(value) ?? 'nothing'}`, at);
  }
  return value;
}

/** Categories by name, created in order of first appearance (ids 1..N). */
export class CategoryNames {
  private readonly ids = new Map<string, number>();

  constructor(private readonly dataset: Dataset) {
    for (const c of dataset.categories) this.ids.set(c.name, c.id);
  }

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.dataset.categories.reduce((max, c) => Math.max(max, c.id), 0) + 1;
      this.ids.set(name, id);
      this.dataset.addCategory({ id, name });
    }
    return id;
  }
}

/** Axis-aligned extent of flat `[x1, y1, x2, y2, …]` polygons. */
export function polygonExtent(polygons: number[][]): BoxXYWH {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const p of polygons) {
    for (let i = 0; i + 1 < p.length; i += 2) {
      x0 = Math.min(x0, p[i]);
      x1 = Math.max(x1, p[i]);
      y0 = Math.min(y0, p[i + 1]);
      y1 = Math.max(y1, p[i + 1]);
    }
  }
  return [x0, y0, snap(x1 - x0), snap(y1 - y0)];
}

/** JSON.parse with the error located at its line (V8 in Node 20 often omits the position). */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message.split('\n')[0].replace(/, ".*$/, '');
    const at = /position (\d+)/.exec((e as Error).message);
    const offset = at ? Number(at[1]) : jsonErrorOffset(text);
    const line = text.slice(0, offset).split('\n').length;
    throw new DetkitError(`invalid JSON: ${message}`, { file, line });
  }
}

/** The line where a JSON document's top-level value starts (line 1 for an empty document). */
export function jsonRootLine(text: string): number {
  return text.slice(0, Math.max(0, text.search(/\S/))).split('\n').length;
}

/** Offset of the first syntax error: a small JSON scanner, run only after JSON.parse failed. */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          value();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (i >= text.length) fail();
      return void i++;
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail();
    i += (m as RegExpExecArray)[0].length;
  };
  try {
    value();
    ws();
    return i;
  } catch (offset) {
    return typeof offset === 'number' ? Math.min(offset, text.length) : 0;
  }
}

/**
 * Fills `width`/`height` of `images` from their file headers, `limit` files at a time. With
 * `listedAt`, an image that cannot be sized also names where the annotations list it (the
 * listed name may be the mistake).
 */
export async function sizeImagesFromHeaders(
  dataset: Dataset,
  images: readonly ImageRecord[],
  files: FileAccess,
  progress?: (done: number, total: number) => void,
  limit = SIZE_CONCURRENCY,
  listedAt?: (image: ImageRecord) => ErrorLocation,
): Promise<void> {
  let done = 0;
  await forEachLimited(images, limit, async (image) => {
    const size = await readImageSize(files, imagePath(dataset, image)).catch((e: unknown) => {
      if (!(e instanceof DetkitError) || !listedAt) throw e;
      throw new DetkitError(`listed image: ${e.message}`, listedAt(image));
    });
    image.width = size.width;
    image.height = size.height;
    progress?.(++done, images.length);
  });
}

/** Base64 ↔ bytes without Node's Buffer (the core runs in browsers too). */
export function base64ToBytes(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let raw = '';
  for (let i = 0; i < bytes.length; i += 0x8000) raw += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(raw);
}

/**
 * Rotated boxes are stored as their axis-aligned extent plus two attributes shared by every
 * format: `rotation` (degrees, clockwise on screen) and `unrotated_box` ([x, y, w, h] before the
 * rotation ABOUT ITS CENTRE). Formats with another pivot (Label Studio: the top-left corner)
 * convert at the edge.
 */
export function rotatePoint(x: number, y: number, px: number, py: number, degrees: number): [number, number] {
  const [cos, sin] = cosSin(degrees);
  return [px + (x - px) * cos - (y - py) * sin, py + (x - px) * sin + (y - py) * cos];
}

/** Exact for quarter turns (Math.cos(π/2) is 6e-17, which would leak into every coordinate). */
function cosSin(degrees: number): [number, number] {
  const quarter = ((degrees % 360) + 360) % 360;
  if (quarter === 0) return [1, 0];
  if (quarter === 90) return [0, 1];
  if (quarter === 180) return [-1, 0];
  if (quarter === 270) return [0, -1];
  const rad = (degrees * Math.PI) / 180;
  return [Math.cos(rad), Math.sin(rad)];
}

/**
 * Axis-aligned extent of box `[x, y, w, h]` rotated by `degrees` clockwise on screen (y points
 * down) about the pivot `(px, py)`.
 */
export function rotatedExtent(box: BoxXYWH, degrees: number, px: number, py: number): BoxXYWH {
  const [x, y, w, h] = box;
  const [cos, sin] = cosSin(degrees);
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [cx, cy] of [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ]) {
    const rx = px + (cx - px) * cos - (cy - py) * sin;
    const ry = py + (cx - px) * sin + (cy - py) * cos;
    x0 = Math.min(x0, rx);
    x1 = Math.max(x1, rx);
    y0 = Math.min(y0, ry);
    y1 = Math.max(y1, ry);
  }
  return [snap(x0), snap(y0), snap(x1 - x0), snap(y1 - y0)];
}

/** XML text and attribute escaping. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
