/**
 * CIFAR-10 binary batches as published (`cifar-10-batches-bin/`): `data_batch_1.bin` …
 * `data_batch_5.bin` (train) and `test_batch.bin` (test), each a run of 3073-byte records —
 * one label byte, then 1024 red, 1024 green and 1024 blue bytes of a 32×32 image, row-major —
 * and `batches.meta.txt`, the class names one a line in label order. Images stay raw pixels
 * (`PixelImages`) and become RGB PNGs only when written.
 */
import { Dataset, type ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { basename, joinPath } from '../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from './format.js';
import type { LossReport } from './loss.js';
import { collectRecords, labelBytes } from './pixels/records.js';
import { PixelImages, type PixelLayout } from './pixels/store.js';

const LAYOUT: PixelLayout = { width: 32, height: 32, channels: 3, planar: true };
const RECORD = 1 + 32 * 32 * 3;
const BATCH = /^(data_batch_\d+|test_batch)\.bin$/;
const META = 'batches.meta.txt';
const PER_BATCH = 10000;
/** The published order, used when `batches.meta.txt` is missing. */
const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const capabilities = holds({
  imageLabels: true,
  // Every image is a "negative" here (no boxes); images without a label are reported by the writer.
  negatives: true,
  categoryIds: true,
  splits: true,
});

/** The batches folder (`path` or its `cifar-10-batches-bin/`) and its batch files, train first. */
async function batchFiles(files: FileAccess, path: string): Promise<{ dir: string; batches: string[] } | null> {
  for (const dir of [path, joinPath(path, 'cifar-10-batches-bin')]) {
    if (!(await files.stat(dir))?.isDirectory) continue;
    const names = (await files.list(dir)).filter((e) => !e.isDirectory && BATCH.test(e.name)).map((e) => e.name);
    if (names.length === 0) continue;
    const number = (n: string) => (n.startsWith('test') ? Number.POSITIVE_INFINITY : Number(/\d+/.exec(n)?.[0]));
    names.sort((a, b) => number(a) - number(b));
    return { dir, batches: names.map((n) => joinPath(dir, n)) };
  }
  return null;
}

/**
 * Checks a batch's bytes: whole records, labels below `classes`. `classesFrom` names where the
 * class count comes from (the meta file), which may be the file in the wrong.
 */
export function checkBatch(bytes: Uint8Array, file: string, classes: number, classesFrom?: string): number {
  const count = Math.floor(bytes.length / RECORD);
  if (bytes.length % RECORD !== 0) {
    throw new DetkitError(`truncated: ${bytes.length} bytes is not a whole number of ${RECORD}-byte records`, {
      file,
      record: count,
    });
  }
  for (let k = 0; k < count; k++) {
    const label = bytes[k * RECORD];
    if (label >= classes) {
      const from = classesFrom ? ` in ${classesFrom}` : '';
      throw new DetkitError(`label ${label} is out of range (${classes} classes${from}, 0..${classes - 1})`, {
        file,
        record: k,
      });
    }
  }
  return count;
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const found = await batchFiles(files, path);
  if (!found)
    throw new DetkitError('no CIFAR-10 batches here (data_batch_1.bin … test_batch.bin expected)', { file: path });
  const metaPath = joinPath(found.dir, META);
  let names = CIFAR10_CLASSES;
  let namesFrom: string | undefined;
  if (await files.stat(metaPath)) {
    namesFrom = metaPath;
    names = (await files.readText(metaPath))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (names.length === 0) throw new DetkitError('no class names in the meta file', { file: metaPath });
  } else options.warn?.(`${metaPath} not found: using the published CIFAR-10 class names`);
  const dataset = new Dataset(0);
  dataset.info = { sourceFormat: 'cifar10', task: 'classification', imageRoot: found.dir };
  names.forEach((name, id) => dataset.addCategory({ id, name }));
  const store = new PixelImages(LAYOUT);
  dataset.info.embeddedImages = store;
  const sources: { file: string; first: number }[] = [];
  const inSplit = new Map<string, number>();
  for (const [n, file] of found.batches.entries()) {
    const bytes = await files.readBytes(file);
    const count = checkBatch(bytes, file, names.length, namesFrom);
    const split = basename(file).startsWith('test') ? 'test' : 'train';
    sources.push({ file, first: dataset.images.length });
    let index = inSplit.get(split) ?? 0;
    for (let k = 0; k < count; k++, index++) {
      const id = dataset.images.length + 1;
      const image: ImageRecord = {
        id,
        file: `${split}/${String(index).padStart(5, '0')}.png`,
        width: LAYOUT.width,
        height: LAYOUT.height,
        split,
        labels: [bytes[k * RECORD]],
      };
      dataset.images.push(image);
    }
    store.addRecords(sources[sources.length - 1].first + 1, count, bytes, 1, RECORD);
    inSplit.set(split, index);
    options.progress?.(n + 1, found.batches.length);
  }
  dataset.info.locate = (kind, index) => {
    if (kind !== 'image') return { file: found.dir };
    const source = sources.findLast((s) => s.first <= index) ?? sources[0];
    return { file: source.file, record: index - source.first };
  };
  return dataset;
}

async function write(dataset: Dataset, files: FileAccess, path: string, options: WriteOptions = {}) {
  const loss: LossReport = [];
  const records = await collectRecords(dataset, files, LAYOUT, 'cifar10', loss, options.imageRoot, options.progress);
  const others = records.filter((r) => r.image.split && r.image.split !== 'train' && r.image.split !== 'test');
  if (others.length > 0) {
    loss.push({ what: 'splits', count: others.length, message: 'splits other than train/test (written to train)' });
  }
  const written: string[] = [];
  const train = records.filter((r) => r.image.split !== 'test');
  const test = records.filter((r) => r.image.split === 'test');
  const batches: [string, typeof records][] = [];
  for (let k = 0; k * PER_BATCH < train.length; k++) {
    batches.push([`data_batch_${k + 1}.bin`, train.slice(k * PER_BATCH, (k + 1) * PER_BATCH)]);
  }
  if (test.length > 0) batches.push(['test_batch.bin', test]);
  for (const [name, part] of batches) {
    const bytes = new Uint8Array(part.length * RECORD);
    part.forEach((r, k) => {
      bytes[k * RECORD] = r.label;
      bytes.set(r.pixels, k * RECORD + 1);
    });
    const file = joinPath(path, name);
    await files.writeBytes(file, bytes);
    written.push(file);
  }
  // Class names in label order; a label no category maps to keeps its number as name.
  const names = new Map<number, string>();
  for (const [id, label] of labelBytes(dataset))
    names.set(label, dataset.categories.find((c) => c.id === id)?.name ?? '');
  const lines = Array.from({ length: Math.max(-1, ...names.keys()) + 1 }, (_, k) => names.get(k) || String(k));
  const metaPath = joinPath(path, META);
  await files.writeText(metaPath, `${lines.join('\n')}\n`);
  written.push(metaPath);
  return { files: written, loss } satisfies WriteResult;
}

export const cifar10: DatasetFormat = {
  name: 'cifar10',
  description: 'CIFAR-10 binary batches (data_batch_N.bin, test_batch.bin, batches.meta.txt): 32×32 RGB',
  capabilities,
  async detect(files, path) {
    const found = await batchFiles(files, path).catch(() => null);
    if (!found) return null;
    const size = (await files.stat(found.batches[0]))?.size ?? 0;
    if (size === 0 || size % RECORD !== 0) return null;
    const names = found.batches.map((b) => basename(b)).join(', ');
    return { confidence: 0.95, reason: `found ${names} of whole ${RECORD}-byte records (CIFAR-10 binary)` };
  },
  read,
  write,
};
