import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Dataset } from '../core/dataset.js';
import { nodeFiles } from '../io/node-files.js';
import { imagefolder } from './imagefolder.js';
import { lossReport } from './loss.js';
import { detectFormats } from './registry.js';
import './index.js';
import { tempDir } from '../io/temp-dirs.test.util.js';

const tmp = () => tempDir('detkit-imagefolder-');

async function image(path: string, width: number, height: number, kind: 'png' | 'jpeg' = 'png') {
  mkdirSync(join(path, '..'), { recursive: true });
  const img = sharp({ create: { width, height, channels: 3, background: '#808080' } });
  writeFileSync(path, await (kind === 'png' ? img.png() : img.jpeg()).toBuffer());
}

test('class ids follow sorted class names (code-point order, as torchvision)', async () => {
  const root = tmp();
  await image(join(root, 'dog', 'a.png'), 10, 20);
  await image(join(root, 'cat', 'b.jpg'), 30, 40, 'jpeg');
  await image(join(root, 'Zebra', 'nested', 'c.png'), 5, 6);
  writeFileSync(join(root, 'cat', 'notes.txt'), 'not an image');
  const ds = await imagefolder.read(nodeFiles, root);
  assert.deepEqual(
    ds.categories.map((c) => [c.id, c.name]),
    [
      [0, 'Zebra'],
      [1, 'cat'],
      [2, 'dog'],
    ],
  );
  assert.deepEqual(
    ds.images.map((im) => [im.file, im.labels, im.width, im.height, im.split]),
    [
      ['Zebra/nested/c.png', [0], 5, 6, undefined],
      ['cat/b.jpg', [1], 30, 40, undefined],
      ['dog/a.png', [2], 10, 20, undefined],
    ],
  );
  assert.equal(ds.info.task, 'classification');
});

test('numbered split folders (train2017, val2017) are splits too', async () => {
  const root = tmp();
  await image(join(root, 'train2017', 'a', '1.png'), 4, 4);
  await image(join(root, 'val2017', 'a', '2.png'), 4, 4);
  const ds = await imagefolder.read(nodeFiles, root);
  assert.deepEqual(
    ds.images.map((im) => [im.split, im.labels]),
    [
      ['train2017', [0]],
      ['val2017', [0]],
    ],
  );
});

test('train/val split folders at the top are splits, with one class numbering across them', async () => {
  const root = tmp();
  await image(join(root, 'train', 'b', '1.png'), 4, 4);
  await image(join(root, 'val', 'a', '2.png'), 4, 4);
  await image(join(root, 'val', 'b', '3.png'), 4, 4);
  const ds = await imagefolder.read(nodeFiles, root);
  assert.deepEqual(
    ds.categories.map((c) => c.name),
    ['a', 'b'],
  );
  assert.deepEqual(
    ds.images.map((im) => [im.split, im.labels]),
    [
      ['train', [1]],
      ['val', [0]],
      ['val', [1]],
    ],
  );
  const [hit] = await detectFormats(nodeFiles, root);
  assert.equal(hit.format.name, 'imagefolder');
  assert.match(hit.reason, /2 class folders holding images in split folders train, val/);
});

test('a folder with annotation files beside its folders is not taken for class folders', async () => {
  const root = tmp();
  await image(join(root, 'images', 'a.png'), 4, 4);
  writeFileSync(join(root, 'data.json'), '{}');
  assert.equal(await imagefolder.detect(nodeFiles, root), null);
});

test('writing puts each image in its label folder; unlabelled and extra labels are reported', async () => {
  const src = tmp();
  copyFileSync('test-data/photos/chelsea.png', join(src, 'cat.png'));
  copyFileSync('test-data/photos/rocket.jpg', join(src, 'rocket.jpg'));
  const ds = new Dataset(0);
  ds.info.imageRoot = src;
  ds.categories = [
    { id: 5, name: 'animal' },
    { id: 9, name: 'vehicle/space' },
  ];
  ds.images = [
    { id: 1, file: 'cat.png', width: 451, height: 300, labels: [5, 9] },
    { id: 2, file: 'rocket.jpg', width: 1, height: 1 },
  ];
  const out = join(tmp(), 'out');
  const result = await imagefolder.write(ds, nodeFiles, out);
  assert.deepEqual(readdirSync(out).sort(), ['animal', 'vehicle_space']);
  assert.ok(existsSync(join(out, 'animal', 'cat.png')));
  assert.deepEqual(
    result.loss?.map((l) => [l.what, l.count]),
    [
      ['unlabelled', 1],
      ['multi-label', 1],
    ],
  );
});

test('boxes are a loss when a detection dataset goes to class folders', () => {
  const ds = new Dataset(0);
  ds.images = [{ id: 1, file: 'a.png', width: 10, height: 10, labels: [1] }];
  ds.annotations.addBox(1, 1, 0, 0, 5, 5);
  ds.annotations.addBox(1, 1, 1, 1, 5, 5);
  const loss = lossReport(ds, imagefolder.capabilities);
  assert.deepEqual(
    loss.map((l) => [l.what, l.count]),
    [['boxes', 2]],
  );
});

test('empty class folders do not stop detection, label files beside images do', async () => {
  const root = tmp();
  mkdirSync(join(root, 'train', 'a'), { recursive: true });
  await image(join(root, 'train', 'b', '1.png'), 4, 4);
  assert.equal((await imagefolder.detect(nodeFiles, root))?.confidence, 0.6);
  writeFileSync(join(root, 'train', 'b', '1.txt'), '0 0.5 0.5 1 1');
  assert.equal(await imagefolder.detect(nodeFiles, root), null);
});
