/**
 * Pascal VOC format plugin. Layout: `Annotations/*.xml`, `JPEGImages/`, `ImageSets/Main/*.txt`
 * (a folder of bare XMLs reads too). Keeps difficult / truncated / occluded (flags), pose (an
 * attribute), `segmented` and `<size>` depth (image extras).
 *
 * Coordinates are 1-based and inclusive in VOC: read x = xmin − 1, w = xmax − xmin + 1; write
 * xmin = x + 1, xmax = x + w (exact inverses; the full rule is in voc-coords.ts).
 */
import { extname, joinPath } from '../core/paths.js';
import { type DatasetFormat, holds } from './format.js';
import { readVoc } from './voc-read.js';
import { writeVoc } from './voc-write.js';

export const voc: DatasetFormat = {
  name: 'voc',
  description: 'Pascal VOC XML (Annotations/*.xml, JPEGImages/, ImageSets/Main split lists)',
  capabilities: holds({
    boxes: true,
    attributes: ['difficult', 'truncated', 'occluded', 'pose'],
    negatives: true,
    splits: true,
  }),

  async detect(files, path) {
    const stat = await files.stat(path);
    if (!stat?.isDirectory) return null;
    const annotations = joinPath(path, 'Annotations');
    const standard = (await files.stat(annotations))?.isDirectory ?? false;
    const dir = standard ? annotations : path;
    const first = (await files.list(dir)).find((e) => !e.isDirectory && extname(e.name) === '.xml');
    if (!first) return null;
    const head = new TextDecoder().decode(await files.readHead(joinPath(dir, first.name), 512));
    if (!head.includes('<annotation')) return null;
    return standard
      ? { confidence: 0.95, reason: `found Annotations/${first.name} with an <annotation> root` }
      : { confidence: 0.7, reason: `found ${first.name} with a VOC <annotation> root` };
  },

  read: readVoc,
  write: writeVoc,
};
