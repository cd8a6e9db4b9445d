/**
 * The COCO format plugin: instances JSON (boxes, polygons, RLE, crowd) and results JSON
 * (predictions). Parsing is in `coco-read.ts`, serialisation in `coco-write.ts`; this file finds
 * the files, the image folder, and wires both into the registry's `DatasetFormat`.
 *
 * Layouts read: a `.json` file, or a folder holding `annotations/instances_<split>.json` (one
 * split per file, merged) or a COCO `.json` at its top. A folder is written as
 * `annotations/instances_<split>.json` + `images/<file_name>`. Image-level labels are written as
 * `labels: [categoryId…]` on image records (detkit's extension; COCO has no field for them).
 */
import { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { basename, dirname, extname, joinPath, relativePath } from '../core/paths.js';
import { FILE_CONCURRENCY, mapPool } from '../core/pool.js';
import { cocoLocator, parseCoco } from './coco-read.js';
import { canWriteCocoStream, openCocoStreamWriter } from './coco-stream.js';
import { isResults, writeCocoFile } from './coco-write.js';
import {
  type DatasetFormat,
  type Detected,
  holds,
  type ReadOptions,
  type WriteOptions,
  type WriteResult,
} from './format.js';
import { copyImage } from './images.js';
import type { LossReport } from './loss.js';

export interface CocoReadOptions extends ReadOptions {
  /** Folder the images' `file_name`s are relative to (default: found next to the JSON). */
  imageRoot?: string;
  /**
   * For a results file: the ground truth it refers to (a COCO path or a read Dataset). Its
   * images (with sizes and names) and categories replace the ones synthesised from ids.
   */
  groundTruth?: string | Dataset;
  /** Split given to every image read (default: none for a file, `<split>` of `instances_<split>.json` in a folder). */
  split?: string;
}

export interface CocoWriteOptions extends WriteOptions {
  /** Write a results array (predictions) instead of instances. Default: when every annotation has a score. */
  results?: boolean;
}

const HEAD_BYTES = 1 << 16;

/** What the first bytes of a JSON file say about it being COCO. */
export async function sniffCoco(files: FileAccess, path: string): Promise<Detected | null> {
  const head = new TextDecoder().decode(await files.readHead(path, HEAD_BYTES)).trimStart();
  if (head.startsWith('[')) {
    if (/^\[\s*\]\s*$/.test(head))
      return { confidence: 0.3, reason: 'an empty JSON array (an empty COCO results file?)' };
    const first = /^\[\s*\{[^{}]*/.exec(head)?.[0] ?? '';
    if (/"image_id"\s*:/.test(first) && /"category_id"\s*:/.test(first) && /"score"\s*:/.test(first)) {
      return { confidence: 0.9, reason: 'a JSON array of {image_id, category_id, bbox, score} records (COCO results)' };
    }
    return null;
  }
  if (!head.startsWith('{')) return null;
  const keys = new Set<string>();
  for (const m of head.matchAll(/"(images|annotations|categories)"\s*:\s*\[/g)) keys.add(m[1]);
  if (keys.size === 0) return null;
  const listed = [...keys].join(', ');
  return {
    confidence: keys.has('images') || keys.size > 1 ? 0.9 : 0.6,
    reason: `a JSON object with top-level ${listed} ${keys.size > 1 ? 'arrays' : 'array'} (COCO instances)`,
  };
}

/** COCO JSON files in a dataset folder: `annotations/instances_*.json`, else COCO-looking `.json`s. */
export async function cocoFilesIn(files: FileAccess, dir: string): Promise<string[]> {
  const annotations = joinPath(dir, 'annotations');
  for (const folder of [annotations, dir]) {
    const stat = await files.stat(folder);
    if (!stat?.isDirectory) continue;
    const jsons = (await files.list(folder)).filter((e) => !e.isDirectory && extname(e.name) === '.json');
    const instances = jsons.filter((e) => /^instances.*\.json$/i.test(e.name));
    const candidates = instances.length > 0 ? instances : jsons;
    const found: string[] = [];
    for (const e of candidates.slice(0, 16)) {
      const path = joinPath(folder, e.name);
      const hit = await sniffCoco(files, path);
      if (hit && hit.confidence >= 0.6) found.push(path);
    }
    if (found.length > 0) return found;
  }
  return [];
}

function splitOf(file: string): string | undefined {
  return /^instances_(.+)\.json$/i.exec(basename(file))?.[1];
}

/** Finds the folder `file_name`s are relative to: the first candidate holding the first image. */
async function findImageRoot(files: FileAccess, jsonPath: string, firstFile: string | undefined, split?: string) {
  const dir = dirname(jsonPath);
  const parent = dirname(dir);
  const candidates = [dir, joinPath(dir, 'images')];
  if (split) candidates.push(joinPath(dir, 'images', split));
  if (basename(dir) === 'annotations') {
    candidates.push(parent, joinPath(parent, 'images'));
    if (split) candidates.push(joinPath(parent, split), joinPath(parent, 'images', split));
  }
  if (firstFile) {
    for (const root of candidates) if (await files.stat(joinPath(root, firstFile))) return root;
  }
  if (basename(dir) === 'annotations') return joinPath(parent, 'images');
  return (await files.stat(joinPath(dir, 'images')))?.isDirectory ? joinPath(dir, 'images') : dir;
}

async function readCoco(files: FileAccess, path: string, options: CocoReadOptions = {}): Promise<Dataset> {
  const stat = await files.stat(path);
  if (!stat) throw new DetkitError('no such file or folder', { file: path });
  const jsons = stat.isDirectory ? await cocoFilesIn(files, path) : [path];
  if (jsons.length === 0) {
    // Name the JSON files that were passed over: one of them is often a broken COCO file.
    const seen: string[] = [];
    for (const folder of [joinPath(path, 'annotations'), path]) {
      if (!(await files.stat(folder))?.isDirectory) continue;
      for (const e of await files.list(folder)) {
        if (!e.isDirectory && extname(e.name) === '.json') seen.push(joinPath(folder, e.name));
      }
    }
    const passed = seen.length > 0 ? `; ${seen.join(', ')} ${seen.length > 1 ? 'do' : 'does'} not start like COCO` : '';
    throw new DetkitError(`no COCO JSON found (looked in annotations/ and the folder)${passed}`, { file: path });
  }
  const parts: { file: string; dataset: Dataset; results: boolean; split?: string; root: string }[] = [];
  for (const [k, file] of jsons.entries()) {
    const { dataset, results } = parseCoco(await files.readText(file), file);
    const split = options.split ?? (jsons.length > 1 ? (splitOf(file) ?? basename(file, '.json')) : undefined);
    const root = options.imageRoot ?? (await findImageRoot(files, file, dataset.images[0]?.file, splitOf(file)));
    parts.push({ file, dataset, results, split, root });
    options.progress?.(k + 1, jsons.length);
  }
  const dataset = parts.length === 1 ? parts[0].dataset : mergeParts(parts);
  if (parts.length === 1 && parts[0].split) for (const im of dataset.images) im.split = parts[0].split;
  dataset.info.sourceFormat = 'coco';
  // Image labels and no boxes: a classification dataset written by detkit (`labels` extension).
  const classification = dataset.annotations.length === 0 && dataset.images.some((im) => im.labels?.length);
  dataset.info.task ??= classification ? 'classification' : 'detection';
  // Results alone name images by id only: there is no image folder to point at.
  if (!parts[0].results || options.imageRoot) dataset.info.imageRoot ??= parts[0].root;
  dataset.info.locate = cocoLocator(
    parts.map((p) => ({
      file: p.file,
      results: p.results,
      images: p.dataset.images.length,
      rows: p.dataset.annotations.length,
      categories: p.dataset.categories.length,
    })),
  );
  if (parts.length === 1 && parts[0].results && options.groundTruth !== undefined) {
    await attachGroundTruth(files, dataset, options);
  }
  return dataset;
}

/** Several `instances_<split>.json`: one dataset, images tagged with their split, categories united. */
function mergeParts(parts: { file: string; dataset: Dataset; split?: string; root: string }[]): Dataset {
  const roots = parts.map((p) => p.root);
  let common = roots[0];
  while (!roots.every((r) => r === common || r.startsWith(`${common}/`)) && common !== dirname(common)) {
    common = dirname(common);
  }
  const total = parts.reduce((n, p) => n + p.dataset.annotations.length, 0);
  const out = new Dataset(total);
  out.info.imageRoot = common;
  const categories = new Map<number, { name: string; file: string; index: number }>();
  for (const { file, dataset, split, root } of parts) {
    dataset.categories.forEach((c, index) => {
      const seen = categories.get(c.id);
      if (seen === undefined) {
        categories.set(c.id, { name: c.name, file, index });
        out.categories.push(c);
      } else if (seen.name !== c.name) {
        // Either file may hold the mistake: name both, each at its record.
        throw new DetkitError(
          `category ${c.id} is "${c.name}" here but "${seen.name}" in ${seen.file} (categories[${seen.index}])`,
          { file, record: `categories[${index}]` },
        );
      }
    });
    const prefix = relativePath(common, root);
    for (const im of dataset.images) {
      if (prefix !== '.') im.file = `${prefix}/${im.file}`;
      if (split) im.split = split;
      out.images.push(im);
    }
    for (let row = 0; row < dataset.annotations.length; row++) out.annotations.copyRowFrom(dataset.annotations, row);
    if (dataset.info.extra) out.info.extra ??= dataset.info.extra;
  }
  return out;
}

async function attachGroundTruth(files: FileAccess, dataset: Dataset, options: CocoReadOptions): Promise<void> {
  const gt =
    typeof options.groundTruth === 'string'
      ? await readCoco(files, options.groundTruth, { warn: options.warn })
      : (options.groundTruth as Dataset);
  const gtImages = new Set(gt.images.map((im) => im.id));
  const gtCategories = new Set(gt.categories.map((c) => c.id));
  const strayImages = dataset.images.filter((im) => !gtImages.has(im.id));
  const strayCategories = dataset.categories.filter((c) => !gtCategories.has(c.id));
  if (strayImages.length > 0) options.warn?.(`${strayImages.length} result image ids are not in the ground truth`);
  if (strayCategories.length > 0) {
    options.warn?.(`${strayCategories.length} result category ids are not in the ground truth`);
  }
  dataset.images = [...gt.images.map((im) => ({ ...im })), ...strayImages];
  dataset.categories = [...gt.categories.map((c) => ({ ...c })), ...strayCategories];
  dataset.info.imageRoot = gt.info.imageRoot;
  const locate = dataset.info.locate!;
  const gtLocate = gt.info.locate;
  dataset.info.locate = (kind, index) =>
    kind === 'annotation' || !gtLocate ? locate(kind, index) : gtLocate(kind, index);
}

async function writeCoco(dataset: Dataset, files: FileAccess, path: string, options: CocoWriteOptions = {}) {
  const results = options.results ?? isResults(dataset);
  const loss: LossReport = [];
  const written: string[] = [];
  const asFile = extname(path) === '.json';
  const splits = [...new Set(dataset.images.map((im) => im.split ?? ''))];
  const t = dataset.annotations;
  if (asFile || results || (splits.length === 1 && splits[0] === '')) {
    const file = asFile ? path : joinPath(path, 'annotations', results ? 'results.json' : 'instances_default.json');
    if (splits.some((s) => s !== '')) {
      loss.push({
        what: 'splits',
        count: dataset.images.filter((im) => im.split).length,
        message: 'split assignments in a single JSON file (write to a folder to keep one file per split)',
      });
    }
    if (results) {
      const named = dataset.images.filter((im) => im.file !== String(im.id) || im.width > 0).length;
      if (named > 0) {
        loss.push({ what: 'images', count: named, message: 'image records (a results file keeps only image ids)' });
      }
    }
    await writeCocoFile(
      dataset,
      files,
      file,
      { images: dataset.images, rows: t.filterRows(() => true), results },
      options.progress,
    );
    written.push(file);
  } else {
    const splitOfImage = new Map(dataset.images.map((im) => [im.id, im.split ?? '']));
    for (const split of splits) {
      const images = dataset.images.filter((im) => (im.split ?? '') === split);
      const rows = t.filterRows((row) => splitOfImage.get(t.imageIds[row]) === split);
      const file = joinPath(path, 'annotations', `instances_${split || 'default'}.json`);
      await writeCocoFile(dataset, files, file, { images, rows, results: false }, options.progress);
      written.push(file);
    }
    const orphans = t.filterRows((row) => !splitOfImage.has(t.imageIds[row])).length;
    if (orphans > 0) {
      loss.push({
        what: 'orphans',
        count: orphans,
        message: 'annotations of unknown images (no split file to hold them)',
      });
    }
  }
  // Images that exist only embedded (MNIST, CIFAR, TFRecord) are written even unasked: nothing else holds them.
  const embedded = dataset.info.embeddedImages;
  const images = options.copyImages ? dataset.images : dataset.images.filter((im) => embedded?.has(im.id));
  if (images.length > 0) {
    const outDir = asFile ? dirname(path) : path;
    const targets = images.map((im) => joinPath('images', im.file));
    await mapPool(images, FILE_CONCURRENCY, (im, k) =>
      copyImage(dataset, im, files, joinPath(outDir, targets[k]), options.imageRoot),
    );
    written.push(...targets);
  }
  return { files: written, loss } satisfies WriteResult;
}

export const coco: DatasetFormat = {
  name: 'coco',
  description: 'COCO instances JSON (boxes, polygons, RLE, crowd) and COCO results JSON (predictions)',
  capabilities: holds({
    boxes: true,
    polygons: true,
    rle: true,
    crowd: true,
    scores: true,
    attributes: ['*'],
    imageLabels: true,
    negatives: true,
    categoryIds: true,
    imageIds: true,
    annotationIds: true,
    area: true,
    supercategory: true,
    splits: true,
  }),
  async detect(files, path) {
    const stat = await files.stat(path);
    if (!stat) return null;
    if (stat.isDirectory) {
      const found = await cocoFilesIn(files, path);
      if (found.length === 0) return null;
      const names = found.map((f) => relativePath(path, f)).join(', ');
      return { confidence: 0.9, reason: `found ${names} holding COCO JSON` };
    }
    if (extname(path) !== '.json') return null;
    return sniffCoco(files, path);
  },
  fileExtensions: ['.json'],
  read: readCoco,
  write: writeCoco,
  canWriteStream: canWriteCocoStream,
  openStreamWriter: openCocoStreamWriter,
};
