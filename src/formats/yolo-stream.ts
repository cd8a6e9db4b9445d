/**
 * YOLO detect labels written as batches arrive (memory bounded by a batch, not the dataset):
 * one label file per image as its batch comes, `data.yaml` at close. Same lines as
 * yolo-write.ts; normalised corners (Open Images) go out without a trip through pixels:
 * `cx = (x1 + x2)/2`, `w = x2 − x1`.
 *
 * Differences from the whole-dataset writer: the detect task only (`canWriteYoloStream`);
 * images without a split go to the flat `labels/` even when others have one (reported). An
 * image met again in a later batch has its lines appended to its label file at close.
 */
import { DetkitError } from '../core/errors.js';
import { type FileAccess, type FileContent, writeFiles } from '../core/files.js';
import { joinPath, stem } from '../core/paths.js';
import type { ImageBatch, StreamHeader, StreamWriter, WriteOptions, WriteResult } from './format.js';
import type { LossReport } from './loss.js';
import { formatBoxLine } from './yolo-lines.js';
import { classMapping } from './yolo-write.js';
import { formatDataYaml, parseTask, YOLO_SPLITS } from './yolo-yaml.js';

/**
 * data.yaml's split entries for the splits a streamed dataset's images had: YOLO's own split
 * names first, then the others sorted, each under images/<split>; without splits, train and val
 * both point at images/.
 */
export function dataYamlSplits(splits: ReadonlySet<string>): [string, string][] {
  if (splits.size === 0) {
    return [
      ['train', 'images'],
      ['val', 'images'],
    ];
  }
  const known = (YOLO_SPLITS as readonly string[]).filter((s) => splits.has(s));
  const others = [...splits].filter((s) => !known.includes(s)).sort();
  return [...known, ...others].map((s) => [s, `images/${s}`]);
}

export function canWriteYoloStream(header: StreamHeader, options: WriteOptions = {}): boolean {
  const task = parseTask(options.task, {});
  if (task) return task === 'detect';
  return header.info.task !== 'segmentation' && header.info.task !== 'obb' && !options.copyImages;
}

export async function openYoloStreamWriter(
  files: FileAccess,
  path: string,
  header: StreamHeader,
  options: WriteOptions = {},
): Promise<StreamWriter> {
  const out = joinPath(path);
  const { classOf, names, renumbered } = classMapping(header);
  /** Image id by label file: a second image on the same file is an error, the same image appends. */
  const owner = new Map<string, number>();
  const appended = new Map<string, string>();
  const splits = new Set<string>();
  let unsplit = 0;
  let polygons = 0;
  let done = 0;

  return {
    async add(batch: ImageBatch) {
      const t = batch.annotations;
      const corners = batch.corners;
      const labels: FileContent[] = [];
      for (let k = 0; k < batch.images.length; k++) {
        const im = batch.images[k];
        const first = batch.offsets[k];
        const end = batch.offsets[k + 1];
        const known = im.width > 0 && im.height > 0;
        if (end > first && !known && !corners) {
          throw new DetkitError(`image "${im.file}" has no size: YOLO coordinates are relative to it`, {
            record: `image ${im.id}`,
          });
        }
        let text = '';
        for (let row = first; row < end; row++) {
          const cls = classOf.get(t.categoryIds[row]);
          if (cls === undefined) {
            throw new DetkitError(`category id ${t.categoryIds[row]} is not in the category list`, {
              record: `annotation ${t.ids[row]}`,
            });
          }
          if (Array.isArray(t.segmentations.get(row))) polygons++;
          if (corners) {
            const c = row * 4;
            const x1 = corners[c];
            const y1 = corners[c + 1];
            const x2 = corners[c + 2];
            const y2 = corners[c + 3];
            text += `${cls} ${(x1 + x2) / 2} ${(y1 + y2) / 2} ${x2 - x1} ${y2 - y1}\n`;
          } else {
            const b = row * 4;
            text += `${formatBoxLine(cls, t.boxes[b], t.boxes[b + 1], t.boxes[b + 2], t.boxes[b + 3], im.width, im.height)}\n`;
          }
        }
        const folder = im.split ? `${im.split}/` : '';
        const label = `labels/${folder}${stem(im.file)}.txt`;
        const seen = owner.get(label);
        if (seen !== undefined) {
          if (seen !== im.id) {
            throw new DetkitError(`two images would both be labelled by ${label}`, { record: `image ${im.id}` });
          }
          if (text) appended.set(label, (appended.get(label) ?? '') + text);
          continue;
        }
        owner.set(label, im.id);
        if (im.split) splits.add(im.split);
        else unsplit++;
        labels.push({ path: `${out}/${label}`, data: text });
      }
      await writeFiles(files, labels.length, (k) => labels[k]);
      done += labels.length;
      options.progress?.(done, 0);
    },

    async close(): Promise<WriteResult> {
      for (const [label, text] of appended) {
        const path = `${out}/${label}`;
        await files.writeText(path, (await files.readText(path)) + text);
      }
      const yaml = dataYamlSplits(splits);
      await files.writeText(`${out}/data.yaml`, formatDataYaml(yaml, names, 'detect'));
      for (const dir of new Set(yaml.map(([, folder]) => folder))) await files.mkdir(joinPath(out, dir));
      options.warn?.('images were not copied: put them under images/ before training or reading this dataset back');
      const loss: LossReport = [];
      if (renumbered > 0) {
        loss.push({ what: 'category-ids', count: renumbered, message: 'category ids (classes are renumbered 0..N-1)' });
      }
      if (polygons > 0) {
        loss.push({
          what: 'polygons',
          count: polygons,
          message: 'polygon segmentations (the detect task writes boxes)',
        });
      }
      if (splits.size > 0 && unsplit > 0) {
        loss.push({
          what: 'splits',
          count: unsplit,
          message: 'missing split assignments (those images are under labels/, outside every split)',
        });
      }
      return { files: ['data.yaml', ...owner.keys()], loss };
    },
  };
}
