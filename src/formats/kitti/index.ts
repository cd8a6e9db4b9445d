/**
 * KITTI object detection labels (devkit_object readme): `label_2/<frame>.txt`, one object a line,
 * `type truncated occluded alpha left top right bottom h w l x y z rotation_y [score]`, images in
 * `image_2/<frame>.png`.
 *
 * - Boxes: left/top/right/bottom are pixel corners, taken as continuous coordinates:
 *   x = left, y = top, w = right − left, h = bottom − top.
 * - `truncated` (float 0..1) sets the truncated flag when > 0 and is kept as `truncation`;
 *   `occluded` (0 visible … 3 unknown) sets the occluded flag when > 0 and is kept as `occlusion`.
 * - The 3D fields are kept as attributes `alpha`, `dimensions` [h, w, l], `location` [x, y, z],
 *   `rotation_y`, so KITTI → KITTI writes every line back as it was.
 * - `DontCare` regions stay boxes of a category `DontCare` with the attribute `ignore: true`
 *   (not iscrowd: they mark unlabelled areas, not groups of objects). Writing KITTI from a dataset
 *   with crowd boxes writes them as DontCare and reports it.
 * KITTI records no image size: sizes come from the image headers.
 */
import { Dataset } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { basename, dirname, extname, isImagePath, joinPath, stem } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { copyImage, forEachLimited } from '../images.js';
import type { LossReport } from '../loss.js';
import { forEachOrdered } from '../shared/ordered.js';
import {
  CategoryNames,
  fixedOrExact,
  parseNumber,
  SIZE_CONCURRENCY,
  sizeImagesFromHeaders,
  snap,
} from '../shared/values.js';

const DONT_CARE = 'DontCare';
const KEPT = [
  'truncated',
  'occluded',
  'truncation',
  'occlusion',
  'alpha',
  'dimensions',
  'location',
  'rotation_y',
  'ignore',
];

const capabilities = holds({
  boxes: true,
  scores: true,
  attributes: KEPT,
  negatives: true,
});

/** The folder holding `label_2` (and `image_2`): the path, its `training/`, or label_2's parent. */
async function kittiRoot(files: FileAccess, path: string): Promise<string | null> {
  const stat = await files.stat(path);
  if (!stat?.isDirectory) return null;
  if (basename(path) === 'label_2') return dirname(path);
  for (const candidate of [path, joinPath(path, 'training')]) {
    if ((await files.stat(joinPath(candidate, 'label_2')))?.isDirectory) return candidate;
  }
  return null;
}

async function labelFiles(files: FileAccess, root: string): Promise<string[]> {
  const entries = await files.list(joinPath(root, 'label_2'));
  return entries.filter((e) => !e.isDirectory && extname(e.name) === '.txt').map((e) => e.name);
}

async function detect(files: FileAccess, path: string) {
  const root = await kittiRoot(files, path);
  if (!root) return null;
  const labels = await labelFiles(files, root);
  if (labels.length === 0) return null;
  const first = new TextDecoder().decode(await files.readHead(joinPath(root, 'label_2', labels[0]), 512));
  const fields = first.split('\n')[0].trim().split(/\s+/);
  const emptyFile = first.trim() === '';
  if (!emptyFile && !((fields.length === 15 || fields.length === 16) && Number.isFinite(Number(fields[4])))) {
    return null;
  }
  return {
    confidence: 0.9,
    reason: `${joinPath(basename(root), 'label_2')} holds ${labels.length} .txt files of 15-field KITTI object lines`,
  };
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const root = await kittiRoot(files, path);
  if (!root) throw new DetkitError('no KITTI label_2 folder here (nor under training/)', { file: path });
  const imageDir = joinPath(root, 'image_2');
  if (!(await files.stat(imageDir))?.isDirectory) {
    throw new DetkitError('no image_2 folder beside label_2: KITTI labels carry no image size', { file: root });
  }
  const imageByStem = new Map<string, string>();
  for (const e of await files.list(imageDir))
    if (!e.isDirectory && isImagePath(e.name)) imageByStem.set(stem(e.name), e.name);

  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'kitti', imageRoot: imageDir };
  const names = new CategoryNames(dataset);
  const labels = await labelFiles(files, root);
  // A label file is one frame (a few hundred bytes): read whole and split, since setting up a
  // line stream costs ~14× the read itself (measured: 5000 files, 9.4 s streamed vs 0.7 s).
  const lines = async (name: string) => (await files.readText(joinPath(root, 'label_2', name))).split(/\r?\n/);
  await forEachOrdered(labels, SIZE_CONCURRENCY, lines, (objects, name, k) => {
    const file = joinPath(root, 'label_2', name);
    const imageFile = imageByStem.get(stem(name));
    if (!imageFile) throw new DetkitError(`no image ${stem(name)}.png in ${imageDir}`, { file });
    const image = dataset.addImage({ id: k + 1, file: imageFile, width: 0, height: 0 });
    objects.forEach((text, i) => {
      if (text.trim() !== '') readObject(dataset, names, image.id, text, { file, line: i + 1 });
    });
    options.progress?.(k + 1, labels.length);
  });
  await sizeImagesFromHeaders(dataset, dataset.images, files);
  return dataset;
}

function readObject(
  dataset: Dataset,
  names: CategoryNames,
  imageId: number,
  text: string,
  where: { file: string; line: number },
): void {
  const f = text.trim().split(/\s+/);
  if (f.length !== 15 && f.length !== 16) {
    throw new DetkitError(`expected 15 fields (16 with a score), found ${f.length}`, where);
  }
  const [type] = f;
  const n = (k: number, field: string) => parseNumber(f[k], where, field);
  const truncation = n(1, 'truncated');
  const occlusion = n(2, 'occluded');
  const [left, top, right, bottom] = [n(4, 'left'), n(5, 'top'), n(6, 'right'), n(7, 'bottom')];
  const score = f.length === 16 ? n(15, 'score') : Number.NaN;
  const t = dataset.annotations;
  const row = t.addBox(imageId, names.id(type), left, top, snap(right - left), snap(bottom - top), score);
  if (truncation > 0) t.setFlag(row, 'truncated', true);
  if (occlusion > 0) t.setFlag(row, 'occluded', true);
  const attrs: Record<string, unknown> = {
    truncation,
    occlusion,
    alpha: n(3, 'alpha'),
    dimensions: [n(8, 'h'), n(9, 'w'), n(10, 'l')],
    location: [n(11, 'x'), n(12, 'y'), n(13, 'z')],
    rotation_y: n(14, 'rotation_y'),
  };
  if (type === DONT_CARE) attrs.ignore = true;
  t.attributes.set(row, attrs);
}

/** The devkit writes 2 decimals, and integers for its "unknown" sentinels (−1, −10, −1000). */
function value(v: number, sentinel: number): string {
  return v === sentinel ? String(v) : fixedOrExact(v, 2);
}

function numbers(value: unknown, length: number): number[] | undefined {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number')
    ? value
    : undefined;
}

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const labelDir = joinPath(path, 'label_2');
  await files.mkdir(labelDir);
  const names = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const t = dataset.annotations;
  const { offsets, order } = dataset.rowsByImage();
  const written: string[] = [];
  const loss: LossReport = [];
  let crowd = 0;
  let renamed = 0;
  const stems = new Set<string>();
  let done = 0;
  await forEachLimited(dataset.images, SIZE_CONCURRENCY, async (image, k) => {
    const frame = stem(image.file);
    if (stems.has(frame)) {
      throw new DetkitError(`two images share the KITTI frame name "${frame}" (label_2/${frame}.txt)`, {
        file: image.file,
      });
    }
    stems.add(frame);
    const lines: string[] = [];
    for (const row of order.subarray(offsets[k], offsets[k + 1])) {
      const a = t.attributes.get(row) ?? {};
      let type = names.get(t.categoryIds[row]) ?? String(t.categoryIds[row]);
      if (/\s/.test(type)) {
        type = type.replace(/\s+/g, '_');
        renamed++;
      }
      if (t.isCrowd(row)) {
        type = DONT_CARE;
        crowd++;
      }
      const truncation = typeof a.truncation === 'number' ? a.truncation : t.flag(row, 'truncated') ? 1 : 0;
      const occlusion = typeof a.occlusion === 'number' ? a.occlusion : t.flag(row, 'occluded') ? 1 : 0;
      const [x, y, w, h] = t.bbox(row);
      const fields = [
        type,
        value(truncation, -1),
        String(occlusion),
        value(typeof a.alpha === 'number' ? a.alpha : -10, -10),
        ...[x, y, x + w, y + h].map((v) => fixedOrExact(v, 2)),
        ...(numbers(a.dimensions, 3) ?? [-1, -1, -1]).map((v) => value(v, -1)),
        ...(numbers(a.location, 3) ?? [-1000, -1000, -1000]).map((v) => value(v, -1000)),
        value(typeof a.rotation_y === 'number' ? a.rotation_y : -10, -10),
      ];
      if (t.hasScore(row)) fields.push(fixedOrExact(t.scores[row], 2));
      lines.push(fields.join(' '));
    }
    const file = joinPath(labelDir, `${frame}.txt`);
    await files.writeText(file, lines.map((l) => `${l}\n`).join(''));
    written.push(file);
    options.progress?.(++done, dataset.images.length);
  });
  if (options.copyImages) {
    await forEachLimited(dataset.images, SIZE_CONCURRENCY, async (image) => {
      const target = joinPath(path, 'image_2', basename(image.file));
      await copyImage(dataset, image, files, target, options.imageRoot);
      written.push(target);
    });
  }
  if (crowd) loss.push({ what: 'crowd', count: crowd, message: 'crowd boxes (written as DontCare regions)' });
  if (renamed) {
    loss.push({ what: 'category-names', count: renamed, message: 'spaces in category names (written as "_")' });
  }
  return { files: written.sort(), loss };
}

export const kitti: DatasetFormat = {
  name: 'kitti',
  description: 'KITTI object labels (label_2/*.txt, 2D box + 3D fields; image sizes from image_2 headers)',
  capabilities,
  detect,
  read,
  write,
};
