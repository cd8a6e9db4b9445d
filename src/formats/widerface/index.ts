/**
 * WIDER Face ground truth (`wider_face_split/wider_face_<split>_bbx_gt.txt`): for each image a
 * path line (relative to `WIDER_<split>/images/`), a face count line, then one line a face:
 * `x1 y1 w h blur expression illumination invalid occlusion pose` (absolute pixels, top-left
 * corner and size; taken as continuous coordinates as they are).
 *
 * An image with no face still has ONE line of ten zeros after its `0` count (the official
 * files do this); the reader skips that line and the writer emits it.
 * One category, `face`. The six attributes are kept by name; occlusion > 0 also sets the
 * occluded flag. The files are streamed line by line; image sizes come from the image headers.
 */
import { Dataset, type ImageRecord } from '../../core/dataset.js';
import { DetkitError, type ErrorLocation } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { basename, dirname, extname, isImagePath, joinPath } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { copyImage, forEachLimited } from '../images.js';
import type { LossReport } from '../loss.js';
import { fixedOrExact, parseNumber, SIZE_CONCURRENCY, sizeImagesFromHeaders } from '../shared/values.js';

const GT_FILE = /^wider_face_(.+)_bbx_gt\.txt$/;
const ATTRIBUTES = ['blur', 'expression', 'illumination', 'invalid', 'occlusion', 'pose'] as const;
const FIELDS = ['x1', 'y1', 'w', 'h', ...ATTRIBUTES];
const ZERO_FACE = '0 0 0 0 0 0 0 0 0 0 ';

const capabilities = holds({
  boxes: true,
  attributes: ['occluded', ...ATTRIBUTES],
  negatives: true,
  splits: true,
});

/** Ground-truth files at `path`: the file itself, or those in `wider_face_split/`. */
async function gtFiles(files: FileAccess, path: string): Promise<string[]> {
  const stat = await files.stat(path);
  if (!stat) return [];
  if (!stat.isDirectory) return extname(path) === '.txt' ? [path] : [];
  for (const dir of [joinPath(path, 'wider_face_split'), path]) {
    if (!(await files.stat(dir))?.isDirectory) continue;
    const found = (await files.list(dir)).filter((e) => !e.isDirectory && GT_FILE.test(e.name));
    if (found.length) return found.map((e) => joinPath(dir, e.name));
  }
  return [];
}

function splitOf(file: string): string {
  return GT_FILE.exec(basename(file))?.[1] ?? 'train';
}

async function detect(files: FileAccess, path: string) {
  const found = await gtFiles(files, path);
  if (found.length === 0) return null;
  const head = new TextDecoder().decode(await files.readHead(found[0], 1024)).split(/\r?\n/);
  const shaped = isImagePath((head[0] ?? '').trim()) && /^\d+$/.test((head[1] ?? '').trim());
  if (!shaped) return null;
  const named = GT_FILE.test(basename(found[0]));
  return {
    confidence: named ? 0.95 : 0.6,
    reason: `${basename(found[0])} holds image path / face count / face lines (WIDER Face)${found.length > 1 ? `; ${found.length} splits` : ''}`,
  };
}

/** `<root>` of `<root>/wider_face_split/x.txt` (the dataset root), else the file's folder. */
function datasetRoot(file: string): string {
  const dir = dirname(file);
  return basename(dir) === 'wider_face_split' ? dirname(dir) : dir;
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const found = await gtFiles(files, path);
  if (found.length === 0) throw new DetkitError('no WIDER Face *_bbx_gt.txt file here', { file: path });
  const root = datasetRoot(found[0]);
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'widerface', imageRoot: root };
  dataset.addCategory({ id: 1, name: 'face' });
  // Image id → its path line: a wrong path line is the ground-truth file's mistake.
  const listed = new Map<number, ErrorLocation>();
  for (const file of found) {
    const split = splitOf(file);
    const imagePrefix = await imageFolder(files, root, split, options);
    await readGroundTruth(dataset, files, file, split, imagePrefix, listed);
  }
  await sizeImagesFromHeaders(
    dataset,
    dataset.images,
    files,
    options.progress,
    undefined,
    (image) => listed.get(image.id)!,
  );
  return dataset;
}

/** Images folder of a split, relative to the dataset root: `WIDER_<split>/images` or `images`. */
async function imageFolder(files: FileAccess, root: string, split: string, options: ReadOptions): Promise<string> {
  if (typeof options.images === 'string') return options.images;
  for (const candidate of [`WIDER_${split}/images`, 'images']) {
    if ((await files.stat(joinPath(root, candidate)))?.isDirectory) return candidate;
  }
  throw new DetkitError(`no WIDER_${split}/images folder: WIDER Face records no image size`, { file: root });
}

async function readGroundTruth(
  dataset: Dataset,
  files: FileAccess,
  file: string,
  split: string,
  imagePrefix: string,
  listed: Map<number, ErrorLocation>,
): Promise<void> {
  const t = dataset.annotations;
  let image: ImageRecord | undefined;
  let remaining = 0;
  let state: 'path' | 'count' | 'faces' | 'zero' = 'path';
  let line = 0;
  for await (const raw of files.readLines(file)) {
    line++;
    const text = raw.trim();
    if (state === 'zero') {
      state = 'path';
      // The official placeholder after a 0 count; tolerate files that leave it out.
      if (/^[\d\s.-]+$/.test(text)) continue;
    }
    if (state === 'path') {
      if (text === '') continue;
      image = dataset.addImage({
        id: dataset.images.length + 1,
        file: joinPath(imagePrefix, text),
        width: 0,
        height: 0,
        split,
      });
      listed.set(image.id, { file, line });
      state = 'count';
    } else if (state === 'count') {
      remaining = parseNumber(text, { file, line }, 'face count');
      if (!Number.isInteger(remaining) || remaining < 0) {
        throw new DetkitError(`face count must be a whole number ≥ 0, got "${text}"`, { file, line });
      }
      state = remaining === 0 ? 'zero' : 'faces';
    } else {
      const f = text.split(/\s+/);
      if (f.length !== 10)
        throw new DetkitError(`expected 10 fields (x1 y1 w h + 6 attributes), found ${f.length}`, { file, line });
      const where = { file, line };
      const n = f.map((v, k) => parseNumber(v, where, FIELDS[k]));
      const row = t.addBox((image as ImageRecord).id, 1, n[0], n[1], n[2], n[3]);
      const attrs: Record<string, number> = {};
      ATTRIBUTES.forEach((name, k) => (attrs[name] = n[4 + k]));
      t.attributes.set(row, attrs);
      if (attrs.occlusion > 0) t.setFlag(row, 'occluded', true);
      if (--remaining === 0) state = 'path';
    }
  }
  if (state === 'count' || state === 'faces') {
    throw new DetkitError(`file ends inside the record of ${image?.file} (${remaining} face lines missing)`, {
      file,
      line,
    });
  }
}

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const single = extname(path) === '.txt';
  const t = dataset.annotations;
  const { offsets, order } = dataset.rowsByImage();
  const bySplit = new Map<string, number[]>();
  dataset.images.forEach((im, k) => {
    const split = single ? '' : (im.split ?? 'train');
    const list = bySplit.get(split) ?? [];
    list.push(k);
    bySplit.set(split, list);
  });
  const written: string[] = [];
  let otherCategories = 0;
  for (const [split, indexes] of bySplit) {
    const file = single ? path : joinPath(path, 'wider_face_split', `wider_face_${split}_bbx_gt.txt`);
    const sink = await files.openWriter(file);
    let chunk = '';
    for (const k of indexes) {
      const image = dataset.images[k];
      const rows = order.subarray(offsets[k], offsets[k + 1]);
      let text = `${relativeImagePath(image.file)}\n${rows.length}\n`;
      if (rows.length === 0) text += `${ZERO_FACE}\n`;
      for (const row of rows) {
        if (t.categoryIds[row] !== dataset.categories[0]?.id) otherCategories++;
        const a = t.attributes.get(row) ?? {};
        const attr = (name: string) => {
          const v = a[name];
          if (typeof v === 'number') return String(v);
          return name === 'occlusion' && t.flag(row, 'occluded') ? '1' : '0';
        };
        const box = t.bbox(row).map((v) => fixedOrExact(v, 0));
        text += `${[...box, ...ATTRIBUTES.map(attr)].join(' ')} \n`;
      }
      chunk += text;
      if (chunk.length >= 1 << 20) {
        await sink.write(chunk);
        chunk = '';
      }
    }
    await sink.write(chunk);
    await sink.close();
    written.push(file);
    if (options.copyImages && !single) {
      await forEachLimited(indexes, SIZE_CONCURRENCY, async (k) => {
        const image = dataset.images[k];
        const target = joinPath(path, `WIDER_${split}`, 'images', relativeImagePath(image.file));
        await copyImage(dataset, image, files, target, options.imageRoot);
        written.push(target);
      });
    }
  }
  const loss: LossReport = [];
  if (dataset.categories.length > 1 && otherCategories > 0) {
    loss.push({
      what: 'categories',
      count: otherCategories,
      message: `categories other than "${dataset.categories[0].name}" (every box is written as a face)`,
    });
  }
  return { files: written, loss };
}

/** The image path as WIDER Face writes it: relative to `WIDER_<split>/images/`. */
function relativeImagePath(file: string): string {
  return file.replace(/^(WIDER_[^/]+\/)?images\//, '');
}

export const widerface: DatasetFormat = {
  name: 'widerface',
  description: 'WIDER Face *_bbx_gt.txt (one category "face", six attributes; sizes from image headers)',
  capabilities,
  detect,
  read,
  write,
};
