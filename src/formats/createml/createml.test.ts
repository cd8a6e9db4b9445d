import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Dataset } from '../../core/dataset.js';
import { nodeFiles } from '../../io/node-files.js';
import { detectFormat } from '../index.js';
import { assertReadError, fixture, scratch, scratchFile } from '../shared/golden.js';
import { createml } from './index.js';

const FIXTURE = fixture('createml');
const GOLDEN = fixture('createml', '_annotations.createml.json');

test('Create ML x, y are the box centre: (5, 10) of 10×20 is a box at 0, 0', async () => {
  const ds = await createml.read(nodeFiles, FIXTURE);
  assert.deepEqual(ds.annotations.bbox(0), [0, 0, 10, 20]);
  assert.deepEqual(ds.annotations.bbox(1), [33, 20, 15, 8]);
});

test('a detkit box at 0, 0 of 10×20 is written with x=5, y=10', async () => {
  const ds = new Dataset();
  ds.addCategory({ id: 1, name: 'carrot' });
  ds.addImage({ id: 1, file: 'a.png', width: 64, height: 48 });
  ds.annotations.add({ imageId: 1, categoryId: 1, bbox: [0, 0, 10, 20] });
  const out = join(scratch(), 'out.json');
  await createml.write(ds, nodeFiles, out);
  const [entry] = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(entry.annotations[0].coordinates, { x: 5, y: 10, width: 10, height: 20 });
});

test('reads labels in order of appearance, image files, sizes from headers and negatives', async () => {
  const ds = await createml.read(nodeFiles, GOLDEN);
  assert.deepEqual(
    ds.categories.map((c) => [c.id, c.name]),
    [
      [1, 'carrot'],
      [2, 'apple'],
    ],
  );
  assert.deepEqual(
    ds.images.map((im) => [im.id, im.file, im.width, im.height]),
    [
      [1, 'img1.png', 64, 48],
      [2, 'img2.png', 32, 32],
    ],
  );
  assert.deepEqual(Array.from(ds.annotations.categoryIds.subarray(0, 2)), [1, 2]);
  assert.equal(ds.annotations.length, 2);
});

test('read then write gives the golden file byte for byte', async () => {
  const ds = await createml.read(nodeFiles, FIXTURE);
  const out = join(scratch(), 'annotations.json');
  await createml.write(ds, nodeFiles, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(GOLDEN, 'utf8'));
});

test('a folder is written as _annotations.createml.json, with images when asked', async () => {
  const ds = await createml.read(nodeFiles, FIXTURE);
  const out = scratch();
  const { files } = await createml.write(ds, nodeFiles, out, { copyImages: true });
  assert.deepEqual(files.map((f) => f.slice(out.length + 1)).sort(), [
    '_annotations.createml.json',
    'img1.png',
    'img2.png',
  ]);
  const again = await createml.read(nodeFiles, out);
  assert.deepEqual(Array.from(again.annotations.boxes.subarray(0, 8)), Array.from(ds.annotations.boxes.subarray(0, 8)));
});

test('detection names the file and the Create ML shape', async () => {
  const found = await detectFormat(nodeFiles, FIXTURE);
  assert.equal(found.format.name, 'createml');
  assert.match(found.reason, /_annotations\.createml\.json/);
});

test('invalid JSON is reported with its line', async () => {
  const bad = scratchFile('a.json', '[\n  {"image": "a.png",\n   "annotations": [,]}\n]');
  await assertReadError(() => createml.read(nodeFiles, bad), /a\.json:3: invalid JSON/);
});

test('a missing label names the record', async () => {
  const bad = scratchFile('a.json', JSON.stringify([{ image: 'a.png', annotations: [{ coordinates: {} }] }]));
  await assertReadError(() => createml.read(nodeFiles, bad), /a\.json \(\[0\]\.annotations\[0\]\): missing label/);
});

test('a non-numeric coordinate names the field', async () => {
  const coordinates = { x: '5', y: 1, width: 2, height: 3 };
  const bad = scratchFile('a.json', JSON.stringify([{ image: 'a.png', annotations: [{ label: 'a', coordinates }] }]));
  await assertReadError(
    () => createml.read(nodeFiles, bad),
    /\[0\]\.annotations\[0\]\.coordinates\.x.*expected a number, got "5"/,
  );
});

test('an image that cannot be found names the entry listing it', async () => {
  const bad = scratchFile('a.json', JSON.stringify([{ image: 'nowhere.png', annotations: [] }]));
  await assertReadError(() => createml.read(nodeFiles, bad), /a\.json \(\[0\]\.image\): listed image: .*nowhere\.png/);
});

test('a top-level value that is not an array names its line', async () => {
  const bad = scratchFile('a.json', '\n{"image": "a.png"}\n');
  await assertReadError(() => createml.read(nodeFiles, bad), /a\.json:2: expected a JSON array of images, got object/);
});
