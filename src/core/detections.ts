/**
 * `Detections`: what every model adapter produces and every consumer (post-processing, eval,
 * serving, the browser) takes. Columnar like the dataset model: one typed array a field, row `i`
 * is detection `i`.
 *
 * Coordinate convention: `boxes` are xyxy corners in absolute pixels of the original image,
 * interleaved (`x1, y1, x2, y2` of detection `i` at `4i … 4i+3`), COCO's continuous frame.
 */
import type { AnnotationTable, CategoryId, Dataset, ImageId } from './dataset.js';

/** A per-detection column of free data (masks ids, track ids, anchor index…), `length` entries. */
export type DetectionColumn =
  | unknown[]
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

export interface Detections {
  /** xyxy, absolute pixels, interleaved: `4 × length` numbers. */
  boxes: Float32Array | Float64Array;
  scores: Float32Array;
  /** Model class index (or dataset category id, when converted from a dataset). */
  classIds: Int32Array;
  length: number;
  /** Class name by class id (`labels[classIds[i]]`), when known. */
  labels?: string[];
  /** Extra per-detection columns, each `length` long (supervision's `data`). */
  extra?: Record<string, DetectionColumn>;
}

export interface CreateDetectionsOptions {
  /** Box precision: float32 (model outputs, the default) or float64 (lossless from a dataset). */
  boxes?: 'float32' | 'float64';
  labels?: string[];
}

/** Zero-filled detections of the given length, to be filled by a model adapter. */
export function createDetections(length: number, options: CreateDetectionsOptions | string[] = {}): Detections {
  // main's first form took the labels directly; both forms are accepted.
  if (Array.isArray(options)) options = { labels: options };
  const d: Detections = {
    boxes: options.boxes === 'float64' ? new Float64Array(length * 4) : new Float32Array(length * 4),
    scores: new Float32Array(length),
    classIds: new Int32Array(length),
    length,
  };
  if (options.labels) d.labels = options.labels;
  return d;
}

function selectColumn(column: DetectionColumn, indices: ArrayLike<number>): DetectionColumn {
  if (Array.isArray(column)) return Array.from(indices, (i) => column[i]);
  const typed = column as Exclude<DetectionColumn, unknown[]>;
  const out = new (typed.constructor as new (n: number) => typeof typed)(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = typed[indices[k]];
  return out;
}

/** The detections at `indices`, in that order (indices may repeat). */
export function selectDetections(d: Detections, indices: ArrayLike<number>): Detections {
  const n = indices.length;
  const boxes = new (d.boxes.constructor as new (n: number) => Float32Array | Float64Array)(n * 4);
  const scores = new Float32Array(n);
  const classIds = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (i < 0 || i >= d.length) throw new RangeError(`detection index ${i} out of range (length ${d.length})`);
    boxes.set(d.boxes.subarray(i * 4, i * 4 + 4), k * 4);
    scores[k] = d.scores[i];
    classIds[k] = d.classIds[i];
  }
  const out: Detections = { boxes, scores, classIds, length: n };
  if (d.labels) out.labels = d.labels;
  if (d.extra) {
    out.extra = {};
    for (const [key, column] of Object.entries(d.extra)) out.extra[key] = selectColumn(column, indices);
  }
  return out;
}

/**
 * All detections of `list`, in order. Boxes are float64 when any input is; `labels` come from the
 * first input that has them; an `extra` column is kept only when every input has it.
 */
export function concatDetections(list: Detections[]): Detections {
  const n = list.reduce((sum, d) => sum + d.length, 0);
  const float64 = list.some((d) => d.boxes instanceof Float64Array);
  const out = createDetections(n, { boxes: float64 ? 'float64' : 'float32' });
  let at = 0;
  for (const d of list) {
    out.boxes.set(d.boxes.subarray(0, d.length * 4), at * 4);
    out.scores.set(d.scores.subarray(0, d.length), at);
    out.classIds.set(d.classIds.subarray(0, d.length), at);
    at += d.length;
  }
  const labels = list.find((d) => d.labels)?.labels;
  if (labels) out.labels = labels;
  const keys = list.length > 0 ? Object.keys(list[0].extra ?? {}) : [];
  const shared = keys.filter((key) => list.every((d) => d.extra?.[key] !== undefined));
  if (shared.length > 0) {
    out.extra = {};
    for (const key of shared) {
      const columns = list.map((d) => d.extra![key]);
      if (columns.every((c) => !Array.isArray(c) && c.constructor === columns[0].constructor)) {
        const typed = columns as Exclude<DetectionColumn, unknown[]>[];
        const joined = new (typed[0].constructor as new (n: number) => (typeof typed)[0])(n);
        let offset = 0;
        typed.forEach((c, k) => {
          joined.set(c.subarray(0, list[k].length) as never, offset);
          offset += list[k].length;
        });
        out.extra[key] = joined;
      } else {
        out.extra[key] = columns.flatMap((c, k) => Array.from(c as ArrayLike<unknown>).slice(0, list[k].length));
      }
    }
  }
  return out;
}

export interface DetectionsToAnnotationsOptions {
  /** Dataset category id by class id (e.g. COCO's 80 → 91 mapping); class ids are kept as is otherwise. */
  categoryIds?: ArrayLike<CategoryId>;
}

/**
 * Appends the detections to `table` as predictions of image `imageId` (xyxy → xywh, with score).
 * Returns the row of the first appended annotation (`table.length` before the call).
 */
export function detectionsToAnnotations(
  d: Detections,
  imageId: ImageId,
  table: AnnotationTable,
  options: DetectionsToAnnotationsOptions = {},
): number {
  const first = table.length;
  const map = options.categoryIds;
  for (let i = 0; i < d.length; i++) {
    const b = i * 4;
    const x1 = d.boxes[b];
    const y1 = d.boxes[b + 1];
    const classId = d.classIds[i];
    const category = map ? map[classId] : classId;
    if (category === undefined) throw new RangeError(`class id ${classId} has no category id in the mapping`);
    table.addBox(imageId, category, x1, y1, d.boxes[b + 2] - x1, d.boxes[b + 3] - y1, d.scores[i]);
  }
  return first;
}

/**
 * The annotations of image `imageId` as detections (float64 boxes, class id = category id,
 * `labels` indexed by category id). Ground truth has no score: its scores are NaN.
 */
export function annotationsToDetections(dataset: Dataset, imageId: ImageId): Detections {
  const table = dataset.annotations;
  const rows = table.filterRows((row) => table.imageIds[row] === imageId);
  const d = createDetections(rows.length, { boxes: 'float64' });
  rows.forEach((row, i) => {
    const b = row * 4;
    const x = table.boxes[b];
    const y = table.boxes[b + 1];
    d.boxes[i * 4] = x;
    d.boxes[i * 4 + 1] = y;
    d.boxes[i * 4 + 2] = x + table.boxes[b + 2];
    d.boxes[i * 4 + 3] = y + table.boxes[b + 3];
    d.scores[i] = table.scores[row];
    d.classIds[i] = table.categoryIds[row];
  });
  if (dataset.categories.length > 0) {
    const labels: string[] = [];
    for (const c of dataset.categories) labels[c.id] = c.name;
    d.labels = labels;
  }
  return d;
}
