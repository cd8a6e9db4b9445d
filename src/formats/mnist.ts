/**
 * MNIST in its published idx files: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, raw or `.gz` (also the `…images.idx3-ubyte`
 * spelling some mirrors use, and torchvision's `raw/` subfolder). An idx file is a big-endian
 * header — magic `00 00 08 <dims>` (0x803 images, 0x801 labels), then one uint32 per dimension —
 * followed by the bytes, row-major. Splits: `train` and `test` (t10k). Labels 0–9 are
 * categories 0..9 named '0'..'9'. Images stay raw pixels (`PixelImages`): PNGs are encoded only
 * when a writer asks for them.
 */
import { Dataset, type ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { basename, dirname, joinPath } from '../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from './format.js';
import type { LossReport } from './loss.js';
import { collectRecords } from './pixels/records.js';
import { PixelImages, type PixelLayout } from './pixels/store.js';

const IMAGES = /^(train|t10k)-images[.-]idx3-ubyte(\.gz)?$/;
const SPLIT_OF_PREFIX: Record<string, string> = { train: 'train', t10k: 'test' };
const LAYOUT: PixelLayout = { width: 28, height: 28, channels: 1, planar: false };

const capabilities = holds({
  imageLabels: true,
  // Every image is a "negative" here (no boxes); images without a label are reported by the writer.
  negatives: true,
  categoryIds: true,
  splits: true,
});

export interface IdxArray {
  /** Dimensions from the header, the record count first. */
  dims: number[];
  /** The bytes after the header (exactly count × record size). */
  data: Uint8Array;
  recordSize: number;
}

/** Parses an idx file holding unsigned bytes, checking magic, dimensions and length. */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims: number): IdxArray {
  const magic = 0x800 + expectedDims;
  const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
  if (bytes.length < 4) throw new DetkitError(`file is ${bytes.length} bytes, shorter than an idx header`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new DetkitError(
      `magic number ${hex(found)} is not an idx${expectedDims} ubyte ${expectedDims === 1 ? 'label' : 'image'} file (${hex(magic)} expected)`,
      { file },
    );
  }
  const headerSize = 4 + 4 * expectedDims;
  if (bytes.length < headerSize) throw new DetkitError('file ends inside the idx header', { file });
  const dims = Array.from({ length: expectedDims }, (_, k) => view.getUint32(4 + 4 * k));
  const recordSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const available = bytes.length - headerSize;
  if (available < dims[0] * recordSize) {
    throw new DetkitError(
      `truncated: the header promises ${dims[0]} records of ${recordSize} bytes, the file ends inside this record`,
      { file, record: Math.floor(available / recordSize) },
    );
  }
  return { dims, data: bytes.subarray(headerSize, headerSize + dims[0] * recordSize), recordSize };
}

async function readIdxFile(files: FileAccess, file: string, dims: number): Promise<IdxArray> {
  let bytes = await files.readBytes(file);
  if (file.endsWith('.gz')) {
    try {
      const { gunzipSync } = await import('fflate');
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DetkitError(`not a valid gzip file (${(e as Error).message})`, { file });
    }
  }
  return parseIdx(bytes, file, dims);
}

interface IdxPair {
  split: string;
  images: string;
  labels: string;
}

/** Image/label file pairs in `path` or its `raw/` subfolder (torchvision's layout); an images file alone names its pair. */
async function idxPairs(files: FileAccess, path: string): Promise<IdxPair[]> {
  const stat = await files.stat(path);
  if (stat && !stat.isDirectory) {
    if (!IMAGES.test(basename(path))) return [];
    return (await idxPairs(files, dirname(path))).filter((p) => p.images === joinPath(path));
  }
  for (const dir of [path, joinPath(path, 'raw')]) {
    if (!(await files.stat(dir))?.isDirectory) continue;
    const names = (await files.list(dir)).filter((e) => !e.isDirectory).map((e) => e.name);
    const pairs: IdxPair[] = [];
    for (const name of names) {
      const m = IMAGES.exec(name);
      if (!m) continue;
      const wanted = name.replace('images', 'labels').replace('idx3', 'idx1');
      // A raw labels file pairs with gzipped images and vice versa: take what is there.
      const labels = [wanted, wanted.replace(/\.gz$/, ''), `${wanted.replace(/\.gz$/, '')}.gz`].find((n) =>
        names.includes(n),
      );
      if (!labels)
        throw new DetkitError(`no labels file beside it (${wanted} expected)`, { file: joinPath(dir, name) });
      if (pairs.some((p) => p.split === SPLIT_OF_PREFIX[m[1]])) continue;
      pairs.push({ split: SPLIT_OF_PREFIX[m[1]], images: joinPath(dir, name), labels: joinPath(dir, labels) });
    }
    if (pairs.length > 0) return pairs.sort((a, b) => (a.split === 'train' ? 0 : 1) - (b.split === 'train' ? 0 : 1));
  }
  return [];
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const pairs = await idxPairs(files, path);
  if (pairs.length === 0) {
    throw new DetkitError('no MNIST idx files here (train-images-idx3-ubyte[.gz], t10k-… expected)', { file: path });
  }
  const dataset = new Dataset(0);
  dataset.info = { sourceFormat: 'mnist', task: 'classification', imageRoot: path };
  for (let digit = 0; digit <= 9; digit++) dataset.addCategory({ id: digit, name: String(digit) });
  const store = new PixelImages(LAYOUT);
  dataset.info.embeddedImages = store;
  const sources: { file: string; first: number }[] = [];
  for (const [n, pair] of pairs.entries()) {
    const images = await readIdxFile(files, pair.images, 3);
    const labels = await readIdxFile(files, pair.labels, 1);
    const [count, rows, cols] = images.dims;
    if (rows !== LAYOUT.height || cols !== LAYOUT.width) {
      throw new DetkitError(`images are ${cols}×${rows}; MNIST images are 28×28`, { file: pair.images });
    }
    if (labels.dims[0] !== count) {
      throw new DetkitError(`${labels.dims[0]} labels for the ${count} images of ${pair.images}`, {
        file: pair.labels,
      });
    }
    sources.push({ file: pair.images, first: dataset.images.length });
    for (let k = 0; k < count; k++) {
      const label = labels.data[k];
      if (label > 9) throw new DetkitError(`label ${label} is not a digit 0–9`, { file: pair.labels, record: k });
      const id = dataset.images.length + 1;
      const image: ImageRecord = {
        id,
        file: `${pair.split}/${String(k).padStart(5, '0')}.png`,
        width: cols,
        height: rows,
        split: pair.split,
        labels: [label],
      };
      dataset.images.push(image);
    }
    store.addRecords(sources[sources.length - 1].first + 1, count, images.data, 0, images.recordSize);
    options.progress?.(n + 1, pairs.length);
  }
  dataset.info.locate = (kind, index) => {
    if (kind !== 'image') return { file: path };
    const source = sources.findLast((s) => s.first <= index) ?? sources[0];
    return { file: source.file, record: index - source.first };
  };
  return dataset;
}

function idxHeader(magic: number, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  return out;
}

async function write(dataset: Dataset, files: FileAccess, path: string, options: WriteOptions = {}) {
  const loss: LossReport = [];
  const records = await collectRecords(dataset, files, LAYOUT, 'mnist', loss, options.imageRoot, options.progress);
  // MNIST has two splits: 'test' images go to t10k, every other image to train.
  const others = records.filter((r) => r.image.split && r.image.split !== 'train' && r.image.split !== 'test');
  if (others.length > 0) {
    loss.push({ what: 'splits', count: others.length, message: 'splits other than train/test (written to train)' });
  }
  const written: string[] = [];
  for (const prefix of ['train', 't10k']) {
    const part = records.filter((r) => (r.image.split === 'test') === (prefix === 't10k'));
    if (part.length === 0) continue;
    const size = LAYOUT.width * LAYOUT.height;
    const images = new Uint8Array(16 + part.length * size);
    images.set(idxHeader(0x803, [part.length, LAYOUT.height, LAYOUT.width]));
    const labels = new Uint8Array(8 + part.length);
    labels.set(idxHeader(0x801, [part.length]));
    part.forEach((r, k) => {
      images.set(r.pixels, 16 + k * size);
      labels[8 + k] = r.label;
    });
    const imagesFile = joinPath(path, `${prefix}-images-idx3-ubyte`);
    const labelsFile = joinPath(path, `${prefix}-labels-idx1-ubyte`);
    await files.writeBytes(imagesFile, images);
    await files.writeBytes(labelsFile, labels);
    written.push(imagesFile, labelsFile);
  }
  return { files: written, loss } satisfies WriteResult;
}

export const mnist: DatasetFormat = {
  name: 'mnist',
  description: 'MNIST idx files (train-/t10k-images-idx3-ubyte + labels-idx1-ubyte, raw or .gz): 28×28 grey digits',
  capabilities,
  async detect(files, path) {
    let pairs: IdxPair[];
    try {
      pairs = await idxPairs(files, path);
    } catch {
      return null;
    }
    if (pairs.length === 0) return null;
    const head = await files.readHead(pairs[0].images, 4);
    const gz = head[0] === 0x1f && head[1] === 0x8b;
    const magicOk = head.length === 4 && head[0] === 0 && head[1] === 0 && head[2] === 8 && head[3] === 3;
    if (!gz && !magicOk) return null;
    const names = pairs.map((p) => p.images.slice(p.images.lastIndexOf('/') + 1)).join(', ');
    return { confidence: 0.95, reason: `found ${names} with its labels file (MNIST idx${gz ? ', gzipped' : ''})` };
  },
  read,
  write,
};
