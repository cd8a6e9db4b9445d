import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { MemoryFiles } from '../core/memory-files.js';
import { nodeFiles } from '../io/node-files.js';
import { tempDir } from '../io/temp-dirs.test.util.js';
import { coco } from './coco.js';
import { parseCoco } from './coco-read.js';

const fixtures = join(process.cwd(), 'src/formats/fixtures/coco');
const instancesPath = join(fixtures, 'instances.json');
const resultsPath = join(fixtures, 'results.json');
const scratch = () => tempDir('detkit-coco-');

function readError(text: string, file = 'bad.json'): DetkitError {
  try {
    parseCoco(text, file);
  } catch (e) {
    assert.ok(e instanceof DetkitError, `expected a DetkitError, got ${e}`);
    return e;
  }
  assert.fail('expected the read to fail');
}

test('categories keep their ids (gaps included), supercategory and extra fields', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  assert.deepEqual(d.categories, [
    { id: 1, name: 'person', supercategory: 'person' },
    { id: 18, name: 'dog', supercategory: 'animal', extra: { keypoints: [] } },
    { id: 90, name: 'toothbrush' },
  ]);
});

test('images keep id, file_name, size and every other field as extra', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  assert.deepEqual(d.images[0], {
    id: 139,
    file: '000000000139.jpg',
    width: 640,
    height: 426,
    extra: {
      license: 4,
      coco_url: 'http://images.cocodataset.org/val2017/000000000139.jpg',
      date_captured: '2013-11-21 01:34:01',
    },
  });
  assert.deepEqual(d.images[2], { id: 632, file: '000000000632.jpg', width: 640, height: 483 });
});

test('info and licenses are kept as top-level extras', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  assert.deepEqual(Object.keys(d.info.extra ?? {}), ['info', 'licenses']);
  assert.equal((d.info.extra?.info as { year: number } | undefined)?.year, 2026);
});

test('a polygon annotation keeps its area (the mask area, not w×h) and polygon', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  assert.deepEqual(d.annotations.get(0), {
    id: 101,
    imageId: 139,
    categoryId: 1,
    bbox: [10.5, 20.25, 100, 50.5],
    area: 4850.5,
    segmentation: [[10.5, 20.25, 110.5, 20.25, 110.5, 70.75, 10.5, 70.75]],
  });
});

test('a crowd annotation with an uncompressed RLE is flagged crowd and keeps its counts', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  const a = d.annotations.get(1);
  assert.equal(a.iscrowd, true);
  assert.deepEqual(a.segmentation, { size: [8, 10], counts: [20, 5, 3, 5, 47] });
});

test('a compressed RLE string is kept as the string', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  assert.deepEqual(d.annotations.get(2).segmentation, { size: [10, 10], counts: '<n0j1' });
  assert.equal(d.annotations.isCrowd(2), false);
});

test('large ids, absent area, CVAT attributes and unknown fields survive the read', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  const a = d.annotations.get(3);
  assert.equal(a.id, 900100581904);
  assert.equal(a.area, undefined);
  assert.deepEqual(a.bbox, [0.1, 0.2, 300.3333333333333, 1e-7]);
  assert.equal(d.annotations.flag(3, 'difficult'), true);
  assert.deepEqual(a.attributes, { difficult: true, occluded: false });
  assert.deepEqual(a.extra, { track_id: 7 });
});

test('each annotation row and image traces back to its JSON record', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  assert.deepEqual(d.info.locate?.('annotation', 3), { file: instancesPath, record: 'annotations[3]' });
  assert.deepEqual(d.info.locate?.('image', 1), { file: instancesPath, record: 'images[1]' });
});

test('the image root is the JSON folder when the images are not found elsewhere', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  assert.equal(d.info.imageRoot, fixtures);
});

test('writing instances gives the golden output byte for byte', async () => {
  const out = join(scratch(), 'out.json');
  await coco.write(await coco.read(nodeFiles, instancesPath), nodeFiles, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(fixtures, 'instances.expected.json'), 'utf8'));
});

test('a COCO → COCO round trip keeps ids, areas, crowd, segmentations and extras', async () => {
  const first = await coco.read(nodeFiles, instancesPath);
  const out = join(scratch(), 'again.json');
  await coco.write(first, nodeFiles, out);
  const second = await coco.read(nodeFiles, out);
  assert.deepEqual(second.categories, first.categories);
  assert.deepEqual(second.images, first.images);
  assert.deepEqual(second.info.extra, first.info.extra);
  const rows = (d: Dataset) => [...d.annotations].map((a) => ({ ...a, area: a.area ?? a.bbox[2] * a.bbox[3] }));
  assert.deepEqual(rows(second), rows(first));
});

test('results alone: images and categories are synthesised from ids, sizes unknown', async () => {
  const d = await coco.read(nodeFiles, resultsPath);
  assert.deepEqual(d.images, [
    { id: 139, file: '139', width: 0, height: 0 },
    { id: 632, file: '632', width: 0, height: 0 },
  ]);
  assert.deepEqual(
    d.categories.map((c) => c.id),
    [1, 18],
  );
  assert.equal(d.annotations.length, 3);
  assert.equal(d.annotations.scores[0], 0.987654321);
  assert.deepEqual(d.annotations.bbox(0), [0.30000000000000004, 20.5, 99.87654321, 50]);
  assert.deepEqual(d.info.locate?.('annotation', 2), { file: resultsPath, record: '[2]' });
  assert.equal(d.info.imageRoot, undefined, 'results alone do not say where images are');
});

test('results with a ground truth take its images (with sizes) and categories', async () => {
  const d = await coco.read(nodeFiles, resultsPath, { groundTruth: instancesPath });
  assert.deepEqual(
    d.images.map((im) => [im.id, im.width, im.height]),
    [
      [139, 640, 426],
      [285, 586, 640],
      [632, 640, 483],
    ],
  );
  assert.equal(d.categories.find((c) => c.id === 18)?.name, 'dog');
  assert.equal(d.info.imageRoot, fixtures);
});

test('segmentation results without a bbox get the box of their polygon or mask', () => {
  const { dataset } = parseCoco(
    JSON.stringify([
      { image_id: 1, category_id: 1, score: 0.9, segmentation: [[5, 6, 12, 6, 12, 14]] },
      { image_id: 1, category_id: 1, score: 0.8, segmentation: { size: [10, 10], counts: '<n0j1' } },
    ]),
    'segm.json',
  );
  assert.deepEqual(dataset.annotations.bbox(0), [5, 6, 7, 8]);
  assert.deepEqual(dataset.annotations.bbox(1), [1, 0, 4, 10]);
});

test('writing predictions gives a results array, byte for byte the golden one', async () => {
  const out = join(scratch(), 'results.json');
  await coco.write(await coco.read(nodeFiles, resultsPath), nodeFiles, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(fixtures, 'results.expected.json'), 'utf8'));
});

test('detects an instances file, a results file and a dataset folder, and says why', async () => {
  assert.match((await coco.detect(nodeFiles, instancesPath))?.reason ?? '', /images, annotations, categories/);
  assert.match((await coco.detect(nodeFiles, resultsPath))?.reason ?? '', /COCO results/);
  const dir = scratch();
  await nodeFiles.writeText(join(dir, 'annotations', 'instances_val.json'), readFileSync(instancesPath, 'utf8'));
  assert.match((await coco.detect(nodeFiles, dir))?.reason ?? '', /annotations\/instances_val\.json/);
});

test('other JSON is not taken for COCO', async () => {
  const dir = scratch();
  writeFileSync(join(dir, 'labelme.json'), '{"shapes": [], "imagePath": "a.jpg"}');
  writeFileSync(join(dir, 'createml.json'), '[{"image": "a.jpg", "annotations": []}]');
  assert.equal(await coco.detect(nodeFiles, join(dir, 'labelme.json')), null);
  assert.equal(await coco.detect(nodeFiles, join(dir, 'createml.json')), null);
});

test('a folder with one instances file per split reads as one dataset with splits', async () => {
  const dir = scratch();
  const text = readFileSync(instancesPath, 'utf8');
  const val = JSON.parse(text);
  for (const im of val.images) im.id += 1000;
  for (const a of val.annotations) a.image_id += 1000;
  await nodeFiles.writeText(join(dir, 'annotations', 'instances_train.json'), text);
  await nodeFiles.writeText(join(dir, 'annotations', 'instances_val.json'), JSON.stringify(val));
  const d = await coco.read(nodeFiles, dir);
  assert.equal(d.images.length, 6);
  assert.equal(d.categories.length, 3);
  assert.deepEqual(
    d.images.map((im) => im.split),
    ['train', 'train', 'train', 'val', 'val', 'val'],
  );
  assert.equal(d.annotations.length, 8);
  assert.deepEqual(d.info.locate?.('annotation', 5), {
    file: join(dir, 'annotations', 'instances_val.json'),
    record: 'annotations[1]',
  });
});

test('truncated JSON names the file, line and column where it ends', () => {
  const e = readError('{\n  "images": [\n    {"id": 1,');
  assert.equal(e.message, 'bad.json:3:14: invalid JSON: JSON ends too early (truncated file?)');
});

test('a stray token is located by line and column even when V8 gives no position', () => {
  const e = readError('{\n  "images": [],\n  "annotations": [x]\n}');
  assert.equal(e.where.line, 3);
  assert.equal(e.where.column, 19);
  assert.match(e.message, /^bad\.json:3:19: invalid JSON: unexpected token 'x'$/);
});

test('a bbox that is not 4 numbers names its JSON path', () => {
  const e = readError('{"images": [], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3]}]}');
  assert.equal(
    e.message,
    'bad.json (annotations[0].bbox): bbox must be 4 numbers [x, y, width, height], got an array of 3',
  );
});

test('a non-numeric bbox value names the element', () => {
  const e = readError('{"annotations": [{"image_id": 1, "category_id": 1, "bbox": [1, 2, "3", 4]}]}');
  assert.equal(e.message, 'bad.json (annotations[0].bbox[2]): bbox values must be numbers, got the string "3"');
});

test('a missing image_id is named', () => {
  const e = readError(
    '{"annotations": [{"id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}, {"id": 2, "category_id": 1}]}',
  );
  assert.equal(e.where.record, 'annotations[0].image_id');
  assert.match(e.message, /missing image_id$/);
});

test('a category_id that is not an integer is refused', () => {
  const e = readError('{"annotations": [{"image_id": 1, "category_id": "dog", "bbox": [1, 2, 3, 4]}]}');
  assert.equal(e.where.record, 'annotations[0].category_id');
});

test('image-level labels are read from a labels array of category ids (detkit extension)', () => {
  const { dataset } = parseCoco(
    '{"images": [{"id": 1, "file_name": "a.png", "width": 2, "height": 2, "labels": [3, 5]}]}',
    'a.json',
  );
  assert.deepEqual(dataset.images[0].labels, [3, 5]);
  assert.equal(dataset.images[0].extra, undefined);
});

test('image labels that are not category ids name the element', () => {
  const e = readError('{"images": [{"id": 1, "file_name": "a.png", "labels": [1, "cat"]}]}');
  assert.equal(e.where.record, 'images[0].labels[1]');
});

test('JSON that is not COCO says what was expected', () => {
  assert.match(
    readError('{"shapes": []}').message,
    /not COCO: expected an object with images\/annotations\/categories/,
  );
});

test('split files that disagree on a category name both, each at its record (fuzz case)', async () => {
  const split = (name: string) => JSON.stringify({ images: [], annotations: [], categories: [{ id: 3, name }] });
  const files = new MemoryFiles({
    '/d/annotations/instances_train.json': split('traft'),
    '/d/annotations/instances_val.json': split('traffic light'),
  });
  await assert.rejects(coco.read(files, '/d'), {
    message:
      '/d/annotations/instances_val.json (categories[0]): category 3 is "traffic light" here but "traft" in /d/annotations/instances_train.json (categories[0])',
  });
});

test('a folder whose JSON does not look like COCO names the files passed over (fuzz case)', async () => {
  const files = new MemoryFiles({ '/d/annotations/results.json': '[{"image_id": 1, "bbox": [' });
  await assert.rejects(coco.read(files, '/d'), {
    message:
      '/d: no COCO JSON found (looked in annotations/ and the folder); /d/annotations/results.json does not start like COCO',
  });
});

test('a generated 200,000-box file reads every box exactly', async () => {
  const n = 200_000;
  const images = Array.from(
    { length: 5000 },
    (_, i) => `{"id":${i + 1},"file_name":"${i + 1}.jpg","width":640,"height":480}`,
  );
  const annotations = Array.from(
    { length: n },
    (_, i) =>
      `{"id":${i + 1},"image_id":${(i % 5000) + 1},"category_id":${(i % 80) + 1},"bbox":[${i % 600}.5,${i % 400}.25,${(i % 37) + 1},${(i % 29) + 1}],"area":${i},"iscrowd":${i % 1000 === 0 ? 1 : 0}}`,
  );
  const text = `{"images":[${images.join(',')}],"annotations":[${annotations.join(',')}],"categories":[{"id":1,"name":"a"}]}`;
  const { dataset } = parseCoco(text, 'big.json');
  const t = dataset.annotations;
  assert.equal(t.length, n);
  for (const i of [0, 1, 12_345, 99_999, 199_999]) {
    assert.equal(t.ids[i], i + 1);
    assert.equal(t.imageIds[i], (i % 5000) + 1);
    assert.equal(t.categoryIds[i], (i % 80) + 1);
    assert.deepEqual(t.bbox(i), [(i % 600) + 0.5, (i % 400) + 0.25, (i % 37) + 1, (i % 29) + 1]);
    assert.equal(t.areas[i], i);
  }
  let crowd = 0;
  for (let row = 0; row < n; row++) if (t.isCrowd(row)) crowd++;
  assert.equal(crowd, n / 1000);
});

test('a dataset with splits written to a folder gives one instances file per split, read back alike', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  d.images[0].split = 'train';
  d.images[1].split = 'val';
  d.images[2].split = 'val';
  const dir = join(scratch(), 'out');
  const { files, loss } = await coco.write(d, nodeFiles, dir);
  assert.deepEqual(files, [join(dir, 'annotations/instances_train.json'), join(dir, 'annotations/instances_val.json')]);
  assert.deepEqual(loss, []);
  const back = await coco.read(nodeFiles, dir);
  assert.deepEqual(
    back.images.map((im) => [im.id, im.split]),
    [
      [139, 'train'],
      [285, 'val'],
      [632, 'val'],
    ],
  );
  assert.deepEqual(Array.from(back.annotations.ids.subarray(0, 4)), [101, 102, 203, 900100581904]);
});

test('writing splits into one JSON file reports the splits as lost', async () => {
  const d = await coco.read(nodeFiles, instancesPath);
  d.images[0].split = 'train';
  const { loss } = await coco.write(d, nodeFiles, join(scratch(), 'one.json'));
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [['splits', 1]],
  );
});
