/**
 * Apple Create ML object detection JSON: one array of
 * `{ image, annotations: [{ label, coordinates: { x, y, width, height } }] }`.
 *
 * COORDINATE CONVENTION — `x`, `y` are the CENTRE of the box, in absolute pixels; `width` and
 * `height` are its size. Several converters read them as the top-left corner, shifting every box
 * by half its size. detkit's box `[x, y, w, h]` (top-left) is written as
 * `{ x: x + w/2, y: y + h/2, width: w, height: h }`: a box at 0,0 of 10×20 becomes x=5, y=10.
 *
 * Create ML records no image size: sizes are read from the image headers. Images are named
 * relative to the folder holding the JSON.
 */
import { Dataset, type ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { basename, dirname, extname, joinPath } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { copyImage, forEachLimited } from '../images.js';
import {
  CategoryNames,
  jsonNumber,
  jsonRootLine,
  parseJson,
  SIZE_CONCURRENCY,
  sizeImagesFromHeaders,
  snap,
} from '../shared/values.js';

const DEFAULT_FILE = '_annotations.createml.json';

const capabilities = holds({
  boxes: true,
  negatives: true,
});

/** The annotation file at `path`: the file itself, or the Create ML JSON inside a folder. */
async function annotationFile(files: FileAccess, path: string): Promise<string | null> {
  const stat = await files.stat(path);
  if (!stat) return null;
  if (!stat.isDirectory) return extname(path) === '.json' ? path : null;
  const jsons = (await files.list(path)).filter((e) => !e.isDirectory && extname(e.name) === '.json');
  const named = jsons.find((e) => /createml/i.test(e.name));
  if (named) return joinPath(path, named.name);
  for (const e of jsons) if (await looksLikeCreateMl(files, joinPath(path, e.name))) return joinPath(path, e.name);
  return null;
}

async function looksLikeCreateMl(files: FileAccess, file: string): Promise<boolean> {
  const head = new TextDecoder().decode(await files.readHead(file, 4096));
  return /^\s*\[/.test(head) && /"image"\s*:/.test(head) && /"coordinates"\s*:/.test(head);
}

async function detect(files: FileAccess, path: string) {
  const file = await annotationFile(files, path);
  if (!file || !(await looksLikeCreateMl(files, file))) return null;
  return {
    confidence: 0.85,
    reason: `${basename(file)} is a JSON array of {image, annotations[{label, coordinates}]} (Create ML)`,
  };
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const file = await annotationFile(files, path);
  if (!file) throw new DetkitError('no Create ML JSON file here', { file: path });
  const text = await files.readText(file);
  const entries = parseJson(text, file);
  if (!Array.isArray(entries)) {
    throw new DetkitError(`expected a JSON array of images, got ${entries === null ? 'null' : typeof entries}`, {
      file,
      line: jsonRootLine(text),
    });
  }
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'createml', imageRoot: dirname(file) };
  const names = new CategoryNames(dataset);
  entries.forEach((entry, k) => {
    const record = `[${k}]`;
    if (typeof entry?.image !== 'string') throw new DetkitError('missing "image" file name', { file, record });
    const image: ImageRecord = dataset.addImage({ id: k + 1, file: entry.image, width: 0, height: 0 });
    const annotations = entry.annotations ?? [];
    if (!Array.isArray(annotations)) throw new DetkitError('"annotations" is not an array', { file, record });
    annotations.forEach((a: { label?: unknown; coordinates?: Record<string, unknown> }, j: number) => {
      const at = `${record}.annotations[${j}]`;
      if (typeof a?.label !== 'string' || a.label === '') throw new DetkitError('missing label', { file, record: at });
      const c = a.coordinates;
      if (typeof c !== 'object' || c === null) throw new DetkitError('missing coordinates', { file, record: at });
      const num = (key: string) => jsonNumber(c[key], { file, record: `${at}.coordinates.${key}` });
      const [cx, cy, w, h] = [num('x'), num('y'), num('width'), num('height')];
      dataset.annotations.addBox(image.id, names.id(a.label), snap(cx - w / 2), snap(cy - h / 2), w, h);
    });
  });
  // Image ids are entry indexes + 1.
  await sizeImagesFromHeaders(dataset, dataset.images, files, options.progress, undefined, (image) => ({
    file,
    record: `[${image.id - 1}].image`,
  }));
  return dataset;
}

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const file = extname(path) === '.json' ? path : joinPath(path, DEFAULT_FILE);
  const folder = dirname(file);
  const names = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const t = dataset.annotations;
  const { offsets, order } = dataset.rowsByImage();
  const entries = dataset.images.map((image, k) => ({
    image: image.file,
    annotations: Array.from(order.subarray(offsets[k], offsets[k + 1]), (row) => {
      const [x, y, w, h] = t.bbox(row);
      return {
        label: names.get(t.categoryIds[row]) ?? String(t.categoryIds[row]),
        coordinates: { x: snap(x + w / 2), y: snap(y + h / 2), width: w, height: h },
      };
    }),
  }));
  await files.writeText(file, `${JSON.stringify(entries, null, 2)}\n`);
  const written = [file];
  if (options.copyImages) {
    await forEachLimited(dataset.images, SIZE_CONCURRENCY, async (image) => {
      const target = joinPath(folder, image.file);
      await copyImage(dataset, image, files, target, options.imageRoot);
      written.push(target);
    });
  }
  return { files: written };
}

export const createml: DatasetFormat = {
  name: 'createml',
  description: 'Apple Create ML object detection JSON (box centres in pixels; sizes from image headers)',
  capabilities,
  detect,
  read,
  write,
};
