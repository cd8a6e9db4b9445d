import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Dataset } from '../../core/dataset.js';
import { nodeFiles } from '../../io/node-files.js';
import { detectFormat } from '../index.js';
import { assertReadError, assertSameFiles, fixture, scratch } from '../shared/golden.js';
import { kitti } from './index.js';

const ROOT = fixture('kitti');
const TRAINING = fixture('kitti', 'training');

/** A KITTI training folder with one frame whose label file holds `lines`. */
function frame(lines: string): string {
  const dir = scratch();
  mkdirSync(join(dir, 'label_2'));
  mkdirSync(join(dir, 'image_2'));
  writeFileSync(join(dir, 'label_2', '000007.txt'), lines);
  copyFileSync(join(TRAINING, 'image_2', '000000.png'), join(dir, 'image_2', '000007.png'));
  return dir;
}

test('left, top, right, bottom are corners: x = left, y = top, w = right − left, h = bottom − top', async () => {
  const ds = await kitti.read(nodeFiles, frame('Car 0.00 0 0.00 10.00 20.00 110.00 70.00 1 1 1 1 1 1 0\n'));
  assert.deepEqual(ds.annotations.bbox(0), [10, 20, 100, 50]);
  const out = scratch();
  await kitti.write(ds, nodeFiles, out);
  assert.match(
    readFileSync(join(out, 'label_2', '000007.txt'), 'utf8'),
    /^Car \S+ \S+ \S+ 10\.00 20\.00 110\.00 70\.00 /,
  );
});

test('reads objects, flags, 3D fields and image sizes from image_2 headers', async () => {
  const ds = await kitti.read(nodeFiles, ROOT);
  assert.deepEqual(
    ds.categories.map((c) => c.name),
    ['Pedestrian', 'Car', 'DontCare'],
  );
  assert.deepEqual(
    ds.images.map((im) => [im.id, im.file, im.width, im.height]),
    [
      [1, '000000.png', 1242, 375],
      [2, '000001.png', 1224, 370],
    ],
  );
  const t = ds.annotations;
  assert.equal(t.length, 3);
  assert.deepEqual(t.get(0), {
    id: 1,
    imageId: 1,
    categoryId: 1,
    bbox: [712.4, 143, 98.33, 164.92],
    attributes: {
      truncation: 0,
      occlusion: 0,
      alpha: -0.2,
      dimensions: [1.89, 0.48, 1.2],
      location: [1.84, 1.47, 8.41],
      rotation_y: 0.01,
    },
  });
  assert.deepEqual(t.attributesOf(1), {
    truncated: true,
    occluded: true,
    truncation: 0.5,
    occlusion: 2,
    alpha: 1.85,
    dimensions: [1.67, 1.87, 3.69],
    location: [-16.53, 2.39, 58.49],
    rotation_y: 1.57,
  });
});

test('DontCare regions are a DontCare category flagged ignore, not crowd', async () => {
  const ds = await kitti.read(nodeFiles, ROOT);
  const row = 2;
  assert.equal(ds.categories.find((c) => c.id === ds.annotations.categoryIds[row])?.name, 'DontCare');
  assert.equal(ds.annotations.attributes.get(row)?.ignore, true);
  assert.equal(ds.annotations.isCrowd(row), false);
  assert.equal(ds.annotations.flag(row, 'truncated'), false);
});

test('KITTI → KITTI writes every label file back byte for byte (DontCare sentinels included)', async () => {
  const ds = await kitti.read(nodeFiles, TRAINING);
  const out = scratch();
  await kitti.write(ds, nodeFiles, out);
  assertSameFiles(join(out, 'label_2'), join(TRAINING, 'label_2'));
});

test('a 16th field is the score', async () => {
  const ds = await kitti.read(nodeFiles, frame('Car 0.00 0 0.00 1.00 2.00 3.00 4.00 1 1 1 1 1 1 0 0.8734\n'));
  assert.equal(ds.annotations.scores[0], 0.8734);
  const out = scratch();
  await kitti.write(ds, nodeFiles, out);
  assert.match(readFileSync(join(out, 'label_2', '000007.txt'), 'utf8'), / 0\.8734\n$/);
});

test('crowd boxes from other formats are written as DontCare and reported', async () => {
  const ds = new Dataset();
  ds.addCategory({ id: 1, name: 'person' });
  ds.addImage({ id: 1, file: 'a.jpg', width: 100, height: 100 });
  ds.annotations.add({ imageId: 1, categoryId: 1, bbox: [1, 2, 3, 4], iscrowd: true });
  ds.annotations.add({ imageId: 1, categoryId: 1, bbox: [5.5, 6, 7, 8.125], attributes: { truncated: true } });
  const out = scratch();
  const { loss } = await kitti.write(ds, nodeFiles, out);
  assert.equal(
    readFileSync(join(out, 'label_2', 'a.txt'), 'utf8'),
    'DontCare 0.00 0 -10 1.00 2.00 4.00 6.00 -1 -1 -1 -1000 -1000 -1000 -10\n' +
      'person 1.00 0 -10 5.50 6.00 12.50 14.125 -1 -1 -1 -1000 -1000 -1000 -10\n',
  );
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [['crowd', 1]],
  );
});

test('detection finds label_2 under training/', async () => {
  const found = await detectFormat(nodeFiles, ROOT);
  assert.equal(found.format.name, 'kitti');
  assert.match(found.reason, /training\/label_2/);
});

test('a wrong field count names the file and line', async () => {
  const dir = frame('Car 0.00 0 0.00 1 2 3 4 1 1 1 1 1 1 0\nCar 0.00 0 0.00 1 2 3\n');
  await assertReadError(() => kitti.read(nodeFiles, dir), /000007\.txt:2: expected 15 fields .* found 7/);
});

test('a non-numeric field names the file, line and field', async () => {
  const dir = frame('Car 0.00 0 0.00 1 top 3 4 1 1 1 1 1 1 0\n');
  await assertReadError(() => kitti.read(nodeFiles, dir), /000007\.txt:1 field "top": not a number: "top"/);
});

test('a label file without its image in image_2 is reported (KITTI has no image size)', async () => {
  const dir = frame('Car 0.00 0 0.00 1 2 3 4 1 1 1 1 1 1 0\n');
  writeFileSync(join(dir, 'label_2', '000008.txt'), '');
  await assertReadError(() => kitti.read(nodeFiles, dir), /000008\.txt: no image 000008\.png in .*image_2/);
});
