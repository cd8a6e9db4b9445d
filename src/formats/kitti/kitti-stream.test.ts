import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Dataset } from '../../core/dataset.js';
import { nodeFiles } from '../../io/node-files.js';
import type { DatasetStream, ImageBatch } from '../format.js';
import { assertReadError, assertSameFiles, fixture, scratch } from '../shared/golden.js';
import { collectStream, datasetBatches } from '../stream.js';
import { kitti } from './index.js';

const TRAINING = fixture('kitti', 'training');

/** Every row as an object, for comparing two reads. */
function rows(ds: Dataset) {
  return Array.from({ length: ds.annotations.length }, (_, r) => ds.annotations.get(r));
}

/** A KITTI folder of `frames` label files (name → text), each with the fixture's first image. */
function set(frames: Record<string, string>): string {
  const dir = scratch();
  mkdirSync(join(dir, 'label_2'));
  mkdirSync(join(dir, 'image_2'));
  for (const [name, text] of Object.entries(frames)) {
    writeFileSync(join(dir, 'label_2', `${name}.txt`), text);
    copyFileSync(join(TRAINING, 'image_2', '000000.png'), join(dir, 'image_2', `${name}.png`));
  }
  return dir;
}

async function streamWrite(stream: Pick<DatasetStream, 'categories' | 'info'>, batches: AsyncIterable<ImageBatch>) {
  const out = scratch();
  const writer = await kitti.openStreamWriter!(nodeFiles, out, stream);
  for await (const batch of batches) await writer.add(batch);
  return { out, result: await writer.close() };
}

test('stream read, one frame a batch, gives the dataset read gives (ids, sizes, rows, categories)', async () => {
  const whole = await kitti.read(nodeFiles, TRAINING);
  const streamed = await collectStream(await kitti.readStream!(nodeFiles, TRAINING, { batchFrames: 1 }), '');
  assert.deepEqual(streamed.categories, whole.categories);
  assert.deepEqual(streamed.images, whole.images);
  assert.deepEqual(rows(streamed), rows(whole));
  assert.deepEqual(streamed.info, whole.info);
});

test('stream categories are known before the first batch, in order of first appearance', async () => {
  const dir = set({
    a: 'Van 0 0 0 1 2 3 4 1 1 1 1 1 1 0\n',
    b: 'Car 0 0 0 1 2 3 4 1 1 1 1 1 1 0\nVan 0 0 0 1 2 3 4 1 1 1 1 1 1 0\nTram 0 0 0 1 2 3 4 1 1 1 1 1 1 0\n',
  });
  const stream = await kitti.readStream!(nodeFiles, dir, { batchFrames: 1 });
  assert.deepEqual(
    stream.categories.map((c) => [c.id, c.name]),
    [
      [1, 'Van'],
      [2, 'Car'],
      [3, 'Tram'],
    ],
  );
  assert.deepEqual(stream.categories, (await kitti.read(nodeFiles, dir)).categories);
});

test('KITTI → KITTI streamed writes every label file back byte for byte', async () => {
  const stream = await kitti.readStream!(nodeFiles, TRAINING, { batchFrames: 1 });
  const { out } = await streamWrite(stream, stream.batches);
  assertSameFiles(join(out, 'label_2'), join(TRAINING, 'label_2'));
});

test('stream write gives the files and loss the whole write gives (crowd → DontCare, spaces → _)', async () => {
  const ds = new Dataset();
  ds.addCategory({ id: 1, name: 'traffic light' });
  ds.addCategory({ id: 2, name: 'car' });
  for (let id = 1; id <= 5; id++) ds.addImage({ id, file: `f${id}.jpg`, width: 100, height: 80 });
  ds.annotations.add({ imageId: 1, categoryId: 1, bbox: [1, 2, 3, 4], iscrowd: true });
  ds.annotations.add({ imageId: 2, categoryId: 1, bbox: [5.5, 6, 7, 8.125], score: 0.25 });
  ds.annotations.add({ imageId: 4, categoryId: 2, bbox: [0, 0, 100, 80], attributes: { occluded: true } });
  ds.annotations.add({ imageId: 2, categoryId: 2, bbox: [10, 10, 1, 1] });
  const whole = scratch();
  const wholeResult = await kitti.write(ds, nodeFiles, whole);
  const { out, result } = await streamWrite(ds, datasetBatches(ds));
  assertSameFiles(out, whole);
  assert.deepEqual(result.loss, wholeResult.loss);
  assert.deepEqual(
    result.files.map((f) => f.slice(out.length)),
    wholeResult.files.map((f) => f.slice(whole.length)),
  );
});

test('stream write: an image met again in a later batch has its lines appended to its frame', async () => {
  const ds = await kitti.read(nodeFiles, TRAINING);
  // 000000 holds all three rows (000001 is a negative): two rows, then one.
  const first = ds.annotations.select([0, 1]);
  const second = ds.annotations.select([2]);
  const image = ds.images[0];
  async function* batches(): AsyncIterable<ImageBatch> {
    yield { images: [image], offsets: [0, 2], annotations: first };
    yield { images: [image], offsets: [0, 1], annotations: second };
  }
  const { out } = await streamWrite(ds, batches());
  assert.equal(
    readFileSync(join(out, 'label_2', '000000.txt'), 'utf8'),
    readFileSync(join(TRAINING, 'label_2', '000000.txt'), 'utf8'),
  );
});

test('stream write: two images on one frame name are refused, naming the image', async () => {
  const ds = new Dataset();
  ds.addCategory({ id: 1, name: 'car' });
  ds.addImage({ id: 1, file: 'a/0001.png', width: 10, height: 10 });
  ds.addImage({ id: 2, file: 'b/0001.png', width: 10, height: 10 });
  await assertReadError(
    () => streamWrite(ds, datasetBatches(ds)),
    /b\/0001\.png: two images share the KITTI frame name "0001"/,
  );
});

test('stream read: a bad line names the file and line, as read does', async () => {
  const dir = set({ '000007': 'Car 0 0 0 1 2 3 4 1 1 1 1 1 1 0\nCar 0 0 0 1 2 3\n' });
  const stream = await kitti.readStream!(nodeFiles, dir);
  await assertReadError(() => collectStream(stream, ''), /000007\.txt:2: expected 15 fields .* found 7/);
});

test('stream read: a label file without its image is reported, naming it', async () => {
  const dir = set({ '000007': '' });
  writeFileSync(join(dir, 'label_2', '000008.txt'), '');
  const stream = await kitti.readStream!(nodeFiles, dir);
  await assertReadError(() => collectStream(stream, ''), /000008\.txt: no image 000008\.png in .*image_2/);
});
