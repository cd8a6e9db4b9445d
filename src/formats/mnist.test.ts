import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'fflate';
import sharp from 'sharp';
import { Dataset } from '../core/dataset.js';
import { nodeFiles } from '../io/node-files.js';
import { coco } from './coco.js';
import { imagefolder } from './imagefolder.js';
import { lossReport } from './loss.js';
import { mnist } from './mnist.js';
import { detectFormat } from './registry.js';
import './index.js';
import { tempDir } from '../io/temp-dirs.test.util.js';

const tmp = () => tempDir('detkit-mnist-');

/** Pixel (x, y) of image k in the fixtures: distinct per image and position. */
const pixel = (k: number, x: number, y: number) => (k * 50 + y * 28 + x) & 255;

/** An idx file built from the spec: magic 00 00 08 <ndims>, big-endian uint32 dims, bytes. */
function idx(dims: number[], body: (i: number) => number): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 + dims.length);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  for (let i = 0; i < size; i++) out[4 + 4 * dims.length + i] = body(i);
  return out;
}

const images = (n: number) => idx([n, 28, 28], (i) => pixel(Math.floor(i / 784), i % 28, Math.floor((i % 784) / 28)));
const labels = (values: number[]) => idx([values.length], (i) => values[i]);

function mnistDir(options: { gz?: boolean; train?: Uint8Array; trainLabels?: Uint8Array } = {}): string {
  const dir = tmp();
  const gz = options.gz ?? true;
  const put = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  put('train-images-idx3-ubyte', options.train ?? images(3));
  put('train-labels-idx1-ubyte', options.trainLabels ?? labels([7, 0, 9]));
  put('t10k-images-idx3-ubyte', images(1));
  put('t10k-labels-idx1-ubyte', labels([4]));
  return dir;
}

async function decoded(png: Uint8Array) {
  // sharp widens grey to RGB unless asked to stay in its b-w colour space.
  const grey = (await sharp(png).metadata()).channels === 1;
  const image = grey ? sharp(png).toColourspace('b-w') : sharp(png);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

test('gzipped idx files read as labelled 28×28 images in train and test splits', async () => {
  const ds = await mnist.read(nodeFiles, mnistDir());
  assert.equal(ds.info.task, 'classification');
  assert.deepEqual(
    ds.categories.map((c) => [c.id, c.name]),
    Array.from({ length: 10 }, (_, d) => [d, String(d)]),
  );
  assert.deepEqual(
    ds.images.map((im) => [im.file, im.split, im.labels, im.width, im.height]),
    [
      ['train/00000.png', 'train', [7], 28, 28],
      ['train/00001.png', 'train', [0], 28, 28],
      ['train/00002.png', 'train', [9], 28, 28],
      ['test/00000.png', 'test', [4], 28, 28],
    ],
  );
  assert.equal(ds.annotations.length, 0);
});

test('embedded images decode to the idx pixels (greyscale PNG)', async () => {
  const ds = await mnist.read(nodeFiles, mnistDir({ gz: false }));
  const png = ds.info.embeddedImages?.get(ds.images[2].id) as Uint8Array;
  const { data, width, height, channels } = await decoded(png);
  assert.deepEqual([width, height, channels], [28, 28, 1]);
  assert.equal(data[0], pixel(2, 0, 0));
  assert.equal(data[5 * 28 + 3], pixel(2, 3, 5));
  assert.equal(data[27 * 28 + 27], pixel(2, 27, 27));
});

test('detection names the idx files and their reason', async () => {
  const found = await detectFormat(nodeFiles, mnistDir());
  assert.equal(found.format.name, 'mnist');
  assert.match(found.reason, /train-images-idx3-ubyte\.gz/);
});

test('an images file alone reads as its split with its labels file', async () => {
  const ds = await mnist.read(nodeFiles, join(mnistDir(), 't10k-images-idx3-ubyte.gz'));
  assert.deepEqual(
    ds.images.map((im) => [im.split, im.labels]),
    [['test', [4]]],
  );
});

test('a wrong magic number is a one-line error naming the file', async () => {
  const dir = mnistDir({ gz: false, train: labels([1, 2, 3]) });
  await assert.rejects(mnist.read(nodeFiles, dir), (e: Error) => {
    assert.match(e.message, /train-images-idx3-ubyte: magic number 0x00000801 .*0x00000803 expected/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
});

test('a truncated image file names the record it ends in', async () => {
  const dir = mnistDir({ train: images(3).subarray(0, 16 + 784 * 2 + 100) });
  await assert.rejects(mnist.read(nodeFiles, dir), /train-images-idx3-ubyte\.gz \(record 2\): truncated/);
});

test('label and image counts must agree', async () => {
  const dir = mnistDir({ trainLabels: labels([1, 2]) });
  await assert.rejects(mnist.read(nodeFiles, dir), /train-labels-idx1-ubyte\.gz: 2 labels for the 3 images/);
});

test('a label byte above 9 names its file and record', async () => {
  const dir = mnistDir({ trainLabels: labels([1, 10, 2]) });
  await assert.rejects(mnist.read(nodeFiles, dir), /train-labels-idx1-ubyte\.gz \(record 1\): label 10 is not a digit/);
});

test('writing MNIST gives back the idx files byte for byte', async () => {
  const src = mnistDir({ gz: false });
  const out = join(tmp(), 'out');
  await mnist.write(await mnist.read(nodeFiles, src), nodeFiles, out);
  for (const name of readdirSync(src))
    assert.deepEqual(readFileSync(join(out, name)), readFileSync(join(src, name)), name);
});

test('MNIST → imagefolder → MNIST round-trips through PNG files', async () => {
  const src = mnistDir({ gz: false });
  const folder = join(tmp(), 'folders');
  await imagefolder.write(await mnist.read(nodeFiles, src), nodeFiles, folder);
  assert.deepEqual(readdirSync(join(folder, 'train', '7')), ['00000.png']);
  assert.equal(readdirSync(join(folder, 'train')).length, 10, 'every class has its folder');
  const back = await imagefolder.read(nodeFiles, folder);
  assert.deepEqual(
    back.images.map((im) => [im.file, im.labels, im.width]),
    [
      ['test/4/00000.png', [4], 28],
      ['train/0/00001.png', [0], 28],
      ['train/7/00000.png', [7], 28],
      ['train/9/00002.png', [9], 28],
    ],
  );
  const out = join(tmp(), 'again');
  await mnist.write(back, nodeFiles, out);
  assert.deepEqual(
    readFileSync(join(out, 't10k-images-idx3-ubyte')),
    readFileSync(join(src, 't10k-images-idx3-ubyte')),
  );
  // Class folders order images by class, so train records come back grouped: 0, 7, 9.
  assert.deepEqual([...readFileSync(join(out, 'train-labels-idx1-ubyte')).subarray(8)], [0, 7, 9]);
});

test('MNIST → COCO writes image labels and the PNG images', async () => {
  const out = join(tmp(), 'coco');
  await coco.write(await mnist.read(nodeFiles, mnistDir()), nodeFiles, out);
  const json = JSON.parse(readFileSync(join(out, 'annotations', 'instances_train.json'), 'utf8'));
  assert.deepEqual(json.images[0], { id: 1, file_name: 'train/00000.png', width: 28, height: 28, labels: [7] });
  const png = readFileSync(join(out, 'images', 'train', '00001.png'));
  assert.equal((await decoded(png)).data[0], pixel(1, 0, 0));
  const back = await coco.read(nodeFiles, out);
  assert.equal(back.info.task, 'classification');
  assert.deepEqual(
    back.images.map((im) => im.labels),
    [[4], [7], [0], [9]],
  );
});

test('images that are not 28×28 grey are reported, and none fitting is an error', async () => {
  const ds = await mnist.read(nodeFiles, mnistDir());
  const odd = new Dataset(0);
  odd.categories = ds.categories;
  odd.info.embeddedImages = new Map([
    [
      1,
      new Uint8Array(
        await sharp({ create: { width: 5, height: 5, channels: 3, background: '#f00' } })
          .png()
          .toBuffer(),
      ),
    ],
  ]);
  odd.images = [{ id: 1, file: 'red.png', width: 5, height: 5, labels: [3] }];
  await assert.rejects(mnist.write(odd, nodeFiles, join(tmp(), 'x')), /none fits: e\.g\. red\.png \(5×5\)/);
});

test('a detection dataset loses its boxes into MNIST (loss report)', () => {
  const ds = new Dataset(0);
  ds.images = [{ id: 1, file: 'a.png', width: 28, height: 28 }];
  ds.annotations.addBox(1, 0, 1, 1, 5, 5);
  assert.deepEqual(
    lossReport(ds, mnist.capabilities).map((l) => [l.what, l.count]),
    [['boxes', 1]],
  );
});
