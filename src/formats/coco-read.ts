/**
 * COCO JSON → Dataset. One `JSON.parse`, then a single walk over the arrays filling the columnar
 * table: no per-annotation objects beyond what the parser made. Fields the model has no slot
 * for are kept in `extra` so a COCO → COCO round trip loses nothing.
 *
 * Two shapes: instances (`{images, annotations, categories, …}`) and results (a top-level array
 * of `{image_id, category_id, bbox, score, segmentation?}`).
 */
import type { Category, ImageRecord, RLE, Segmentation } from '../core/dataset.js';
import { Dataset } from '../core/dataset.js';
import { DetkitError, type ErrorLocation } from '../core/errors.js';
import { rleBbox } from './coco-rle.js';
import { jsonKind, parseJson } from './json-text.js';

type Json = Record<string, unknown>;

const ANNOTATION_KEYS = new Set(['id', 'image_id', 'category_id', 'bbox', 'area', 'iscrowd', 'segmentation', 'score']);

function bad(file: string, path: string, what: string): never {
  throw new DetkitError(what, { file, record: path });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberAt(file: string, path: string, value: unknown, what: string): number {
  if (typeof value !== 'number') bad(file, path, `${what} must be a number, got ${jsonKind(value)}`);
  return value;
}

function integerAt(file: string, path: string, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    bad(file, path, `${what} must be an integer, got ${jsonKind(value)}`);
  }
  return value;
}

function arrayAt(file: string, path: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) bad(file, path, `expected an array, got ${jsonKind(value)}`);
  return value;
}

/**
 * Parses COCO JSON text into `into` (a new Dataset by default). Throws `DetkitError` naming the
 * file and line:column for broken JSON, the JSON path for wrong types.
 */
export function parseCoco(text: string, file: string, into = new Dataset(0)): { dataset: Dataset; results: boolean } {
  const root = parseJson(text, file);
  if (Array.isArray(root)) {
    readResults(root, file, into);
    return { dataset: into, results: true };
  }
  if (!isObject(root) || !('images' in root || 'annotations' in root || 'categories' in root)) {
    bad(file, '(top level)', 'not COCO: expected an object with images/annotations/categories or an array of results');
  }
  const extra: Json = into.info.extra ?? {};
  for (const key in root) if (key !== 'images' && key !== 'annotations' && key !== 'categories') extra[key] = root[key];
  if (Object.keys(extra).length > 0) into.info.extra = extra;
  if (root.categories !== undefined) readCategories(arrayAt(file, 'categories', root.categories), file, into);
  if (root.images !== undefined) readImages(arrayAt(file, 'images', root.images), file, into);
  if (root.annotations !== undefined) {
    readAnnotations(arrayAt(file, 'annotations', root.annotations), 'annotations', file, into, false);
  }
  return { dataset: into, results: false };
}

function readCategories(list: unknown[], file: string, into: Dataset): void {
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    const path = `categories[${i}]`;
    if (!isObject(c)) bad(file, path, `expected an object, got ${jsonKind(c)}`);
    const id = integerAt(file, `${path}.id`, c.id, 'category id');
    if (typeof c.name !== 'string')
      bad(file, `${path}.name`, `category name must be a string, got ${jsonKind(c.name)}`);
    const category: Category = { id, name: c.name };
    if (c.supercategory !== undefined) {
      if (typeof c.supercategory !== 'string') {
        bad(file, `${path}.supercategory`, `supercategory must be a string, got ${jsonKind(c.supercategory)}`);
      }
      category.supercategory = c.supercategory;
    }
    let extra: Json | undefined;
    for (const key in c) {
      if (key === 'id' || key === 'name' || key === 'supercategory') continue;
      extra ??= {};
      extra[key] = c[key];
    }
    if (extra) category.extra = extra;
    into.categories.push(category);
  }
}

/** detkit's image-level labels extension: `labels: [categoryId…]` on an image record. */
function readLabels(file: string, path: string, labels: unknown): number[] {
  if (!Array.isArray(labels)) bad(file, path, `labels must be an array of category ids, got ${jsonKind(labels)}`);
  return labels.map((l, k) => numberAt(file, `${path}[${k}]`, l, 'category id'));
}

function readImages(list: unknown[], file: string, into: Dataset): void {
  for (let i = 0; i < list.length; i++) {
    const im = list[i];
    const path = `images[${i}]`;
    if (!isObject(im)) bad(file, path, `expected an object, got ${jsonKind(im)}`);
    const id = numberAt(file, `${path}.id`, im.id, 'image id');
    if (typeof im.file_name !== 'string') {
      bad(file, `${path}.file_name`, `file_name must be a string, got ${jsonKind(im.file_name)}`);
    }
    // Sizes are required by the spec; 0 marks them unknown so `validate` can fill them from the file.
    const width = im.width === undefined ? 0 : numberAt(file, `${path}.width`, im.width, 'width');
    const height = im.height === undefined ? 0 : numberAt(file, `${path}.height`, im.height, 'height');
    const image: ImageRecord = { id, file: im.file_name, width, height };
    if (im.labels !== undefined) image.labels = readLabels(file, `${path}.labels`, im.labels);
    let extra: Json | undefined;
    for (const key in im) {
      if (key === 'id' || key === 'file_name' || key === 'width' || key === 'height' || key === 'labels') continue;
      extra ??= {};
      extra[key] = im[key];
    }
    if (extra) image.extra = extra;
    into.images.push(image);
  }
}

function readAnnotations(list: unknown[], base: string, file: string, into: Dataset, results: boolean): void {
  let current = 0;
  const at = (field: string) => `${base}[${current}].${field}`;
  const t = into.annotations;
  t.reserve(t.length + list.length);
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (!isObject(a)) bad(file, `${base}[${i}]`, `expected an object, got ${jsonKind(a)}`);
    // Paths are built only on failure: the happy path allocates nothing per record (`at` is
    // hoisted out of the loop by reading `i` from the enclosing scope).
    current = i;
    if (typeof a.image_id !== 'number') {
      bad(
        file,
        at('image_id'),
        a.image_id === undefined ? 'missing image_id' : `image_id must be a number, got ${jsonKind(a.image_id)}`,
      );
    }
    const categoryId = a.category_id;
    if (typeof categoryId !== 'number' || !Number.isInteger(categoryId) || Math.abs(categoryId) > 0x7fffffff) {
      bad(
        file,
        at('category_id'),
        categoryId === undefined
          ? 'missing category_id'
          : `category_id must be an integer, got ${jsonKind(categoryId)}`,
      );
    }
    const bbox = a.bbox;
    let x: number;
    let y: number;
    let w: number;
    let h: number;
    if (Array.isArray(bbox) && bbox.length === 4) {
      // Indexed, not destructured: destructuring goes through the array iterator.
      x = bbox[0];
      y = bbox[1];
      w = bbox[2];
      h = bbox[3];
      if (typeof x !== 'number' || typeof y !== 'number' || typeof w !== 'number' || typeof h !== 'number') {
        const k = bbox.findIndex((v) => typeof v !== 'number');
        bad(file, `${at('bbox')}[${k}]`, `bbox values must be numbers, got ${jsonKind(bbox[k])}`);
      }
    } else if (bbox === undefined && a.segmentation !== undefined) {
      // Segmentation results may omit the box; pycocotools derives it from the mask the same way.
      const seg = segmentation(a.segmentation, file, at);
      [x, y, w, h] = Array.isArray(seg) ? polygonExtent(seg, file, at('segmentation')) : rleBbox(seg);
    } else {
      bad(
        file,
        at('bbox'),
        bbox === undefined ? 'missing bbox' : `bbox must be 4 numbers [x, y, width, height], got ${jsonKind(bbox)}`,
      );
    }
    let score = Number.NaN;
    if (typeof a.score === 'number') score = a.score;
    else if (a.score !== undefined) numberAt(file, at('score'), a.score, 'score');
    else if (results) bad(file, at('score'), 'missing score (a results record needs one)');
    let id: number | undefined;
    if (typeof a.id === 'number' && !results) id = a.id;
    else if (a.id !== undefined && !results) numberAt(file, at('id'), a.id, 'annotation id');
    const row = t.addBox(a.image_id, categoryId, x, y, w, h, score, id);
    if (typeof a.area === 'number') t.areas[row] = a.area;
    else if (a.area !== undefined) numberAt(file, at('area'), a.area, 'area');
    const crowd = a.iscrowd;
    if (crowd !== undefined) {
      if (crowd === 1 || crowd === true) t.setCrowd(row, true);
      else if (crowd !== 0 && crowd !== false)
        bad(file, at('iscrowd'), `iscrowd must be 0 or 1, got ${jsonKind(crowd)}`);
    }
    if (a.segmentation !== undefined) t.segmentations.set(row, segmentation(a.segmentation, file, at));
    let extra: Json | undefined;
    for (const key in a) {
      if (ANNOTATION_KEYS.has(key) && !(results && key === 'id')) continue;
      if (key === 'attributes' && isObject(a.attributes)) {
        setAttributes(into, row, a.attributes);
        continue;
      }
      extra ??= {};
      extra[key] = a[key];
    }
    if (extra) t.extras.set(row, extra);
  }
}

const FLAG_ATTRIBUTES = new Set(['difficult', 'truncated', 'occluded', 'group_of']);

/** CVAT-style `attributes: {occluded: false, …}`: set flags go to the flag bits, the rest is kept as is. */
function setAttributes(into: Dataset, row: number, attributes: Json): void {
  const t = into.annotations;
  let rest: Json | undefined;
  for (const key in attributes) {
    const value = attributes[key];
    if (FLAG_ATTRIBUTES.has(key) && value === true) t.setFlag(row, key as 'difficult', true);
    else {
      rest ??= {};
      rest[key] = value;
    }
  }
  if (rest) t.attributes.set(row, rest);
}

function segmentation(value: unknown, file: string, at: (field: string) => string): Segmentation {
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      if (!Array.isArray(value[k]))
        bad(file, `${at('segmentation')}[${k}]`, `a polygon must be a list of numbers, got ${jsonKind(value[k])}`);
    }
    return value as number[][];
  }
  if (isObject(value)) {
    const size = value.size;
    if (!Array.isArray(size) || size.length !== 2 || typeof size[0] !== 'number' || typeof size[1] !== 'number') {
      bad(file, at('segmentation.size'), `RLE size must be [height, width], got ${jsonKind(size)}`);
    }
    const counts = value.counts;
    if (typeof counts !== 'string' && !Array.isArray(counts)) {
      bad(file, at('segmentation.counts'), `RLE counts must be a string or a list of numbers, got ${jsonKind(counts)}`);
    }
    return value as unknown as RLE;
  }
  bad(file, at('segmentation'), `segmentation must be polygons or an RLE object, got ${jsonKind(value)}`);
}

/** Box around polygons, for results records that carry only a segmentation. */
function polygonExtent(polygons: unknown[], file: string, path: string): [number, number, number, number] {
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  for (const poly of polygons) {
    if (!Array.isArray(poly)) continue;
    for (let k = 0; k + 1 < poly.length; k += 2) {
      const px = poly[k];
      const py = poly[k + 1];
      if (px < x1) x1 = px;
      if (px > x2) x2 = px;
      if (py < y1) y1 = py;
      if (py > y2) y2 = py;
    }
  }
  if (!(x2 >= x1 && y2 >= y1)) bad(file, path, 'missing bbox and the segmentation has no points');
  return [x1, y1, x2 - x1, y2 - y1];
}

/** Results refer to images and categories by id only; those not given by a ground truth are synthesised. */
function readResults(list: unknown[], file: string, into: Dataset): void {
  readAnnotations(list, '', file, into, true);
  const t = into.annotations;
  const knownImages = new Set(into.images.map((im) => im.id));
  const knownCategories = new Set(into.categories.map((c) => c.id));
  const newImages = new Set<number>();
  const newCategories = new Set<number>();
  for (let row = 0; row < t.length; row++) {
    if (!knownImages.has(t.imageIds[row])) newImages.add(t.imageIds[row]);
    if (!knownCategories.has(t.categoryIds[row])) newCategories.add(t.categoryIds[row]);
  }
  // Sizes unknown (0) without a ground truth; the file name is the id, the only name there is.
  for (const id of [...newImages].sort((a, b) => a - b))
    into.images.push({ id, file: String(id), width: 0, height: 0 });
  for (const id of [...newCategories].sort((a, b) => a - b)) into.categories.push({ id, name: String(id) });
}

/** `locate` for a COCO file: row `i` is `annotations[i]`, image `k` is `images[k]`. */
export function cocoLocator(
  sources: { file: string; results: boolean; images: number; rows: number; categories: number }[],
): (kind: 'image' | 'annotation' | 'category', index: number) => ErrorLocation {
  return (kind, index) => {
    let offset = 0;
    for (const s of sources) {
      const n = kind === 'image' ? s.images : kind === 'annotation' ? s.rows : s.categories;
      if (index < offset + n) {
        const i = index - offset;
        if (s.results) return kind === 'annotation' ? { file: s.file, record: `[${i}]` } : { file: s.file };
        return {
          file: s.file,
          record: `${kind === 'image' ? 'images' : kind === 'annotation' ? 'annotations' : 'categories'}[${i}]`,
        };
      }
      offset += n;
    }
    return {};
  };
}
