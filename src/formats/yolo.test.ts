import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Dataset } from '../core/dataset.js';
import { nodeFiles } from '../io/node-files.js';
import { FIXTURES, fixtureCopy } from './fixtures.test.util.js';
import { yolo } from './yolo.js';
import { parseYoloLabels } from './yolo-lines.js';
import { labelPathFor } from './yolo-read.js';

const DETECT_IMAGES: Record<string, [number, number]> = {
  'images/train/a.jpg': [640, 480],
  'images/train/b.png': [100, 50],
  'images/val/c.jpg': [33, 17],
  'images/val/d.jpg': [10, 20],
};

/** Annotation rows as [imageId, categoryId, x, y, w, h], boxes rounded to 1e-9 px. */
function rows(d: Dataset): number[][] {
  const t = d.annotations;
  const out: number[][] = [];
  for (let r = 0; r < t.length; r++) {
    out.push([t.imageIds[r], t.categoryIds[r], ...t.bbox(r).map((v) => Math.round(v * 1e9) / 1e9)]);
  }
  return out;
}

test("label paths follow Ultralytics' rule: the last /images/ becomes /labels/, the extension .txt", () => {
  assert.equal(labelPathFor('/d/images/train/a.jpg'), '/d/labels/train/a.txt');
  assert.equal(labelPathFor('/images/d/images/x.y.png'), '/images/d/labels/x.y.txt');
  assert.equal(labelPathFor('d/images/a.jpeg'), 'd/labels/a.txt');
  assert.equal(labelPathFor('/d/pics/a.jpg'), '/d/pics/a.txt');
});

test('YOLO read: names as a dict, split folders, image sizes from the headers', async () => {
  const dir = await fixtureCopy('yolo/detect', DETECT_IMAGES);
  const d = await yolo.read(nodeFiles, dir);
  assert.deepEqual(d.categories, [
    { id: 0, name: 'person' },
    { id: 1, name: 'traffic light' },
    { id: 2, name: 'dog' },
  ]);
  assert.deepEqual(d.images, [
    { id: 1, file: 'images/train/a.jpg', width: 640, height: 480, split: 'train' },
    { id: 2, file: 'images/train/b.png', width: 100, height: 50, split: 'train' },
    { id: 3, file: 'images/val/c.jpg', width: 33, height: 17, split: 'val' },
    { id: 4, file: 'images/val/d.jpg', width: 10, height: 20, split: 'val' },
  ]);
  assert.deepEqual(d.info, { sourceFormat: 'yolo', imageRoot: dir, task: 'detection' });
});

test('YOLO read: normalised centres become absolute top-left boxes; tabs, double spaces and CRLF read', async () => {
  const d = await yolo.read(nodeFiles, await fixtureCopy('yolo/detect', DETECT_IMAGES));
  assert.deepEqual(rows(d), [
    [1, 0, 240, 120, 160, 240],
    [1, 2, 10, 20, 30, 40],
    [4, 1, 0, 0, 10, 20],
  ]);
});

test('YOLO read: an empty label file and a missing one are both negatives and are kept', async () => {
  const d = await yolo.read(nodeFiles, await fixtureCopy('yolo/detect', DETECT_IMAGES));
  const labelled = new Set(d.annotations.imageIds.subarray(0, d.annotations.length));
  // b.png has an empty label file, c.jpg none.
  assert.deepEqual(
    d.images.filter((im) => !labelled.has(im.id)).map((im) => im.file),
    ['images/train/b.png', 'images/val/c.jpg'],
  );
});

test('YOLO read: names as a list, splits from .txt lists of image paths', async () => {
  const dir = await fixtureCopy('yolo/lists', {
    'images/x.png': [8, 8],
    'images/y.jpg': [16, 16],
    'images/z.jpg': [4, 4],
  });
  const d = await yolo.read(nodeFiles, join(dir, 'data.yaml'));
  assert.deepEqual(d.categories, [
    { id: 0, name: 'cat' },
    { id: 1, name: 'dog' },
  ]);
  assert.deepEqual(
    d.images.map((im) => [im.id, im.file, im.split]),
    [
      [1, 'images/x.png', 'train'],
      // Listed under train and val: the split is ambiguous, so none is kept.
      [2, 'images/y.jpg', undefined],
      [3, 'images/z.jpg', 'val'],
    ],
  );
  assert.deepEqual(rows(d), [
    [1, 1, 2, 2, 4, 4],
    [3, 0, 0, 0, 2, 2],
  ]);
});

test('YOLO read: with task segment, a 9-number line is a 4-point polygon; the box is its bounds', async () => {
  const d = await yolo.read(nodeFiles, await fixtureCopy('yolo/polygons', { 'images/p.png': [200, 100] }));
  assert.equal(d.info.task, 'segmentation');
  assert.deepEqual(rows(d), [
    [1, 0, 20, 20, 80, 40],
    [1, 1, 100, 50, 50, 50],
  ]);
  assert.deepEqual(d.annotations.segmentations.get(0), [[20, 20, 100, 20, 100, 60, 20, 60]]);
  assert.deepEqual(d.annotations.segmentations.get(1), [[100, 50, 150, 50, 150, 100]]);
});

test('YOLO read: with task obb, the same 9-number line is an oriented box', async () => {
  const d = await yolo.read(nodeFiles, await fixtureCopy('yolo/obb', { 'images/p.png': [200, 100] }));
  assert.equal(d.info.task, 'obb');
  assert.deepEqual(rows(d), [[1, 0, 20, 20, 80, 40]]);
  assert.deepEqual(d.annotations.segmentations.get(0), [[20, 20, 100, 20, 100, 60, 20, 60]]);
});

test('YOLO read: the task option overrides the yaml task key', async () => {
  const dir = await fixtureCopy('yolo/obb', { 'images/p.png': [200, 100] });
  assert.equal((await yolo.read(nodeFiles, dir, { task: 'segment' })).info.task, 'segmentation');
  await assert.rejects(yolo.read(nodeFiles, dir, { task: 'detect' }), {
    message: `${join(dir, 'labels/p.txt')}:1: 9 fields where the detect task (from the task option) needs 5 (class cx cy w h)`,
  });
});

test('YOLO read: a 7-number polygon line is an error under the obb task', async () => {
  const dir = await fixtureCopy('yolo/polygons', { 'images/p.png': [200, 100] });
  await assert.rejects(yolo.read(nodeFiles, dir, { task: 'obb' }), {
    message: `${join(dir, 'labels/p.txt')}:2: 7 fields where the obb task (from the task option) needs 9 (class x1 y1 x2 y2 x3 y3 x4 y4)`,
  });
});

test('YOLO read: the categories option maps class names to known ids', async () => {
  const dir = await fixtureCopy('yolo/detect', DETECT_IMAGES);
  const d = await yolo.read(nodeFiles, dir, {
    categories: [
      { id: 1, name: 'person', supercategory: 'person' },
      { id: 10, name: 'traffic light' },
      { id: 18, name: 'dog' },
      { id: 90, name: 'toothbrush' },
    ],
  });
  assert.deepEqual(
    d.categories.map((c) => c.id),
    [1, 10, 18, 90],
  );
  assert.deepEqual(
    rows(d).map((r) => r[1]),
    [1, 18, 10],
  );
});

test('YOLO detect recognises a data.yaml with names, given as a folder or the file', async () => {
  assert.equal((await yolo.detect(nodeFiles, join(FIXTURES, 'yolo/detect')))?.confidence, 0.9);
  assert.equal((await yolo.detect(nodeFiles, join(FIXTURES, 'yolo/lists/data.yaml')))?.confidence, 0.9);
  assert.equal(await yolo.detect(nodeFiles, join(FIXTURES, 'voc/read')), null);
});

test('YOLO read warns about label files that have no image', async () => {
  const dir = await fixtureCopy('yolo/detect', DETECT_IMAGES);
  rmSync(join(dir, 'images/val/d.jpg'));
  const warnings: string[] = [];
  const d = await yolo.read(nodeFiles, dir, { warn: (m: string) => warnings.push(m) });
  assert.equal(d.images.length, 3);
  assert.deepEqual(warnings, ['1 label files have no image next to them and were not read']);
});

test("YOLO read: a '../' split entry that does not exist is tried without it, as Ultralytics does (Roboflow layout)", async () => {
  const dir = await fixtureCopy(null, { 'train/images/a.jpg': [20, 10], 'valid/images/b.jpg': [20, 10] });
  writeFileSync(join(dir, 'data.yaml'), 'train: ../train/images\nval: ../valid/images\nnames: [cat]\n');
  mkdirSync(join(dir, 'train/labels'));
  writeFileSync(join(dir, 'train/labels/a.txt'), '0 0.5 0.5 1 1\n');
  const d = await yolo.read(nodeFiles, dir);
  assert.deepEqual(
    d.images.map((im) => [im.file, im.split]),
    [
      ['train/images/a.jpg', 'train'],
      ['valid/images/b.jpg', 'val'],
    ],
  );
  assert.deepEqual(rows(d), [[1, 0, 0, 0, 20, 10]]);
});

test('YOLO read with imageRoot: label files pair with images elsewhere, by split folder then by name', async () => {
  const dir = await fixtureCopy('yolo/detect');
  // The images live outside the dataset: a.jpg under a split folder, b.png and d.jpg flat.
  const images = await fixtureCopy(null, { 'train/a.jpg': [640, 480], 'b.png': [100, 50], 'd.jpg': [10, 20] });
  const d = await yolo.read(nodeFiles, dir, { imageRoot: images });
  assert.deepEqual(d.images, [
    { id: 1, file: 'train/a.jpg', width: 640, height: 480, split: 'train' },
    { id: 2, file: 'b.png', width: 100, height: 50, split: 'train' },
    { id: 3, file: 'd.jpg', width: 10, height: 20, split: 'val' },
  ]);
  assert.equal(d.info.imageRoot, images);
  assert.deepEqual(rows(d), [
    [1, 0, 240, 120, 160, 240],
    [1, 2, 10, 20, 30, 40],
    [3, 1, 0, 0, 10, 20],
  ]);
});

test('YOLO read with imageRoot: a label file without its image names the label file', async () => {
  const dir = await fixtureCopy('yolo/detect');
  const images = await fixtureCopy(null, { 'a.jpg': [640, 480], 'b.png': [100, 50] });
  await assert.rejects(yolo.read(nodeFiles, dir, { imageRoot: images }), (e: Error) => {
    assert.match(e.message, /labels\/val\/d\.txt: no image for this label file under .* \(looked for val\/d\.\*\)/);
    return true;
  });
});

test('YOLO labels: single-space lines (the fast path) read exactly as tab- and multi-space-separated ones', () => {
  const lines = ['3 0.1234567890123 0.5 0.25 0.125', '0 1e-3 0.999999 0.3333333333333333 2E-1', '7 0x0 .5 5e-1 1'];
  const read = (text: string) => {
    const boxes: number[][] = [];
    parseYoloLabels(text, 'a.txt', 'detect', 8, 640, 480, {
      box: (cls, x, y, w, h) => boxes.push([cls, x, y, w, h]),
      polygon: () => assert.fail('no polygons in a detect file'),
    });
    return boxes;
  };
  const fast = read(`${lines.join('\r\n')}\r\n`);
  assert.equal(fast.length, 3);
  assert.deepEqual(read(lines.map((l) => l.replaceAll(' ', '\t')).join('\n')), fast);
  assert.deepEqual(read(lines.map((l) => ` ${l.replaceAll(' ', '  ')} `).join('\n')), fast);
});
