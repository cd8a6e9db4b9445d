/**
 * CVAT for images 1.1 XML (`annotations.xml`, images in `images/` beside it): boxes, polygons
 * and image tags, label attributes kept. See read.ts for the coordinate convention. Image ids
 * are CVAT frame numbers: kept CVAT → CVAT, written 0..N−1 for datasets from elsewhere.
 */
import type { Dataset } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { basename, dirname, extname, joinPath } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { copyImage, forEachLimited } from '../images.js';
import type { LossReport } from '../loss.js';
import { SIZE_CONCURRENCY } from '../shared/values.js';
import { parseCvatXml, readCvat } from './read.js';
import { formatCvat } from './write.js';

const capabilities = holds({
  boxes: true,
  polygons: true,
  attributes: ['*'],
  imageLabels: true,
  negatives: true,
  splits: true,
});

async function xmlFile(files: FileAccess, path: string): Promise<string | null> {
  const stat = await files.stat(path);
  if (!stat) return null;
  if (!stat.isDirectory) return extname(path) === '.xml' ? path : null;
  const candidate = joinPath(path, 'annotations.xml');
  return (await files.stat(candidate)) ? candidate : null;
}

async function detect(files: FileAccess, path: string) {
  const file = await xmlFile(files, path);
  if (!file) return null;
  const head = new TextDecoder().decode(await files.readHead(file, 1024));
  if (!/<annotations[\s>]/.test(head) || !/<version>\s*1\.\d+\s*<\/version>/.test(head)) return null;
  return { confidence: 0.95, reason: `${basename(file)} has <annotations><version>1.x (CVAT for images XML)` };
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const file = await xmlFile(files, path);
  if (!file) throw new DetkitError('no CVAT annotations.xml here', { file: path });
  const dataset = readCvat(await parseCvatXml(await files.readText(file), file), file, options);
  const images = joinPath(dirname(file), 'images');
  if ((await files.stat(images))?.isDirectory) dataset.info.imageRoot = images;
  return dataset;
}

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const file = extname(path) === '.xml' ? path : joinPath(path, 'annotations.xml');
  await files.writeText(file, formatCvat(dataset));
  const written = [file];
  let parts = 0;
  for (const seg of dataset.annotations.segmentations.values()) if (Array.isArray(seg) && seg.length > 1) parts++;
  if (options.copyImages) {
    await forEachLimited(dataset.images, SIZE_CONCURRENCY, async (image) => {
      const target = joinPath(dirname(file), 'images', image.file);
      await copyImage(dataset, image, files, target, options.imageRoot);
      written.push(target);
    });
  }
  const loss: LossReport =
    parts > 0 ? [{ what: 'polygon-parts', count: parts, message: 'multi-part polygons (one polygon per part)' }] : [];
  return { files: written, loss };
}

export const cvat: DatasetFormat = {
  name: 'cvat',
  description: 'CVAT for images 1.1 XML (boxes, polygons, tags and their attributes)',
  capabilities,
  detect,
  read,
  write,
};
