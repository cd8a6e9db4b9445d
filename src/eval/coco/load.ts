/**
 * Minimal COCO readers for evaluation: ground truth `{images, annotations, categories}` and a
 * results list `[{image_id, category_id, bbox | segmentation, score}]` with pycocotools'
 * `COCO.loadRes` semantics (ids 1..N in file order, iscrowd 0, area = box w × h for box results,
 * mask area and toBbox for mask results). The full COCO format plugin lives in src/formats.
 */
import { Dataset, type Segmentation } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { IdIndex } from './group.js';
import { JsonCursor } from './json-scan.js';
import { type ScanStop, scanCompactBoxRecords } from './results-scan.js';
import { loadMaskApi, type MaskApi } from './segm.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown, record: string, field: string, file?: string): number {
  if (typeof v !== 'number')
    throw new DetkitError(`"${field}" must be a number, got ${JSON.stringify(v)}`, { file, record, field });
  return v;
}

/** COCO instances JSON → Dataset. Every annotation becomes one row, in file order. */
export function parseCocoGroundTruth(text: string, file?: string): Dataset {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new DetkitError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  if (!isObject(root)) throw new DetkitError('COCO ground truth must be a JSON object', { file });
  const images = root.images ?? [];
  const annotations = root.annotations ?? [];
  const categories = root.categories ?? [];
  for (const [key, value] of [
    ['images', images],
    ['annotations', annotations],
    ['categories', categories],
  ] as const) {
    if (!Array.isArray(value)) throw new DetkitError(`"${key}" must be a list`, { file, field: key });
  }
  const ds = new Dataset((annotations as unknown[]).length);
  ds.info.sourceFormat = 'coco';
  (categories as unknown[]).forEach((c, i) => {
    const record = `categories[${i}]`;
    if (!isObject(c)) throw new DetkitError('category must be an object', { file, record });
    ds.addCategory({ id: num(c.id, record, 'id', file), name: String(c.name ?? c.id) });
  });
  (images as unknown[]).forEach((im, i) => {
    const record = `images[${i}]`;
    if (!isObject(im)) throw new DetkitError('image must be an object', { file, record });
    ds.addImage({
      id: num(im.id, record, 'id', file),
      file: String(im.file_name ?? ''),
      width: typeof im.width === 'number' ? im.width : 0,
      height: typeof im.height === 'number' ? im.height : 0,
    });
  });
  const table = ds.annotations;
  (annotations as unknown[]).forEach((a, i) => {
    const record = `annotations[${i}]`;
    if (!isObject(a)) throw new DetkitError('annotation must be an object', { file, record });
    const id = num(a.id, record, 'id', file);
    const imageId = num(a.image_id, record, 'image_id', file);
    const categoryId = num(a.category_id, record, 'category_id', file);
    const bbox = a.bbox;
    let box = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
    if (bbox !== undefined) {
      if (!Array.isArray(bbox) || bbox.length !== 4 || bbox.some((v) => typeof v !== 'number')) {
        throw new DetkitError(`"bbox" must be [x, y, width, height], got ${JSON.stringify(bbox)}`, {
          file,
          record,
          field: 'bbox',
        });
      }
      box = bbox as number[];
    } else if (a.segmentation === undefined) {
      throw new DetkitError('annotation has neither "bbox" nor "segmentation"', { file, record });
    }
    const row = table.addBox(imageId, categoryId, box[0], box[1], box[2], box[3], Number.NaN, id);
    if (a.area !== undefined) table.areas[row] = num(a.area, record, 'area', file);
    if (a.iscrowd) table.setCrowd(row, true);
    if (a.segmentation !== undefined) table.segmentations.set(row, a.segmentation as Segmentation);
  });
  return ds;
}

const KEY_NAMES = ['image_id', 'category_id', 'score', 'bbox', 'segmentation'];
const KEYS = KEY_NAMES.map((k) => new TextEncoder().encode(k));
const [IMAGE_ID, CATEGORY_ID, SCORE, BBOX, SEGMENTATION] = [0, 1, 2, 3, 4];

export interface ResultsOptions {
  file?: string;
  /** For mask results (area and box from the mask); loaded on demand when left out. */
  mask?: MaskApi;
}

/**
 * COCO results JSON → predictions Dataset, like `COCO.loadRes`: the first record decides between
 * box results (area = w × h, even when a segmentation is attached) and mask results; an empty
 * list, a record without the needed field, or a record on an image the ground truth lacks is an
 * error naming the record.
 */
export async function loadCocoResults(
  text: string | Uint8Array,
  gt: Dataset,
  options: ResultsOptions = {},
): Promise<Dataset> {
  const file = options.file;
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const cur = new JsonCursor(bytes, file);
  if (cur.skipSpace() !== 91) cur.fail('COCO results must be a JSON list of {image_id, category_id, bbox, score}');
  cur.pos++;
  const images = new IdIndex(gt.images.map((im) => im.id));
  const out = new Dataset(Math.max(16, Math.floor(bytes.length / 64)));
  out.info.sourceFormat = 'coco-results';
  out.categories = gt.categories.map((c) => ({ ...c }));
  out.images = gt.images;
  const table = out.annotations;
  let mode: 'bbox' | 'segm' | undefined;
  let mask = options.mask;
  let index = 0;
  if (cur.accept(93)) {
    cur.fail('results list is empty: no detections to evaluate (pycocotools loadRes fails on it too)');
  }
  const box = new Float64Array(4);
  const stop: ScanStop = { pos: 0, listClosed: false };
  for (;;) {
    if (mode === 'bbox') {
      // Once the first record says boxes, runs of compact records skip the general reader.
      stop.pos = cur.pos;
      index += scanCompactBoxRecords(bytes, stop, table, index + 1, images);
      cur.pos = stop.pos;
      if (stop.listClosed) break;
    }
    cur.recordIndex = index;
    let imageId = Number.NaN;
    let categoryId = Number.NaN;
    let score = Number.NaN;
    let hasBox = false;
    let emptyBox = false;
    let segmentation: unknown;
    if (cur.openObject()) {
      for (;;) {
        const key = cur.key(KEYS);
        cur.expect(58, '":"');
        if (key === IMAGE_ID || key === CATEGORY_ID || key === SCORE) {
          let v = cur.number();
          if (Number.isNaN(v)) {
            const field = KEY_NAMES[key];
            const raw = cur.value({ field });
            if (typeof raw !== 'number') cur.fail(`"${field}" must be a number, got ${JSON.stringify(raw)}`, { field });
            v = raw as number;
          }
          if (key === IMAGE_ID) imageId = v;
          else if (key === CATEGORY_ID) categoryId = v;
          else score = v;
        } else if (key === BBOX) {
          hasBox = true;
          emptyBox = readBox(cur, box);
        } else if (key === SEGMENTATION) {
          segmentation = cur.value({ field: 'segmentation' });
        } else {
          cur.skipValue();
        }
        if (cur.accept(44)) continue;
        cur.expect(125, '"," or "}"');
        break;
      }
    }
    if (mode === undefined) {
      if (hasBox && !emptyBox) mode = 'bbox';
      else if (segmentation !== undefined) mode = 'segm';
      else cur.fail('result has neither a "bbox" nor a "segmentation"');
      if (mode === 'segm' && !mask) mask = await loadMaskApi();
    }
    if (images.get(imageId) < 0) {
      cur.fail(
        Number.isNaN(imageId)
          ? 'result has no numeric "image_id"'
          : `image_id ${imageId} is not an image of the ground truth (results must belong to the evaluated set)`,
        { field: 'image_id' },
      );
    }
    if (Number.isNaN(categoryId)) cur.fail('result has no numeric "category_id"', { field: 'category_id' });
    if (Number.isNaN(score)) cur.fail('result has no numeric "score"', { field: 'score' });
    const id = index + 1;
    if (mode === 'bbox') {
      if (!hasBox) cur.fail('result has no "bbox" (the first result has one, so all must)', { field: 'bbox' });
      const row = table.addBox(imageId, categoryId, box[0], box[1], box[2], box[3], score, id);
      table.areas[row] = box[2] * box[3];
      if (segmentation !== undefined) table.segmentations.set(row, segmentation as Segmentation);
    } else {
      if (segmentation === undefined) {
        cur.fail('result has no "segmentation" (the first result has one, so all must)', { field: 'segmentation' });
      }
      const row = table.addBox(imageId, categoryId, box[0], box[1], box[2], box[3], score, id);
      table.segmentations.set(row, segmentation as Segmentation);
      setMaskArea(mask!, out, row, !hasBox || emptyBox, `results[${index}]`, file);
    }
    index++;
    if (cur.accept(44)) continue;
    cur.expect(93, '"," or "]"');
    break;
  }
  cur.recordIndex = -1;
  cur.skipSpace();
  if (cur.pos < bytes.length) cur.fail(`unexpected text after the results list at byte ${cur.pos}`);
  return out;
}

const BBOX_FIELD = { field: 'bbox' };

/** Reads `[x, y, w, h]` into `box`; true when the list is empty (loadRes then reads masks). */
function readBox(cur: JsonCursor, box: Float64Array): boolean {
  const where = BBOX_FIELD;
  const start = cur.pos;
  if (cur.accept(91)) {
    if (cur.accept(93)) return true;
    let n = 0;
    for (;;) {
      const v = cur.number();
      if (Number.isNaN(v) || n === 4) break;
      box[n++] = v;
      if (cur.accept(44)) continue;
      if (cur.accept(93) && n === 4) return false;
      break;
    }
  }
  cur.pos = start;
  const raw = cur.value(where);
  cur.fail(`"bbox" must be [x, y, width, height], got ${JSON.stringify(raw)}`, where);
}

function setMaskArea(mask: MaskApi, ds: Dataset, row: number, needBox: boolean, record: string, file?: string): void {
  const table = ds.annotations;
  const seg = table.segmentations.get(row) as Segmentation;
  const size = !Array.isArray(seg) && seg && Array.isArray(seg.size) ? seg.size : undefined;
  if (!size) {
    throw new DetkitError('mask results must be RLE objects {size: [h, w], counts}', {
      file,
      record,
      field: 'segmentation',
    });
  }
  let rle: ReturnType<MaskApi['segmentationToRle']>;
  try {
    rle = mask.segmentationToRle(seg, size[0], size[1]);
  } catch (e) {
    throw new DetkitError(`bad RLE: ${(e as Error).message}`, { file, record, field: 'segmentation' });
  }
  table.areas[row] = mask.rleArea(rle);
  if (needBox) table.setBox(row, mask.rleToBbox(rle));
}
