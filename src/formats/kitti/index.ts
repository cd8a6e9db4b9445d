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
 * KITTI records no image size: sizes come from the image headers. Read and written as streams
 * too (stream.ts), with the same rows and bytes.
 */
import { Dataset } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { basename, joinPath, stem } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { copyImage, forEachLimited } from '../images.js';
import { forEachOrdered } from '../shared/ordered.js';
import { CategoryNames, SIZE_CONCURRENCY, sizeImagesFromHeaders } from '../shared/values.js';
import { frameImage, frameLines, kittiFrames, kittiRoot, labelFiles, labelPath } from './layout.js';
import { formatObject, type LineLoss, lineLossReport, readObject } from './lines.js';
import { canWriteKittiStream, openKittiStreamWriter, readKittiStream } from './stream.js';

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
  const frames = await kittiFrames(files, path);
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'kitti', imageRoot: frames.imageDir };
  const names = new CategoryNames(dataset);
  const categoryOf = (type: string) => names.id(type);
  const { labels } = frames;
  // A label file is one frame (a few hundred bytes): read whole and split, since setting up a
  // line stream costs ~14× the read itself (measured: 5000 files, 9.4 s streamed vs 0.7 s).
  const load = (name: string) => frameLines(files, frames, name);
  await forEachOrdered(labels, SIZE_CONCURRENCY, load, (objects, name, k) => {
    const file = labelPath(frames, name);
    const image = dataset.addImage({ id: k + 1, file: frameImage(frames, name), width: 0, height: 0 });
    objects.forEach((text, i) => {
      if (text.trim() !== '') readObject(dataset.annotations, categoryOf, image.id, text, { file, line: i + 1 });
    });
    options.progress?.(k + 1, labels.length);
  });
  await sizeImagesFromHeaders(dataset, dataset.images, files);
  return dataset;
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
  const loss: LineLoss = { crowd: 0, renamed: 0 };
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
    let text = '';
    for (const row of order.subarray(offsets[k], offsets[k + 1])) text += `${formatObject(t, row, names, loss)}\n`;
    const file = joinPath(labelDir, `${frame}.txt`);
    await files.writeText(file, text);
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
  return { files: written.sort(), loss: lineLossReport(loss) };
}

export const kitti: DatasetFormat = {
  name: 'kitti',
  description: 'KITTI object labels (label_2/*.txt, 2D box + 3D fields; image sizes from image_2 headers)',
  capabilities,
  detect,
  read,
  write,
  readStream: readKittiStream,
  canWriteStream: canWriteKittiStream,
  openStreamWriter: openKittiStreamWriter,
};
