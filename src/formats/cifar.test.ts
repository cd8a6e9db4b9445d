import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { nodeFiles } from '../io/node-files.js';
import { cifar10 } from './cifar.js';
import { detectFormat } from './registry.js';
import './index.js';
import { tempDir } from '../io/temp-dirs.test.util.js';

const tmp = () => tempDir('detkit-cifar-');
const RECORD = 3073;

/** Channel value of pixel p (= y·32 + x) of record k: R, G and B planes all differ. */
const value = (k: number, channel: number, p: number) => [p & 255, 255 - (p & 255), (k * 100 + p) & 255][channel];

/** A batch built from the spec: per record one label byte, then the R, G and B planes. */
function batch(labels: number[], first = 0): Uint8Array {
  const out = new Uint8Array(labels.length * RECORD);
  labels.forEach((label, k) => {
    out[k * RECORD] = label;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++) out[k * RECORD + 1 + c * 1024 + p] = value(first + k, c, p);
  });
  return out;
}

const NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The published layout: a `cifar-10-batches-bin/` folder inside the download folder. */
function cifarDownload(train = batch([3, 9]), test = batch([0], 2)): { root: string; bin: string } {
  const root = tmp();
  const bin = join(root, 'cifar-10-batches-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'data_batch_1.bin'), train);
  writeFileSync(join(bin, 'test_batch.bin'), test);
  writeFileSync(join(bin, 'batches.meta.txt'), `${NAMES.join('\n')}\n\n`);
  return { root, bin };
}

test('batches read as labelled 32×32 images, class names from batches.meta.txt', async () => {
  const ds = await cifar10.read(nodeFiles, cifarDownload().root);
  assert.equal(ds.info.task, 'classification');
  assert.deepEqual(
    ds.categories.map((c) => c.name),
    NAMES,
  );
  assert.deepEqual(
    ds.images.map((im) => [im.file, im.split, im.labels, im.width, im.height]),
    [
      ['train/00000.png', 'train', [3], 32, 32],
      ['train/00001.png', 'train', [9], 32, 32],
      ['test/00000.png', 'test', [0], 32, 32],
    ],
  );
});

test('embedded images are RGB PNGs of the planes interleaved', async () => {
  const ds = await cifar10.read(nodeFiles, cifarDownload().bin);
  const png = ds.info.embeddedImages?.get(ds.images[1].id) as Uint8Array;
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [32, 32, 3]);
  for (const [x, y] of [
    [0, 0],
    [5, 3],
    [31, 31],
  ]) {
    const p = y * 32 + x;
    assert.deepEqual([...data.subarray(p * 3, p * 3 + 3)], [value(1, 0, p), value(1, 1, p), value(1, 2, p)]);
  }
});

test('detection finds the batches folder inside the download folder', async () => {
  const found = await detectFormat(nodeFiles, cifarDownload().root);
  assert.equal(found.format.name, 'cifar10');
  assert.match(found.reason, /data_batch_1\.bin, test_batch\.bin/);
});

test('a batch that is not whole records names the record it ends in', async () => {
  const { bin } = cifarDownload(batch([3, 9]).subarray(0, RECORD + 10));
  await assert.rejects(cifar10.read(nodeFiles, bin), (e: Error) => {
    assert.match(e.message, /data_batch_1\.bin \(record 1\): truncated/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
});

test('a label byte beyond the classes names its record', async () => {
  const { bin } = cifarDownload(batch([3, 10]));
  await assert.rejects(cifar10.read(nodeFiles, bin), /data_batch_1\.bin \(record 1\): label 10 is out of range/);
});

test('a label beyond a short batches.meta.txt names the meta file too (it may be the mistake)', async () => {
  const { bin } = cifarDownload(batch([3, 9]));
  writeFileSync(join(bin, 'batches.meta.txt'), `${NAMES.slice(0, 8).join('\n')}\n`);
  await assert.rejects(
    cifar10.read(nodeFiles, bin),
    /data_batch_1\.bin \(record 1\): label 9 is out of range \(8 classes in .*batches\.meta\.txt, 0\.\.7\)/,
  );
});

test('writing CIFAR-10 gives back the batches byte for byte', async () => {
  const { bin } = cifarDownload();
  const out = join(tmp(), 'out');
  await cifar10.write(await cifar10.read(nodeFiles, bin), nodeFiles, out);
  assert.deepEqual(readdirSync(out), ['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin']);
  for (const name of ['data_batch_1.bin', 'test_batch.bin']) {
    assert.deepEqual(readFileSync(join(out, name)), readFileSync(join(bin, name)), name);
  }
  assert.equal(readFileSync(join(out, 'batches.meta.txt'), 'utf8'), `${NAMES.join('\n')}\n`);
});
