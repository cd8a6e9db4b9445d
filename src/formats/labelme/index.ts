/**
 * LabelMe JSON: one file per image — `version`, `flags`, `shapes[]` (`label`, `points` [[x, y]…],
 * `shape_type`, `group_id`, `description`, `flags`), `imagePath` (relative to the JSON),
 * `imageData` (base64 image or null), `imageHeight`, `imageWidth`.
 *
 * - `rectangle`: two opposite corners in any order → box. `polygon` (or no shape_type, as old
 *   LabelMe wrote) → polygon segmentation with its extent as the box. Points are continuous
 *   pixel coordinates. `circle`, `line`, `point`, `linestrip`, `mask` are skipped with a warning.
 * - `group_id`, `description` and the shape's `flags` are kept as attributes; flags named
 *   difficult / truncated / occluded / group_of map to detkit's flags.
 * - `imageData`, when present, is kept as the image's embedded bytes (written back as imageData).
 * The writer puts `<stem>.json` where the image is (same sub-folders) with `imagePath` its file
 * name: write into the image folder, or pass copyImages.
 */
import { Dataset, type ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { type FileAccess, walkFiles } from '../../core/files.js';
import { readImageSize } from '../../core/image-size.js';
import { basename, dirname, extname, joinPath, relativePath, stem } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { copyImage, forEachLimited } from '../images.js';
import type { LossReport } from '../loss.js';
import { forEachOrdered } from '../shared/ordered.js';
import {
  base64ToBytes,
  bytesToBase64,
  CategoryNames,
  jsonNumber,
  parseJson,
  polygonExtent,
  SIZE_CONCURRENCY,
  snap,
} from '../shared/values.js';

const VERSION = '5.4.1';
const FLAG_NAMES = ['difficult', 'truncated', 'occluded', 'group_of'] as const;

const capabilities = holds({
  boxes: true,
  polygons: true,
  attributes: ['group_id', 'description', 'flags', ...FLAG_NAMES],
  negatives: true,
});

interface Shape {
  label?: unknown;
  points?: unknown;
  shape_type?: unknown;
  group_id?: unknown;
  description?: unknown;
  flags?: unknown;
}

async function jsonFiles(files: FileAccess, path: string): Promise<{ root: string; list: string[] }> {
  const stat = await files.stat(path);
  if (!stat) throw new DetkitError('no such file or folder', { file: path });
  if (!stat.isDirectory) return { root: dirname(path), list: [path] };
  const list = await walkFiles(files, path, (p) => extname(p) === '.json');
  return { root: path, list: list.map((p) => joinPath(path, p)) };
}

function looksLikeLabelMe(head: string): boolean {
  return /^\s*\{/.test(head) && /"shapes"\s*:/.test(head) && /"(version|flags|shapes)"\s*:/.test(head);
}

async function detect(files: FileAccess, path: string) {
  // Only the top level: walking a large image tree just to recognise a format costs too much.
  const stat = await files.stat(path);
  if (!stat) return null;
  const found = stat.isDirectory
    ? (await files.list(path))
        .filter((e) => !e.isDirectory && extname(e.name) === '.json')
        .map((e) => joinPath(path, e.name))
    : [path];
  for (const file of found.slice(0, 5)) {
    const head = new TextDecoder().decode(await files.readHead(file, 2048));
    if (looksLikeLabelMe(head)) {
      return { confidence: 0.85, reason: `${basename(file)} has LabelMe "shapes" (one JSON file per image)` };
    }
  }
  return null;
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const { root, list } = await jsonFiles(files, path);
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'labelme', imageRoot: root };
  const names = new CategoryNames(dataset);
  const warn = options.warn ?? (() => {});
  const skipped = new Map<string, number>();
  const load = async (file: string) => parseJson(await files.readText(file), file) as Record<string, unknown>;
  await forEachOrdered(list, SIZE_CONCURRENCY, load, async (doc, file) => {
    if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.shapes)) {
      if (list.length > 1) return; // other JSON files beside the annotations
      throw new DetkitError('not a LabelMe file: no "shapes" array', { file });
    }
    if (typeof doc.imagePath !== 'string') throw new DetkitError('missing "imagePath"', { file, record: 'imagePath' });
    dataset.info.extra ??= { labelme_version: doc.version };
    const imageFile = relativePath(root, joinPath(dirname(file), doc.imagePath.replace(/\\/g, '/')));
    const image: ImageRecord = dataset.addImage({
      id: dataset.images.length + 1,
      file: imageFile,
      width: 0,
      height: 0,
    });
    if (typeof doc.imageData === 'string' && doc.imageData !== '') {
      dataset.info.embeddedImages ??= new Map();
      dataset.info.embeddedImages.set(image.id, decodeImageData(doc.imageData, file));
    }
    if (doc.imageWidth == null || doc.imageHeight == null) {
      // The image is found through "imagePath": a wrong path is this file's mistake too.
      ({ width: image.width, height: image.height } = await readImageSize(files, joinPath(root, imageFile)).catch(
        (e: unknown) => {
          if (!(e instanceof DetkitError)) throw e;
          throw new DetkitError(`image of "imagePath": ${e.message}`, { file, record: 'imagePath' });
        },
      ));
    } else {
      image.width = jsonNumber(doc.imageWidth, { file, record: 'imageWidth' });
      image.height = jsonNumber(doc.imageHeight, { file, record: 'imageHeight' });
    }
    if (doc.flags && typeof doc.flags === 'object' && Object.keys(doc.flags).length) image.extra = { flags: doc.flags };
    (doc.shapes as unknown[]).forEach((shape, k) => {
      const where = { file, record: `shapes[${k}]` };
      if (typeof shape !== 'object' || shape === null || Array.isArray(shape)) {
        throw new DetkitError(`a shape is an object, got ${JSON.stringify(shape)}`, where);
      }
      const kind = readShape(dataset, names, image.id, shape as Shape, where);
      if (kind) skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
    });
    options.progress?.(dataset.images.length, list.length);
  });
  for (const [kind, count] of skipped)
    warn(`labelme: ${count} "${kind}" shapes skipped (only rectangles and polygons are boxes)`);
  return dataset;
}

function decodeImageData(text: string, file: string): Uint8Array {
  try {
    return base64ToBytes(text);
  } catch {
    throw new DetkitError('"imageData" is not base64', { file, record: 'imageData' });
  }
}

/** Adds one shape; returns the shape type when it is not a box or polygon (skipped). */
function readShape(
  dataset: Dataset,
  names: CategoryNames,
  imageId: number,
  shape: Shape,
  where: { file: string; record: string },
): string | undefined {
  const kind = shape.shape_type ?? 'polygon';
  if (kind !== 'rectangle' && kind !== 'polygon') return String(kind);
  if (typeof shape.label !== 'string' || shape.label === '') {
    throw new DetkitError('missing label', { ...where, field: 'label' });
  }
  if (!Array.isArray(shape.points)) throw new DetkitError('"points" is not a list', { ...where, field: 'points' });
  const flat: number[] = [];
  shape.points.forEach((p: unknown, j: number) => {
    const at = { ...where, field: `points[${j}]` };
    if (!Array.isArray(p) || p.length !== 2) throw new DetkitError('a point is [x, y]', at);
    flat.push(jsonNumber(p[0], at), jsonNumber(p[1], at));
  });
  if (kind === 'rectangle' ? flat.length !== 4 : flat.length < 6) {
    const need = kind === 'rectangle' ? 'exactly 2' : 'at least 3';
    throw new DetkitError(`a ${kind} needs ${need} points, got ${flat.length / 2}`, { ...where, field: 'points' });
  }
  const t = dataset.annotations;
  const row = t.addBox(imageId, names.id(shape.label), ...polygonExtent([flat]));
  if (kind === 'polygon') t.segmentations.set(row, [flat]);
  const attrs: Record<string, unknown> = {};
  if (shape.group_id !== null && shape.group_id !== undefined) attrs.group_id = shape.group_id;
  if (typeof shape.description === 'string' && shape.description !== '') attrs.description = shape.description;
  if (shape.flags && typeof shape.flags === 'object') {
    const rest: Record<string, unknown> = {};
    for (const [name, on] of Object.entries(shape.flags)) {
      if ((FLAG_NAMES as readonly string[]).includes(name) && on === true) t.setFlag(row, name as 'difficult', true);
      else rest[name] = on;
    }
    if (Object.keys(rest).length) attrs.flags = rest;
  }
  if (Object.keys(attrs).length) t.attributes.set(row, attrs);
  return undefined;
}

function pairs(flat: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const names = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const t = dataset.annotations;
  const { offsets, order } = dataset.rowsByImage();
  const fromLabelMe = dataset.info.sourceFormat === 'labelme';
  const version =
    fromLabelMe && typeof dataset.info.extra?.labelme_version === 'string'
      ? dataset.info.extra.labelme_version
      : VERSION;
  const written: string[] = [];
  let splitParts = 0;
  let done = 0;
  await forEachLimited(dataset.images, SIZE_CONCURRENCY, async (image, k) => {
    const folder = joinPath(path, dirname(image.file));
    const shapes: Record<string, unknown>[] = [];
    for (const row of order.subarray(offsets[k], offsets[k + 1])) {
      const label = names.get(t.categoryIds[row]) ?? String(t.categoryIds[row]);
      const a = t.attributes.get(row) ?? {};
      const flags: Record<string, unknown> = { ...(a.flags as Record<string, unknown> | undefined) };
      for (const name of FLAG_NAMES) if (t.flag(row, name)) flags[name] = true;
      const group_id = a.group_id ?? null;
      const description = typeof a.description === 'string' ? a.description : '';
      const seg = t.segmentations.get(row);
      if (Array.isArray(seg) && seg.length > 0) {
        if (seg.length > 1) splitParts++;
        for (const ring of seg) {
          shapes.push({ label, points: pairs(ring), group_id, description, shape_type: 'polygon', flags });
        }
      } else {
        const [x, y, w, h] = t.bbox(row);
        const points = [
          [x, y],
          [snap(x + w), snap(y + h)],
        ];
        shapes.push({ label, points, group_id, description, shape_type: 'rectangle', flags });
      }
    }
    const embedded = dataset.info.embeddedImages?.get(image.id);
    const doc = {
      version,
      flags: (image.extra?.flags as Record<string, unknown> | undefined) ?? {},
      shapes,
      imagePath: basename(image.file),
      imageData: embedded && (fromLabelMe || options.imageData === true) ? bytesToBase64(embedded) : null,
      imageHeight: image.height,
      imageWidth: image.width,
    };
    const file = joinPath(folder, `${stem(image.file)}.json`);
    await files.writeText(file, `${JSON.stringify(doc, null, 2)}\n`);
    written.push(file);
    if (options.copyImages) {
      const target = joinPath(folder, basename(image.file));
      await copyImage(dataset, image, files, target, options.imageRoot);
      written.push(target);
    }
    options.progress?.(++done, dataset.images.length);
  });
  const loss: LossReport = [];
  if (splitParts) {
    loss.push({ what: 'polygon-parts', count: splitParts, message: 'multi-part polygons (one shape per part)' });
  }
  return { files: written.sort(), loss };
}

export const labelme: DatasetFormat = {
  name: 'labelme',
  description: 'LabelMe JSON, one file per image (rectangles and polygons; imageData kept)',
  capabilities,
  detect,
  read,
  write,
};
