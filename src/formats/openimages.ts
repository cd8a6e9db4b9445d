/**
 * Open Images (V6/V7) box CSVs as a format plugin. Layout and the small CSVs:
 * openimages-files.ts; box streaming: openimages-read.ts; writing: openimages-write.ts.
 *
 * Categories: `name` is the DisplayName, `extra.mid` the MID (`/m/01g317`); ids are 1..N in
 * class-descriptions order. Image ids are 1..N in first-seen order; `file` is
 * `<split>/<ImageID>.jpg`. Image-level labels: Confidence 1 → `labels`, 0 →
 * `extra.negative_labels`. Reading into memory needs every boxed image's size (a sizes CSV or
 * the image files); streaming to a normalised format (YOLO, Open Images) does not.
 */
import type { FileAccess } from '../core/files.js';
import { basename, joinPath } from '../core/paths.js';
import type { DatasetFormat, Detected } from './format.js';
import { BOX_FILE } from './openimages-files.js';
import { type OpenImagesReadOptions, openImagesStream } from './openimages-read.js';
import { openOpenImagesWriter } from './openimages-write.js';
import { collectStream, datasetBatches } from './stream.js';

export type { OpenImagesReadOptions } from './openimages-read.js';

const SIZE_HINT =
  'give an ImageID,Width,Height CSV (the `sizes` read option or a *sizes*.csv beside the boxes) or the image files';

async function detect(files: FileAccess, path: string): Promise<Detected | null> {
  const stat = await files.stat(path);
  if (!stat) return null;
  const candidates = stat.isDirectory
    ? (await files.list(path)).filter((e) => !e.isDirectory && BOX_FILE.test(e.name)).map((e) => joinPath(path, e.name))
    : BOX_FILE.test(basename(path))
      ? [path]
      : [];
  for (const file of candidates) {
    const head = new TextDecoder().decode(await files.readHead(file, 512));
    const header = head.split(/\r?\n/)[0].split(',');
    if (['ImageID', 'LabelName', 'XMin', 'XMax', 'YMin', 'YMax'].every((c) => header.includes(c))) {
      return {
        confidence: 0.95,
        reason: `${basename(file)} has the Open Images box header (ImageID,…,XMin,XMax,YMin,YMax)`,
      };
    }
  }
  return null;
}

export const openimages: DatasetFormat = {
  name: 'openimages',
  description: 'Open Images V6/V7 box CSVs, class descriptions and image-level labels',
  capabilities: {
    boxes: true,
    polygons: false,
    rle: false,
    crowd: false,
    scores: true,
    attributes: ['occluded', 'truncated', 'group_of', 'depiction', 'inside'],
    imageLabels: true,
    // Only a labelled image survives without boxes; the writer counts the others.
    negatives: true,
    categoryIds: false,
    imageIds: false,
    annotationIds: false,
    area: false,
    supercategory: false,
    splits: true,
  },
  detect,

  async read(files, path, options: OpenImagesReadOptions = {}) {
    return collectStream(await openImagesStream(files, path, options), SIZE_HINT);
  },

  async write(dataset, files, path, options = {}) {
    const writer = await openOpenImagesWriter(files, path, dataset, options);
    for await (const batch of datasetBatches(dataset)) await writer.add(batch);
    return writer.close();
  },

  readStream: openImagesStream,
  openStreamWriter: openOpenImagesWriter,
};
