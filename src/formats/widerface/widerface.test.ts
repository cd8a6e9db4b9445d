import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFiles } from '../../io/node-files.js';
import { detectFormat } from '../index.js';
import { assertReadError, assertSameFiles, fixture, scratch } from '../shared/golden.js';
import { widerface } from './index.js';

const ROOT = fixture('widerface');
const GT = fixture('widerface', 'wider_face_split', 'wider_face_val_bbx_gt.txt');

/** A copy of the fixture dataset whose ground truth is `text`. */
function withGroundTruth(text: string): string {
  const dir = scratch();
  cpSync(ROOT, dir, { recursive: true });
  const file = join(dir, 'wider_face_split', 'wider_face_val_bbx_gt.txt');
  writeFileSync(file, text);
  return file;
}

test('x1 y1 w h are the top-left corner and size in pixels; the six attributes are kept', async () => {
  const ds = await widerface.read(nodeFiles, ROOT);
  const t = ds.annotations;
  assert.deepEqual(t.get(0), {
    id: 1,
    imageId: 1,
    categoryId: 1,
    bbox: [345, 211, 4, 4],
    attributes: { occluded: true, blur: 2, expression: 0, illumination: 0, invalid: 0, occlusion: 2, pose: 0 },
  });
  assert.deepEqual(t.bbox(1), [331, 126, 3, 3]);
  assert.equal(t.attributes.get(1)?.invalid, 1);
  assert.equal(t.flag(1, 'occluded'), false);
  assert.deepEqual(t.attributes.get(2), { blur: 1, expression: 1, illumination: 0, invalid: 0, occlusion: 1, pose: 1 });
});

test('one category "face", images under WIDER_<split>/images with sizes from their headers', async () => {
  const ds = await widerface.read(nodeFiles, GT);
  assert.deepEqual(ds.categories, [{ id: 1, name: 'face' }]);
  assert.deepEqual(
    ds.images.map((im) => [im.id, im.file, im.width, im.height, im.split]),
    [
      [1, 'WIDER_val/images/0--Parade/0_Parade_marchingband_1_465.jpg', 1024, 768, 'val'],
      [2, 'WIDER_val/images/0--Parade/0_Parade_Parade_0_275.jpg', 1024, 683, 'val'],
      [3, 'WIDER_val/images/1--Handshaking/1_Handshaking_Handshaking_1_94.jpg', 1024, 1366, 'val'],
    ],
  );
});

test('an image with 0 faces has one line of zeros that is not a face', async () => {
  const ds = await widerface.read(nodeFiles, ROOT);
  assert.equal(ds.annotations.length, 3);
  assert.deepEqual(Array.from(ds.annotations.imageIds.subarray(0, 3)), [1, 1, 3]);
});

test('a 0 count without the zeros line (non-official files) reads the same', async () => {
  const text = readFileSync(GT, 'utf8').replace('0\n0 0 0 0 0 0 0 0 0 0 \n', '0\n');
  const ds = await widerface.read(nodeFiles, withGroundTruth(text));
  assert.equal(ds.images.length, 3);
  assert.equal(ds.annotations.length, 3);
});

test('WIDER Face → WIDER Face writes the ground truth back byte for byte (zeros line included)', async () => {
  const ds = await widerface.read(nodeFiles, ROOT);
  const out = scratch();
  await widerface.write(ds, nodeFiles, out, { copyImages: true });
  assertSameFiles(out, ROOT);
});

test('detection names the ground-truth file', async () => {
  const found = await detectFormat(nodeFiles, ROOT);
  assert.equal(found.format.name, 'widerface');
  assert.match(found.reason, /wider_face_val_bbx_gt\.txt/);
});

test('a non-numeric face count names the file and line', async () => {
  const file = withGroundTruth('0--Parade/a.jpg\ntwo\n');
  await assertReadError(() => widerface.read(nodeFiles, file), /bbx_gt\.txt:2 field "face count": not a number: "two"/);
});

test('a face line without ten fields names the file and line', async () => {
  const file = withGroundTruth('0--Parade/0_Parade_Parade_0_275.jpg\n1\n1 2 3 4 0 0\n');
  await assertReadError(() => widerface.read(nodeFiles, file), /bbx_gt\.txt:3: expected 10 fields .*found 6/);
});

test('a non-numeric face field names the field', async () => {
  const file = withGroundTruth('0--Parade/0_Parade_Parade_0_275.jpg\n1\n1 2 x 4 0 0 0 0 0 0\n');
  await assertReadError(() => widerface.read(nodeFiles, file), /bbx_gt\.txt:3 field "w": not a number: "x"/);
});

test('a file that ends before its faces is reported', async () => {
  const file = withGroundTruth('0--Parade/0_Parade_Parade_0_275.jpg\n3\n1 2 3 4 0 0 0 0 0 0\n');
  await assertReadError(
    () => widerface.read(nodeFiles, file),
    /bbx_gt\.txt:3: file ends inside .*2 face lines missing/,
  );
});

test('a listed image that is missing is reported by its path and the ground-truth line naming it', async () => {
  const file = withGroundTruth(
    '0--Parade/0_Parade_Parade_0_275.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n0--Parade/missing.jpg\n1\n1 2 3 4 0 0 0 0 0 0 \n',
  );
  await assertReadError(
    () => widerface.read(nodeFiles, file),
    /bbx_gt\.txt:4: listed image: .*WIDER_val\/images\/0--Parade\/missing\.jpg: no such file/,
  );
});
