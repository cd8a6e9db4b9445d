import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { Dataset } from '../core/dataset.js';
import { nodeFiles } from '../io/node-files.js';
import { assertSameTree, FIXTURES, fixtureCopy, tempDir } from './fixtures.test.util.js';
import { lossReport } from './loss.js';
import { yolo } from './yolo.js';
import { formatDataYaml } from './yolo-yaml.js';

/** The dataset the golden files in fixtures/yolo/write were written by hand for. */
function detectSample(): Dataset {
  const d = new Dataset();
  d.categories = [
    { id: 1, name: 'person' },
    { id: 3, name: 'traffic light' },
    { id: 90, name: 'yes' },
  ];
  d.images = [
    { id: 1, file: 'photos/a.jpg', width: 640, height: 480, split: 'train' },
    { id: 2, file: 'neg.png', width: 100, height: 50, split: 'train' },
    { id: 3, file: 'c.jpg', width: 33, height: 17, split: 'val' },
  ];
  d.annotations.add({ imageId: 1, categoryId: 1, bbox: [10, 20, 30, 40] });
  d.annotations.add({ imageId: 1, categoryId: 90, bbox: [0, 0, 640, 480], iscrowd: true });
  d.annotations.add({ imageId: 3, categoryId: 3, bbox: [1, 2, 3, 4] });
  return d;
}

test('YOLO write: data.yaml + labels/<split>/, a label file for every image, byte-identical to the golden files', async () => {
  const out = tempDir();
  const result = await yolo.write(detectSample(), nodeFiles, out);
  assertSameTree(out, join(FIXTURES, 'yolo/write'));
  assert.deepEqual(result.files, ['data.yaml', 'labels/train/a.txt', 'labels/train/neg.txt', 'labels/val/c.txt']);
});

test('YOLO write: ids other than 0..N-1 become classes in id order, and the loss is reported', async () => {
  const { loss } = await yolo.write(detectSample(), nodeFiles, tempDir());
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [['category-ids', 3]],
  );
});

test('YOLO write: categories with ids 0..N-1 keep them as class indices', async () => {
  const d = detectSample();
  d.categories = [
    { id: 2, name: 'yes' },
    { id: 0, name: 'person' },
    { id: 1, name: 'traffic light' },
  ];
  for (let r = 0; r < d.annotations.length; r++) {
    d.annotations.categoryIds[r] = { 1: 0, 3: 1, 90: 2 }[d.annotations.categoryIds[r]]!;
  }
  const out = tempDir();
  const { loss } = await yolo.write(d, nodeFiles, out);
  assert.deepEqual(loss, []);
  assertSameTree(out, join(FIXTURES, 'yolo/write'));
});

test('YOLO write: the segment task writes polygons, and box outlines for boxes without one', async () => {
  const d = new Dataset();
  d.info.task = 'segmentation';
  d.categories = [{ id: 0, name: 'a' }];
  d.images = [{ id: 1, file: 'p.png', width: 200, height: 100 }];
  d.annotations.add({
    imageId: 1,
    categoryId: 0,
    bbox: [20, 20, 80, 40],
    segmentation: [[20, 20, 100, 20, 100, 60, 20, 60]],
  });
  d.annotations.add({ imageId: 1, categoryId: 0, bbox: [100, 50, 50, 50] });
  const out = tempDir();
  await yolo.write(d, nodeFiles, out);
  assertSameTree(out, join(FIXTURES, 'yolo/write-segment'));
});

test('YOLO write: the detect task reports the polygons it drops', async () => {
  const d = new Dataset();
  d.categories = [{ id: 0, name: 'a' }];
  d.images = [{ id: 1, file: 'p.png', width: 200, height: 100 }];
  d.annotations.add({ imageId: 1, categoryId: 0, bbox: [20, 20, 80, 40], segmentation: [[20, 20, 100, 20, 100, 60]] });
  d.annotations.add({
    imageId: 1,
    categoryId: 0,
    bbox: [0, 0, 2, 2],
    segmentation: { size: [100, 200], counts: [0, 4] },
  });
  const { loss } = await yolo.write(d, nodeFiles, tempDir());
  // The RLE mask is reported by the generic capability check (lossReport), not twice.
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [['polygons', 1]],
  );
  assert.deepEqual(
    lossReport(d, yolo.capabilities).map((l) => [l.what, l.count]),
    [['rle', 1]],
  );
});

test('YOLO write → read keeps random float boxes on odd image sizes within 1e-9 px, and ids via categories/images', async () => {
  const sizes: [number, number][] = [
    [641, 479],
    [33, 17],
    [1, 1],
    [999, 7],
    [4097, 3001],
  ];
  const file = (k: number) => `img${k}.${k % 2 ? 'png' : 'jpg'}`;
  const src = await fixtureCopy(null, {
    ...Object.fromEntries(sizes.map((size, k) => [file(k), size])),
    'negative.jpg': [5, 5],
  });
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const d = new Dataset();
  d.categories = [
    { id: 1, name: 'person' },
    { id: 44, name: 'bottle' },
    { id: 90, name: 'toothbrush' },
  ];
  sizes.forEach(([width, height], k) => {
    d.images.push({ id: k + 1, file: file(k), width, height, split: k < 3 ? 'train' : 'val' });
  });
  d.images.push({ id: 6, file: 'negative.jpg', width: 5, height: 5, split: 'val' });
  for (let i = 0; i < 500; i++) {
    const k = i % sizes.length;
    const [W, H] = sizes[k];
    const x = random() * W;
    const y = random() * H;
    d.annotations.add({
      imageId: k + 1,
      categoryId: d.categories[i % 3].id,
      bbox: [x, y, random() * (W - x), random() * (H - y)],
    });
  }
  const out = tempDir();
  await yolo.write(d, nodeFiles, out, { copyImages: true, imageRoot: src });
  const back = await yolo.read(nodeFiles, out, { categories: d.categories, images: d.images });
  assert.deepEqual(back.categories, d.categories);
  const byFile = new Map(back.images.map((im) => [im.file.split('/').pop(), im]));
  for (const im of d.images) {
    const got = byFile.get(im.file)!;
    assert.deepEqual([got.id, got.width, got.height, got.split], [im.id, im.width, im.height, im.split]);
  }
  // Rows come back grouped by image (in the order read), within an image in the order written.
  const position = new Map(back.images.map((im, k) => [im.file.split('/').pop()!, k]));
  const rank = (row: number) => position.get(d.images[d.annotations.imageIds[row] - 1].file)!;
  const sourceRows = [...Array(d.annotations.length).keys()].sort((a, b) => rank(a) - rank(b) || a - b);
  assert.equal(back.annotations.length, d.annotations.length);
  let worst = 0;
  sourceRows.forEach((row, i) => {
    assert.equal(back.annotations.imageIds[i], d.annotations.imageIds[row]);
    assert.equal(back.annotations.categoryIds[i], d.annotations.categoryIds[row]);
    for (let c = 0; c < 4; c++) {
      worst = Math.max(worst, Math.abs(back.annotations.boxes[i * 4 + c] - d.annotations.boxes[row * 4 + c]));
    }
  });
  assert.ok(worst < 1e-9, `worst box error ${worst} px`);
});

test('YOLO → YOLO keeps names, files, sizes, splits, boxes and negatives', async () => {
  const dir = await fixtureCopy('yolo/detect', {
    'images/train/a.jpg': [640, 480],
    'images/train/b.png': [100, 50],
    'images/val/c.jpg': [33, 17],
    'images/val/d.jpg': [10, 20],
  });
  const first = await yolo.read(nodeFiles, dir);
  const out = tempDir();
  await yolo.write(first, nodeFiles, out, { copyImages: true });
  const back = await yolo.read(nodeFiles, out);
  assert.deepEqual(back.categories, first.categories);
  assert.deepEqual(back.images, first.images);
  assert.equal(back.annotations.length, first.annotations.length);
  for (let i = 0; i < first.annotations.length * 4; i++) {
    assert.ok(Math.abs(back.annotations.boxes[i] - first.annotations.boxes[i]) < 1e-9);
  }
  assert.deepEqual([...back.annotations.categoryIds], [...first.annotations.categoryIds]);
});

test('YOLO write without splits: flat images/ and labels/, read back without splits', async () => {
  const src = await fixtureCopy(null, { 'a.jpg': [20, 10], 'b.jpg': [20, 10] });
  const d = new Dataset();
  d.categories = [{ id: 0, name: 'a' }];
  d.images = [
    { id: 1, file: 'a.jpg', width: 20, height: 10 },
    { id: 2, file: 'b.jpg', width: 20, height: 10 },
  ];
  d.annotations.add({ imageId: 1, categoryId: 0, bbox: [1, 2, 3, 4] });
  const out = tempDir();
  const { files } = await yolo.write(d, nodeFiles, out, { copyImages: true, imageRoot: src });
  assert.deepEqual(files, ['data.yaml', 'labels/a.txt', 'labels/b.txt', 'images/a.jpg', 'images/b.jpg']);
  const back = await yolo.read(nodeFiles, out);
  assert.deepEqual(back.images, [
    { id: 1, file: 'images/a.jpg', width: 20, height: 10 },
    { id: 2, file: 'images/b.jpg', width: 20, height: 10 },
  ]);
  assert.equal(back.annotations.length, 1);
});

test('YOLO write: two images that would share a label file are an error', async () => {
  const d = new Dataset();
  d.images = [
    { id: 1, file: 'x/a.jpg', width: 2, height: 2 },
    { id: 2, file: 'y/a.png', width: 2, height: 2 },
  ];
  await assert.rejects(yolo.write(d, nodeFiles, tempDir()), {
    message: 'images[1]: images "x/a.jpg" and "y/a.png" would both be labelled by labels/a.txt',
  });
});

test('names are written so that YAML 1.1 (PyYAML, Ultralytics) reads them back unchanged', () => {
  const names = [
    'person',
    'traffic light',
    'yes',
    'No',
    'ON',
    'null',
    '~',
    '1',
    '3.5',
    'a: b',
    'x #y',
    'tab\there',
    'trailing ',
    '猫',
    '"q"',
    '-',
    'a/b',
  ];
  const text = formatDataYaml([['train', 'images/train']], names, 'detect');
  assert.deepEqual(YAML.parse(text, { version: '1.1' }).names, Object.fromEntries(names.map((n, k) => [k, n])));
  assert.match(text, /^ {2}0: person$/m);
  assert.match(text, /^ {2}2: "yes"$/m);
});

test('YOLO write copies images given by absolute path, with no image root needed', async () => {
  const src = await fixtureCopy(null, { 'x/a.jpg': [20, 10] });
  const d = new Dataset();
  d.categories = [{ id: 0, name: 'a' }];
  d.images = [{ id: 1, file: join(src, 'x/a.jpg'), width: 20, height: 10 }];
  const out = tempDir();
  await yolo.write(d, nodeFiles, out, { copyImages: true });
  assert.deepEqual(
    (await yolo.read(nodeFiles, out)).images.map((im) => [im.file, im.width]),
    [['images/a.jpg', 20]],
  );
});
