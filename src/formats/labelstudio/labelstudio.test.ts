import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFiles } from '../../io/node-files.js';
import { detectFormat } from '../index.js';
import { assertReadError, fixture, scratch, scratchFile } from '../shared/golden.js';
import { imageFileOf, labelstudio } from './index.js';

const INPUT = fixture('labelstudio', 'input.json');
const GOLDEN = fixture('labelstudio', 'golden.json');

function oneResult(value: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const result = [{ type: 'rectanglelabels', original_width: 200, original_height: 100, value, ...extra }];
  return scratchFile(
    'export.json',
    JSON.stringify([{ id: 1, data: { image: 'a.jpg' }, annotations: [{ result }] }], null, 2),
  );
}

test('values are percent of original_width / original_height', async () => {
  const ds = await labelstudio.read(nodeFiles, INPUT);
  // x 12.5 %, y 25 %, 25 % × 50 % of a 200×100 image.
  assert.deepEqual(ds.annotations.bbox(0), [25, 25, 50, 50]);
  assert.deepEqual(ds.annotations.bbox(3), [64, 48, 128, 96]);
});

test('rotation turns the rectangle clockwise about its top-left corner; the box is the extent', async () => {
  const ds = await labelstudio.read(nodeFiles, INPUT);
  // 60×20 px at (20, 20) turned 90° about (20, 20) covers x 0..20, y 20..80.
  assert.deepEqual(ds.annotations.bbox(1), [0, 20, 20, 60]);
  // Kept as the same rectangle rotated about its centre (10, 50).
  assert.deepEqual(ds.annotations.attributes.get(1), { rotation: 90, unrotated_box: [-20, 40, 60, 20] });
});

test('polygon points are percent too; the box is their extent', async () => {
  const ds = await labelstudio.read(nodeFiles, INPUT);
  assert.deepEqual(ds.annotations.segmentations.get(2), [[0, 100, 100, 60, 200, 100]]);
  assert.deepEqual(ds.annotations.bbox(2), [0, 60, 200, 40]);
});

test('tasks become images: task id, file from data.image, the first annotation not cancelled', async () => {
  const warnings: string[] = [];
  const ds = await labelstudio.read(nodeFiles, INPUT, { warn: (m) => warnings.push(m) });
  assert.deepEqual(
    ds.images.map((im) => [im.id, im.file, im.width, im.height]),
    [
      [11, '6b0a3c1e-street.jpg', 200, 100],
      [12, 'photos/b.jpg', 0, 0],
      [13, 'c.jpg', 640, 480],
    ],
  );
  assert.deepEqual(
    ds.categories.map((c) => c.name),
    ['car', 'person', 'road'],
  );
  assert.equal(ds.annotations.length, 4);
  assert.equal(warnings.length, 3);
  assert.match(warnings[0], /\[2\]: 2 annotations; annotations\[1\] is read/);
  assert.match(warnings[1], /1 "choices" results skipped/);
  assert.match(warnings[2], /photos\/b\.jpg has no results and no local file/);
});

test('data.image forms: uploads, local files, URLs', () => {
  assert.equal(imageFileOf('/data/upload/3/6b0a3c1e-street.jpg'), '6b0a3c1e-street.jpg');
  assert.equal(imageFileOf('/data/local-files/?d=photos%2Fb%20c.jpg'), 'photos/b c.jpg');
  assert.equal(imageFileOf('s3://bucket/dir/x.png'), 'x.png');
  assert.equal(imageFileOf('https://example.com/data/c.jpg?token=1'), 'c.jpg');
  assert.equal(imageFileOf('images/d.jpg'), 'images/d.jpg');
});

test('read then write gives the golden export, and Label Studio → Label Studio is byte-identical', async () => {
  const out = join(scratch(), 'export.json');
  await labelstudio.write(await labelstudio.read(nodeFiles, INPUT), nodeFiles, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(GOLDEN, 'utf8'));
  await labelstudio.write(await labelstudio.read(nodeFiles, GOLDEN), nodeFiles, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(GOLDEN, 'utf8'));
});

test('a rotated box moved after reading is written unrotated and reported', async () => {
  const ds = await labelstudio.read(nodeFiles, INPUT);
  ds.annotations.setBox(1, [1, 20, 20, 60]);
  const out = join(scratch(), 'export.json');
  const { loss } = await labelstudio.write(ds, nodeFiles, out);
  const value = JSON.parse(readFileSync(out, 'utf8'))[0].annotations[0].result[1].value;
  assert.deepEqual([value.x, value.y, value.width, value.height, value.rotation], [0.5, 20, 10, 60, 0]);
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [['rotation', 1]],
  );
});

test('detection recognises a task export', async () => {
  const found = await detectFormat(nodeFiles, INPUT);
  assert.equal(found.format.name, 'labelstudio');
});

test('invalid JSON names the file and line', async () => {
  const bad = scratchFile('export.json', '[\n  {"data": {"image": "a.jpg"},\n   "annotations": [}\n]');
  await assertReadError(() => labelstudio.read(nodeFiles, bad), /export\.json:3: invalid JSON/);
});

test('a rectangle without a label names the result', async () => {
  const bad = oneResult({ x: 1, y: 1, width: 1, height: 1, rectanglelabels: [] });
  await assertReadError(
    () => labelstudio.read(nodeFiles, bad),
    /\(\[0\]\.annotations\[0\]\.result\[0\]\) field "value\.rectanglelabels": missing label/,
  );
});

test('a non-numeric value names the field', async () => {
  const bad = oneResult({ x: 'left', y: 1, width: 1, height: 1, rectanglelabels: ['a'] });
  await assertReadError(() => labelstudio.read(nodeFiles, bad), /field "value\.x": expected a number, got "left"/);
});

test('a result without original_width is refused', async () => {
  const bad = oneResult({ x: 1, y: 1, width: 1, height: 1, rectanglelabels: ['a'] }, { original_width: undefined });
  await assertReadError(
    () => labelstudio.read(nodeFiles, bad),
    /field "original_width": expected a number, got nothing/,
  );
});

test("a folder's only JSON file is read as the export even when it does not look like one", async () => {
  const bad = scratchFile('export.json', '');
  await assertReadError(() => labelstudio.read(nodeFiles, join(bad, '..')), /export\.json:1: invalid JSON/);
});

test('a top-level value that is not an array names its line', async () => {
  const bad = scratchFile('export.json', '{"data": {}, "annotations": []}');
  await assertReadError(
    () => labelstudio.read(nodeFiles, bad),
    /export\.json:1: expected a JSON array of tasks, got object/,
  );
});

test('an annotation that is not an object names the annotation', async () => {
  const bad = scratchFile('export.json', JSON.stringify([{ data: { image: 'a.png' }, annotations: [null] }]));
  await assertReadError(
    () => labelstudio.read(nodeFiles, bad),
    /export\.json \(\[0\]\.annotations\[0\]\): an annotation is an object, got null/,
  );
});
