/**
 * The files `detkit ensemble` reads: COCO results JSON (predictions) and, for image sizes, the
 * `images` of a COCO instances JSON. A minimal parse for this command only; the COCO format plugin
 * reads full datasets.
 */
import { DetkitError } from '../../core/errors.js';

/** One model's predictions, columnar; boxes xywh in absolute pixels. */
export interface ResultsFile {
  file: string;
  length: number;
  imageIds: Float64Array;
  categoryIds: Int32Array;
  boxes: Float64Array;
  scores: Float64Array;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DetkitError(`not valid JSON: ${(e as Error).message}`, { file });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a COCO results array `[{image_id, category_id, bbox: [x, y, w, h], score}, …]`. */
export function parseResults(file: string, text: string): ResultsFile {
  const json = parseJson(file, text);
  if (!Array.isArray(json)) {
    throw new DetkitError('expected a COCO results array [{image_id, category_id, bbox, score}, …]', { file });
  }
  const n = json.length;
  const out: ResultsFile = {
    file,
    length: n,
    imageIds: new Float64Array(n),
    categoryIds: new Int32Array(n),
    boxes: new Float64Array(n * 4),
    scores: new Float64Array(n),
  };
  json.forEach((r: unknown, i) => {
    const where = (field?: string) => ({ file, record: `[${i}]`, field });
    if (!isObject(r)) throw new DetkitError('expected an object {image_id, category_id, bbox, score}', where());
    const { image_id, category_id, bbox, score } = r;
    if (typeof image_id !== 'number' || !Number.isFinite(image_id)) {
      throw new DetkitError(`image_id must be a number, got ${JSON.stringify(image_id)}`, where('image_id'));
    }
    if (typeof category_id !== 'number' || !Number.isInteger(category_id)) {
      throw new DetkitError(`category_id must be an integer, got ${JSON.stringify(category_id)}`, where('category_id'));
    }
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new DetkitError(`bbox must be 4 finite numbers [x, y, w, h], got ${JSON.stringify(bbox)}`, where('bbox'));
    }
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      throw new DetkitError(`score must be a number, got ${JSON.stringify(score)}`, where('score'));
    }
    out.imageIds[i] = image_id;
    out.categoryIds[i] = category_id;
    out.boxes.set(bbox as number[], i * 4);
    out.scores[i] = score;
  });
  return out;
}

/** Image sizes by id from a COCO instances JSON (`images[].id/width/height`). */
export function parseImageSizes(file: string, text: string): Map<number, { width: number; height: number }> {
  const json = parseJson(file, text);
  if (!isObject(json) || !Array.isArray(json.images)) {
    throw new DetkitError('expected a COCO instances JSON with an "images" array', { file });
  }
  const sizes = new Map<number, { width: number; height: number }>();
  json.images.forEach((im: unknown, i) => {
    const where = (field?: string) => ({ file, record: `images[${i}]`, field });
    if (!isObject(im)) throw new DetkitError('expected an object {id, width, height}', where());
    for (const field of ['id', 'width', 'height'] as const) {
      const v = im[field];
      if (typeof v !== 'number' || !Number.isFinite(v) || (field !== 'id' && v <= 0)) {
        throw new DetkitError(
          `${field} must be a ${field === 'id' ? '' : 'positive '}number, got ${JSON.stringify(v)}`,
          where(field),
        );
      }
    }
    sizes.set(im.id as number, { width: im.width as number, height: im.height as number });
  });
  return sizes;
}

/** Rows of each file by image id; image ids ascending. */
export function rowsByImage(files: ResultsFile[]): { imageIds: number[]; rows: Map<number, number[][]> } {
  const rows = new Map<number, number[][]>();
  files.forEach((f, t) => {
    for (let i = 0; i < f.length; i++) {
      let perModel = rows.get(f.imageIds[i]);
      if (!perModel) rows.set(f.imageIds[i], (perModel = files.map(() => [])));
      perModel[t].push(i);
    }
  });
  return { imageIds: [...rows.keys()].sort((a, b) => a - b), rows };
}

/** Largest x+w and y+h over every model's boxes of one image: a stand-in for its size. */
export function boxExtent(files: ResultsFile[], perModel: number[][]): { width: number; height: number } {
  let width = 0;
  let height = 0;
  perModel.forEach((rows, t) => {
    const b = files[t].boxes;
    for (const i of rows) {
      width = Math.max(width, b[i * 4] + b[i * 4 + 2], b[i * 4]);
      height = Math.max(height, b[i * 4 + 1] + b[i * 4 + 3], b[i * 4 + 1]);
    }
  });
  return { width: width > 0 ? width : 1, height: height > 0 ? height : 1 };
}
