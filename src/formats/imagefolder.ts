/**
 * ImageNet-style class folders, as torchvision's `ImageFolder` reads them:
 * `<root>/<class>/<image>` (images found recursively under each class folder), or
 * `<root>/<split>/<class>/<image>` when the top level holds only split folders (train, val,
 * test…). Class ids are 0..N-1 in sorted class-name order (code-point order, like Python's
 * `sorted`); with splits the classes of all splits are united before numbering, so one id is
 * one class everywhere. Sizes come from image headers, read with bounded concurrency.
 */
import { Dataset, type ImageRecord } from '../core/dataset.js';
import { DetkitError, isDetkitError } from '../core/errors.js';
import { type FileAccess, walkFiles } from '../core/files.js';
import { readImageSize } from '../core/image-size.js';
import { basename, isImagePath, joinPath } from '../core/paths.js';
import { mapPool } from '../core/pool.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from './format.js';
import { copyImage, forEachLimited } from './images.js';
import type { LossReport } from './loss.js';

/** Split folder names: train, val, test… optionally numbered (train2017, val_1). */
const SPLIT = /^(train|training|val|valid|validation|test|testing|eval|dev)([-_]?\d+)?$/i;
const ANNOTATION_FILE = /\.(json|xml|txt|csv|yaml|yml|pbtxt|tfrecord|record)$/i;

const capabilities = holds({
  imageLabels: true,
  // Images without boxes are what this format holds; images without a label are reported by the writer.
  negatives: true,
  splits: true,
});

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface ClassFolder {
  split?: string;
  name: string;
  /** Relative to the root. */
  dir: string;
}

/** Class folders under `root`, split folders recognised when they are all the top level holds. */
async function classFolders(files: FileAccess, root: string): Promise<ClassFolder[]> {
  const top = (await files.list(root)).filter((e) => e.isDirectory && !e.name.startsWith('.')).map((e) => e.name);
  const splitLayout = top.length > 0 && top.every((name) => SPLIT.test(name));
  if (!splitLayout) return top.map((name) => ({ name, dir: name }));
  const out: ClassFolder[] = [];
  for (const split of top) {
    for (const e of await files.list(joinPath(root, split))) {
      if (e.isDirectory && !e.name.startsWith('.')) out.push({ split, name: e.name, dir: `${split}/${e.name}` });
    }
  }
  return out;
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const folders = await classFolders(files, path);
  if (folders.length === 0) throw new DetkitError('no class folders here (<class>/<image> expected)', { file: path });
  const names = [...new Set(folders.map((f) => f.name))].sort(byCodePoint);
  const idOf = new Map(names.map((name, id) => [name, id]));
  const dataset = new Dataset(0);
  dataset.info = { sourceFormat: 'imagefolder', task: 'classification', imageRoot: path };
  for (const name of names) dataset.addCategory({ id: idOf.get(name) as number, name });
  for (const folder of folders) {
    for (const rel of await walkFiles(files, joinPath(path, folder.dir), isImagePath)) {
      const image: ImageRecord = {
        id: dataset.images.length + 1,
        file: `${folder.dir}/${rel}`,
        width: 0,
        height: 0,
        labels: [idOf.get(folder.name) as number],
      };
      if (folder.split) image.split = folder.split;
      dataset.images.push(image);
    }
  }
  let unsized = 0;
  await mapPool(
    dataset.images,
    32,
    async (image) => {
      try {
        ({ width: image.width, height: image.height } = await readImageSize(files, joinPath(path, image.file)));
      } catch (e) {
        if (!isDetkitError(e)) throw e;
        if (unsized++ === 0) options.warn?.(`${e.message} (size left unknown)`);
      }
    },
    options.progress,
  );
  if (unsized > 1) options.warn?.(`${unsized} images in all have no readable size`);
  return dataset;
}

/** A category name as a folder name: no separators, never empty or a dot name. */
function folderName(name: string, id: number): string {
  const safe = name.replace(/[/\\]/g, '_').trim();
  return safe === '' || safe === '.' || safe === '..' ? String(id) : safe;
}

async function write(dataset: Dataset, files: FileAccess, path: string, options: WriteOptions = {}) {
  const loss: LossReport = [];
  const folderOf = new Map(dataset.categories.map((c) => [c.id, folderName(c.name, c.id)]));
  const splits = [...new Set(dataset.images.map((im) => im.split).filter((s): s is string => !!s))];
  const unsplit = dataset.images.filter((im) => !im.split).length;
  if (splits.length > 0 && unsplit > 0) options.warn?.(`${unsplit} images without a split are written under train/`);
  const odd = splits.filter((s) => !SPLIT.test(s));
  if (odd.length > 0) {
    options.warn?.(`split folders ${odd.join(', ')} are not train/val/test names: reading back takes them for classes`);
  }
  const prefixOf = (im: ImageRecord) => (splits.length === 0 ? '' : `${im.split ?? 'train'}/`);
  // Every class gets its folder, also when empty, so class numbering survives the round trip.
  for (const prefix of splits.length === 0 ? [''] : [...new Set(dataset.images.map(prefixOf))]) {
    for (const folder of folderOf.values()) await files.mkdir(joinPath(path, `${prefix}${folder}`));
  }
  const jobs: { image: ImageRecord; target: string }[] = [];
  const taken = new Set<string>();
  let unlabelled = 0;
  let multi = 0;
  for (const image of dataset.images) {
    const label = image.labels?.find((l) => folderOf.has(l));
    if (label === undefined) {
      unlabelled++;
      continue;
    }
    if ((image.labels?.length ?? 0) > 1) multi++;
    const dir = `${prefixOf(image)}${folderOf.get(label)}`;
    let target = `${dir}/${basename(image.file)}`;
    // Same file name from two source folders: keep both, the image id tells them apart.
    if (taken.has(target)) target = `${dir}/${image.id}_${basename(image.file)}`;
    taken.add(target);
    jobs.push({ image, target: joinPath(path, target) });
  }
  let done = 0;
  await forEachLimited(jobs, 16, async ({ image, target }) => {
    await copyImage(dataset, image, files, target, options.imageRoot);
    options.progress?.(++done, jobs.length);
  });
  if (unlabelled > 0) {
    loss.push({ what: 'unlabelled', count: unlabelled, message: 'images without an image-level label (skipped)' });
  }
  if (multi > 0) loss.push({ what: 'multi-label', count: multi, message: 'labels beyond the first of an image' });
  return { files: jobs.map((j) => j.target), loss } satisfies WriteResult;
}

export const imagefolder: DatasetFormat = {
  name: 'imagefolder',
  description:
    'ImageNet-style class folders (<class>/<image>, optionally <split>/<class>/<image>), torchvision ImageFolder',
  capabilities,
  async detect(files, path) {
    if (!(await files.stat(path))?.isDirectory) return null;
    const entries = await files.list(path);
    // Annotation files beside the folders mean another format (COCO, VOC, YOLO…) lives here.
    if (entries.some((e) => !e.isDirectory && ANNOTATION_FILE.test(e.name))) return null;
    const folders = await classFolders(files, path);
    if (folders.length === 0) return null;
    // Class folders hold images (empty classes are allowed); annotation files mean YOLO/VOC/COCO.
    let images = false;
    for (const folder of folders.slice(0, 16)) {
      const inside = (await files.list(joinPath(path, folder.dir))).filter((e) => !e.isDirectory);
      if (inside.some((e) => ANNOTATION_FILE.test(e.name))) return null;
      images ||= inside.some((e) => isImagePath(e.name));
    }
    if (!images) return null;
    const classes = new Set(folders.map((f) => f.name)).size;
    const splits = new Set(folders.map((f) => f.split).filter(Boolean));
    const where = splits.size > 0 ? ` in split folders ${[...splits].join(', ')}` : '';
    return {
      confidence: classes > 1 ? 0.6 : 0.4,
      reason: `${classes} class folder${classes > 1 ? 's' : ''} holding images${where} (ImageFolder layout)`,
    };
  },
  read,
  write,
};
