/**
 * YOLO writer: `data.yaml` + `images/<split>/` + `labels/<split>/` (flat `images/`, `labels/`
 * when no image has a split). Every image gets a label file — empty for negatives, so they
 * survive. Images are copied (linked where possible) when asked.
 *
 * Class indices: categories whose ids are exactly 0..N-1 keep them; otherwise (COCO's 1..90
 * with gaps) classes are the categories in id order, and the ids are reported lost — YOLO has
 * no place for them (read back with the `categories` option to restore them).
 */
import type { Dataset, ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { type FileAccess, writeFiles } from '../core/files.js';
import { basename, joinPath, stem } from '../core/paths.js';
import type { WriteOptions, WriteResult } from './format.js';
import { copyImages } from './images.js';
import type { LossReport } from './loss.js';
import { formatBoxLine, formatPolygonLine } from './yolo-lines.js';
import { formatDataYaml, parseTask, YOLO_SPLITS, type YoloTask } from './yolo-yaml.js';

/** Class index per category id, and names by class index. */
export function classMapping(dataset: Pick<Dataset, 'categories'>): {
  classOf: Map<number, number>;
  names: string[];
  renumbered: number;
} {
  const sorted = [...dataset.categories].sort((a, b) => a.id - b.id);
  const keepIds = sorted.every((c, k) => c.id === k);
  const classOf = new Map<number, number>();
  const names: string[] = [];
  let renumbered = 0;
  sorted.forEach((c, k) => {
    classOf.set(c.id, k);
    names.push(c.name);
    if (!keepIds && c.id !== k) renumbered++;
  });
  return { classOf, names, renumbered };
}

function taskOf(dataset: Dataset, option: unknown): YoloTask {
  const given = parseTask(option, {});
  if (given) return given;
  return dataset.info.task === 'segmentation' ? 'segment' : dataset.info.task === 'obb' ? 'obb' : 'detect';
}

export async function writeYolo(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const task = taskOf(dataset, options.task);
  const { classOf, names, renumbered } = classMapping(dataset);
  const split = splitFolders(dataset.images);
  const loss: LossReport = [];
  const count = (what: string, message: string) => {
    const item = loss.find((l) => l.what === what);
    if (item) item.count++;
    else loss.push({ what, count: 1, message });
  };
  if (renumbered > 0) {
    loss.push({ what: 'category-ids', count: renumbered, message: 'category ids (classes are renumbered 0..N-1)' });
  }

  const t = dataset.annotations;
  const { offsets, order } = dataset.rowsByImage();
  const labelText = (k: number): string => {
    const im = dataset.images[k];
    if (offsets[k + 1] > offsets[k] && !(im.width > 0 && im.height > 0)) {
      throw new DetkitError(`image "${im.file}" has no size: YOLO coordinates are relative to it`, {
        record: `images[${k}]`,
      });
    }
    let text = '';
    for (let i = offsets[k]; i < offsets[k + 1]; i++) {
      const row = order[i];
      const cls = classOf.get(t.categoryIds[row]);
      if (cls === undefined) {
        throw new DetkitError(`category id ${t.categoryIds[row]} is not in the category list`, {
          record: `annotations[${row}]`,
        });
      }
      const b = row * 4;
      const [x, y, w, h] = [t.boxes[b], t.boxes[b + 1], t.boxes[b + 2], t.boxes[b + 3]];
      if (task === 'detect') {
        // RLE masks are in the generic report (YOLO has no RLE); polygons only in segment datasets.
        if (Array.isArray(t.segmentations.get(row))) {
          count(
            'polygons',
            'polygon segmentations (the detect task writes boxes; write with task segment to keep them)',
          );
        }
        text += `${formatBoxLine(cls, x, y, w, h, im.width, im.height)}\n`;
        continue;
      }
      const seg = t.segmentations.get(row);
      let points: number[];
      if (Array.isArray(seg) && seg.length > 0) {
        if (seg.length > 1) count('multi-polygon', 'multi-part polygons (parts are joined into one)');
        points = seg.length === 1 ? seg[0] : seg.flat();
      } else {
        if (seg !== undefined) count('rle', 'RLE masks (written as box outlines)');
        points = [x, y, x + w, y, x + w, y + h, x, y + h];
      }
      if (task === 'obb' && points.length !== 8) {
        count('obb-shape', 'polygons that are not 4-point oriented boxes (written as box outlines)');
        points = [x, y, x + w, y, x + w, y + h, x, y + h];
      }
      text += `${formatPolygonLine(cls, points, im.width, im.height)}\n`;
    }
    return text;
  };

  const labelFiles = dataset.images.map((im, k) => `labels/${split.folders[k]}${stem(im.file)}.txt`);
  const imageFiles = dataset.images.map((im, k) => `images/${split.folders[k]}${basename(im.file)}`);
  const seen = new Map<string, string>();
  dataset.images.forEach((im, k) => {
    const other = seen.get(labelFiles[k]);
    if (other !== undefined) {
      throw new DetkitError(`images "${other}" and "${im.file}" would both be labelled by ${labelFiles[k]}`, {
        record: `images[${k}]`,
      });
    }
    seen.set(labelFiles[k], im.file);
  });

  const out = joinPath(path);
  await files.writeText(`${out}/data.yaml`, formatDataYaml(split.yaml, names, task));
  await writeFiles(
    files,
    dataset.images.length,
    (k) => ({ path: `${out}/${labelFiles[k]}`, data: labelText(k) }),
    options.progress,
  );
  const written = ['data.yaml', ...labelFiles];

  if (options.copyImages) {
    await copyImages(dataset, files, path, imageFiles, options);
    written.push(...imageFiles);
  } else {
    for (const dir of new Set(split.yaml.map(([, folder]) => folder))) await files.mkdir(joinPath(path, dir));
    options.warn?.('images were not copied: put them under images/ before training or reading this dataset back');
  }
  if (split.unsplit > 0) {
    loss.push({
      what: 'splits',
      count: split.unsplit,
      message: 'missing split assignments (those images go to train)',
    });
  }
  return { files: written, loss };
}

/** Sub-folder per image ('' or '<split>/') and the data.yaml split entries. */
function splitFolders(images: ImageRecord[]): {
  folders: string[];
  yaml: [split: string, folder: string][];
  unsplit: number;
} {
  if (!images.some((im) => im.split)) {
    // No splits: one folder that is both train and val (read back, such images have no split).
    return {
      folders: images.map(() => ''),
      yaml: [
        ['train', 'images'],
        ['val', 'images'],
      ],
      unsplit: 0,
    };
  }
  let unsplit = 0;
  const folders = images.map((im) => {
    if (!im.split) unsplit++;
    return `${im.split ?? 'train'}/`;
  });
  const present = new Set(folders.map((f) => f.slice(0, -1)));
  const known = (YOLO_SPLITS as readonly string[]).filter((s) => present.has(s));
  const others = [...present].filter((s) => !known.includes(s)).sort();
  return { folders, yaml: [...known, ...others].map((s) => [s, `images/${s}`]), unsplit };
}
