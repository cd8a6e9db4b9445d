import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFiles } from '../io/node-files.js';
import { coco } from './coco.js';
import { assertSameTree, FIXTURES, fixtureCopy, tempDir } from './fixtures.test.util.js';
import type { DatasetFormat } from './format.js';
import { LossCounter, lossReport } from './loss.js';
import { openimages } from './openimages.js';
import { countBatchLoss } from './stream.js';
import { yolo } from './yolo.js';

const SET = 'openimages/validation-set';
const HEADER =
  'ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside';

/** What `convert` does when both sides stream. */
async function streamConvert(input: string, target: DatasetFormat, out: string) {
  const stream = await openimages.readStream!(nodeFiles, input);
  const writer = await target.openStreamWriter!(nodeFiles, out, stream);
  for await (const batch of stream.batches) await writer.add(batch);
  return writer.close();
}

test('Open Images → YOLO, streamed: label files from the normalised corners, byte-identical to the golden files', async () => {
  const out = tempDir();
  await streamConvert(join(FIXTURES, SET), yolo, out);
  assertSameTree(out, join(FIXTURES, 'openimages/expected-yolo'));
});

test('Open Images → COCO, streamed: pixel boxes, images and categories closing the JSON, golden file', async () => {
  const out = tempDir();
  await streamConvert(join(FIXTURES, SET), coco, out);
  assertSameTree(out, join(FIXTURES, 'openimages/expected-coco'));
});

test('COCO stream writer: the same dataset as the whole-dataset writer (key order aside)', async () => {
  const out = tempDir();
  await streamConvert(join(FIXTURES, SET), coco, out);
  const whole = tempDir();
  await coco.write(await openimages.read(nodeFiles, join(FIXTURES, SET)), nodeFiles, whole);
  const file = 'annotations/instances_val.json';
  assert.deepEqual(
    JSON.parse(readFileSync(join(out, file), 'utf8')),
    JSON.parse(readFileSync(join(whole, file), 'utf8')),
  );
});

test('YOLO stream writer: the same label files as the whole-dataset writer when sizes are known', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  const whole = tempDir();
  await yolo.write(d, nodeFiles, whole);
  const out = tempDir();
  await streamConvert(join(FIXTURES, SET), yolo, out);
  for (const id of ['0001eeaf4aed83f9', '000595fe6fee6369']) {
    const lines = (dir: string) =>
      readFileSync(join(dir, `labels/val/${id}.txt`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ').map(Number));
    const a = lines(out);
    const b = lines(whole);
    a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-12)));
  }
});

test('Open Images → YOLO, streamed: no sizes needed — normalised values go out as read', async () => {
  const dir = await fixtureCopy(SET);
  rmSync(join(dir, 'image-sizes.csv'));
  const out = tempDir();
  await streamConvert(dir, yolo, out);
  assertSameTree(out, join(FIXTURES, 'openimages/expected-yolo'));
});

test('Open Images → COCO, streamed, without sizes: the image is named and sizes asked for', async () => {
  const dir = await fixtureCopy(SET);
  rmSync(join(dir, 'image-sizes.csv'));
  await assert.rejects(
    streamConvert(dir, coco, tempDir()),
    /0001eeaf4aed83f9\.jpg" has no known size: COCO boxes are in pixels/,
  );
});

test('an ImageID met again later: YOLO appends to its label file, COCO writes the image once', async () => {
  const dir = await fixtureCopy(SET);
  writeFileSync(
    join(dir, 'validation-annotations-bbox.csv'),
    `${HEADER}
0001eeaf4aed83f9,xclick,/m/0199g,1,0.1,0.5,0.25,0.75,0,0,0,0,0
000595fe6fee6369,xclick,/m/0k4j,1,0,1,0,0.5,0,0,0,0,0
0001eeaf4aed83f9,xclick,/m/01g317,1,0.5,0.75,0.125,1,0,0,0,0,0
`,
  );
  const yoloOut = tempDir();
  await streamConvert(dir, yolo, yoloOut);
  assert.equal(
    readFileSync(join(yoloOut, 'labels/val/0001eeaf4aed83f9.txt'), 'utf8'),
    '1 0.3 0.5 0.4 0.5\n0 0.625 0.5625 0.25 0.875\n',
  );
  const cocoOut = tempDir();
  await streamConvert(dir, coco, cocoOut);
  const json = JSON.parse(readFileSync(join(cocoOut, 'annotations/instances_val.json'), 'utf8'));
  assert.deepEqual(
    json.images.map((im: { id: number }) => im.id),
    [1, 2, 3],
  );
  assert.deepEqual(
    json.annotations.map((a: { image_id: number }) => a.image_id),
    [1, 2, 1],
  );
});

test('Open Images stream: a CSV of many 1 MB blocks gives every image whole, in one batch, rows in file order', async () => {
  const dir = await fixtureCopy(SET);
  const lines = [HEADER];
  const perImage = (i: number) => 1 + (i % 7);
  for (let i = 0; i < 6000; i++) {
    const id = i.toString(16).padStart(16, '0');
    for (let b = 0; b < perImage(i); b++) {
      lines.push(`${id},xclick,/m/0199g,1,0.${b + 1},0.9,0.25,0.75,0,0,0,0,0`);
    }
  }
  writeFileSync(join(dir, 'validation-annotations-bbox.csv'), `${lines.join('\n')}\n`);
  rmSync(join(dir, 'image-sizes.csv'));
  const stream = await openimages.readStream!(nodeFiles, dir);
  let batches = 0;
  let rows = 0;
  const seen = new Set<number>();
  for await (const batch of stream.batches) {
    batches++;
    batch.images.forEach((im, k) => {
      assert.ok(!seen.has(im.id), `image ${im.id} split across batches`);
      seen.add(im.id);
      const n = batch.offsets[k + 1] - batch.offsets[k];
      if (im.id <= 6000) assert.equal(n, perImage(im.id - 1));
      for (let r = 0; r < n; r++) {
        assert.equal(batch.annotations.ids[batch.offsets[k] + r], ++rows);
        assert.equal(batch.corners?.[(batch.offsets[k] + r) * 4], (r + 1) / 10);
      }
    });
  }
  assert.ok(batches > 2, `${batches} batches`);
  assert.equal(seen.size, 6002); // and the two labelled images without boxes
});

test('Loss counted over a stream equals lossReport over the whole dataset', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  for (const target of [yolo, coco]) {
    const counter = new LossCounter(target.capabilities);
    const stream = await openimages.readStream!(nodeFiles, join(FIXTURES, SET));
    counter.categories(stream.categories);
    const seen = new Set<number>();
    for await (const batch of stream.batches) countBatchLoss(counter, batch, seen);
    assert.deepEqual(counter.report(), lossReport(d, target.capabilities));
    // YOLO cannot hold the image labels; COCO holds everything Open Images has.
    assert.equal(counter.report().length > 0, target === yolo);
  }
});
