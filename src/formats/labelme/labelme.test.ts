import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeFiles } from '../../io/node-files.js';
import { detectFormat } from '../index.js';
import { assertReadError, assertSameFiles, fixture, scratch, scratchFile } from '../shared/golden.js';
import { labelme } from './index.js';

const INPUT = fixture('labelme', 'input');
const GOLDEN = fixture('labelme', 'golden');

function shapeFile(shape: Record<string, unknown>): string {
  const doc = {
    version: '5.4.1',
    flags: {},
    shapes: [shape],
    imagePath: 'a.jpg',
    imageData: null,
    imageHeight: 10,
    imageWidth: 10,
  };
  return scratchFile('a.json', JSON.stringify(doc, null, 2));
}

test('a rectangle is two opposite corners in any order', async () => {
  const ds = await labelme.read(nodeFiles, INPUT);
  // points [[120.5, 80.25], [20.5, 10.25]]: bottom-right first.
  assert.deepEqual(ds.annotations.bbox(0), [20.5, 10.25, 100, 70]);
});

test('a polygon is a segmentation whose extent is the box; shape flags map to detkit flags', async () => {
  const ds = await labelme.read(nodeFiles, INPUT);
  assert.deepEqual(ds.annotations.get(1), {
    id: 2,
    imageId: 1,
    categoryId: 2,
    bbox: [10, 10, 40, 30],
    segmentation: [[10, 10, 50, 10, 30, 40]],
    attributes: { occluded: true, group_id: 1, description: 'tabby', flags: { reviewed: false } },
  });
});

test('images: path relative to the folder, size from the JSON, flags and embedded imageData kept', async () => {
  const ds = await labelme.read(nodeFiles, INPUT);
  assert.deepEqual(
    ds.images.map((im) => [im.id, im.file, im.width, im.height]),
    [
      [1, 'img1.jpg', 320, 240],
      [2, 'sub/img2.png', 2, 1],
    ],
  );
  assert.deepEqual(ds.images[0].extra, { flags: { night: false } });
  const png = ds.info.embeddedImages?.get(2);
  assert.deepEqual(Array.from(png?.subarray(0, 4) ?? []), [0x89, 0x50, 0x4e, 0x47]);
  assert.equal(ds.info.embeddedImages?.has(1), false);
});

test('circles, lines and points are skipped with a warning', async () => {
  const warnings: string[] = [];
  const ds = await labelme.read(nodeFiles, INPUT, { warn: (m) => warnings.push(m) });
  assert.equal(ds.annotations.length, 3);
  assert.deepEqual(
    ds.categories.map((c) => c.name),
    ['dog', 'cat'],
  );
  assert.deepEqual(warnings, ['labelme: 1 "circle" shapes skipped (only rectangles and polygons are boxes)']);
});

test('read then write gives the golden files (one JSON per image, same sub-folders)', async () => {
  const ds = await labelme.read(nodeFiles, INPUT);
  const out = scratch();
  await labelme.write(ds, nodeFiles, out);
  assertSameFiles(out, GOLDEN);
});

test('LabelMe → LabelMe round trip is byte-identical', async () => {
  const ds = await labelme.read(nodeFiles, GOLDEN);
  const out = scratch();
  await labelme.write(ds, nodeFiles, out);
  assertSameFiles(out, GOLDEN);
});

test('detection counts the JSON files', async () => {
  const found = await detectFormat(nodeFiles, INPUT);
  assert.equal(found.format.name, 'labelme');
  assert.match(found.reason, /img1\.json has LabelMe "shapes"/);
});

test('invalid JSON names the file and line', async () => {
  const bad = scratchFile('a.json', '{\n  "shapes": [\n    {"label": "x",}\n  ]\n}');
  await assertReadError(() => labelme.read(nodeFiles, bad), /a\.json:3: invalid JSON/);
});

test('a shape without a label names the shape', async () => {
  const bad = shapeFile({
    points: [
      [0, 0],
      [1, 1],
    ],
    shape_type: 'rectangle',
  });
  await assertReadError(() => labelme.read(nodeFiles, bad), /a\.json \(shapes\[0\]\) field "label": missing label/);
});

test('a non-numeric point names the point', async () => {
  const bad = shapeFile({
    label: 'x',
    points: [
      [0, 0],
      [1, 'y'],
    ],
    shape_type: 'rectangle',
  });
  await assertReadError(() => labelme.read(nodeFiles, bad), /field "points\[1\]": expected a number, got "y"/);
});

test('a rectangle with three points is refused', async () => {
  const bad = shapeFile({
    label: 'x',
    points: [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
    shape_type: 'rectangle',
  });
  await assertReadError(() => labelme.read(nodeFiles, bad), /a rectangle needs exactly 2 points, got 3/);
});

test('a shape that is not an object names the shape', async () => {
  const bad = scratchFile(
    'a.json',
    JSON.stringify({ shapes: [null], imagePath: 'a.jpg', imageWidth: 1, imageHeight: 1 }),
  );
  await assertReadError(() => labelme.read(nodeFiles, bad), /a\.json \(shapes\[0\]\): a shape is an object, got null/);
});

test('imageData that is not base64 names the key', async () => {
  const bad = scratchFile(
    'a.json',
    JSON.stringify({ shapes: [], imagePath: 'a.jpg', imageData: 'x', imageWidth: 1, imageHeight: 1 }),
  );
  await assertReadError(() => labelme.read(nodeFiles, bad), /a\.json \(imageData\): "imageData" is not base64/);
});

test('a missing image sized through imagePath names the JSON file too', async () => {
  const bad = scratchFile('a.json', JSON.stringify({ shapes: [], imagePath: 'nowhere.png' }));
  await assertReadError(
    () => labelme.read(nodeFiles, bad),
    /a\.json \(imagePath\): image of "imagePath": .*nowhere\.png/,
  );
});
