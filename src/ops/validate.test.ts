import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Dataset } from '../core/dataset.js';
import { nodeFiles } from '../io/node-files.js';
import { tempDir } from '../io/temp-dirs.test.util.js';
import { fixDataset, validateDataset } from './validate.js';

/** A PNG signature and IHDR: all `readImageSize` reads. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

function dataset(): Dataset {
  const d = new Dataset();
  d.addCategory({ id: 1, name: 'cat' });
  d.addImage({ id: 1, file: 'a.png', width: 100, height: 50 });
  d.info.locate = (kind, index) => ({ file: 'src.json', record: `${kind}[${index}]` });
  return d;
}

const kinds = async (d: Dataset) => (await validateDataset(d)).problems.map((p) => p.kind);

test('a clean dataset has no problems', async () => {
  const d = dataset();
  d.annotations.addBox(1, 1, 0, 0, 100, 50);
  assert.deepEqual(await kinds(d), []);
});

test('a box leaving the image is out of bounds', async () => {
  const d = dataset();
  d.annotations.addBox(1, 1, 90, 10, 20, 10);
  d.annotations.addBox(1, 1, -1, 0, 5, 5);
  assert.deepEqual(await kinds(d), ['box-out-of-bounds', 'box-out-of-bounds']);
});

test('zero, negative and NaN sizes are reported', async () => {
  const d = dataset();
  d.annotations.addBox(1, 1, 0, 0, 0, 5);
  d.annotations.addBox(1, 1, 0, 0, 5, -2);
  d.annotations.addBox(1, 1, 0, 0, Number.NaN, 5);
  assert.deepEqual(await kinds(d), ['box-empty', 'box-empty', 'box-not-finite']);
});

test('unknown category and image ids are reported', async () => {
  const d = dataset();
  d.annotations.addBox(1, 9, 0, 0, 5, 5);
  d.annotations.addBox(2, 1, 0, 0, 5, 5);
  assert.deepEqual(await kinds(d), ['unknown-category', 'unknown-image']);
});

test('duplicate annotation, image and category ids are reported at the repeat', async () => {
  const d = dataset();
  d.addCategory({ id: 1, name: 'again' });
  d.addImage({ id: 1, file: 'b.png', width: 100, height: 50 });
  d.annotations.addBox(1, 1, 0, 0, 5, 5, Number.NaN, 4);
  d.annotations.addBox(1, 1, 0, 0, 5, 5, Number.NaN, 4);
  const { problems } = await validateDataset(d);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.where.record]),
    [
      ['duplicate-category-id', 'category[1]'],
      ['duplicate-image-id', 'image[1]'],
      ['duplicate-annotation-id', 'annotation[1]'],
    ],
  );
  assert.match(problems[2].message, /first at annotation\[0\]/);
});

test('problems name the source record the reader traced', async () => {
  const d = dataset();
  d.annotations.addBox(1, 1, 0, 0, 5, 5);
  d.annotations.addBox(1, 1, 0, 0, 500, 5);
  const [p] = (await validateDataset(d)).problems;
  assert.deepEqual(p.where, { file: 'src.json', record: 'annotation[1]' });
  assert.deepEqual(p.record, { kind: 'annotation', index: 1 });
});

test('image files: missing ones and sizes disagreeing with the header', async () => {
  const root = tempDir('detkit-validate-');
  writeFileSync(join(root, 'a.png'), pngHeader(100, 60));
  const d = dataset();
  d.addImage({ id: 2, file: 'gone.png', width: 10, height: 10 });
  const { problems, headerSizes } = await validateDataset(d, { files: nodeFiles, imageRoot: root });
  assert.deepEqual(
    problems.map((p) => p.kind),
    ['image-size-mismatch', 'missing-image-file'],
  );
  assert.equal(headerSizes.get(0)?.height, 60);
});

test('without an image root, image files are not checked', async () => {
  const d = dataset();
  d.info.imageRoot = undefined;
  assert.deepEqual((await validateDataset(d, { files: nodeFiles })).problems, []);
});

test('the fix takes sizes from headers, clips boxes and drops what cannot be repaired', async () => {
  const root = tempDir('detkit-validate-');
  writeFileSync(join(root, 'a.png'), pngHeader(100, 60));
  const d = dataset();
  d.annotations.addBox(1, 1, 10, 10, 20, 20, Number.NaN, 1);
  d.annotations.addBox(1, 1, 90, 50, 20, 20, Number.NaN, 2); // clipped to the 100×60 header size
  d.annotations.addBox(1, 9, 0, 0, 5, 5, Number.NaN, 3); // unknown category: dropped
  d.annotations.addBox(1, 1, 0, 0, 0, 5, Number.NaN, 4); // empty: dropped
  d.annotations.addBox(1, 1, 200, 0, 5, 5, Number.NaN, 5); // wholly outside: dropped
  const report = await validateDataset(d, { files: nodeFiles, imageRoot: root });
  const { dataset: fixed, changes } = fixDataset(d, report);
  assert.deepEqual(fixed.images[0], { id: 1, file: 'a.png', width: 100, height: 60 });
  assert.deepEqual(Array.from(fixed.annotations.ids.subarray(0, fixed.annotations.length)), [1, 2]);
  assert.deepEqual(fixed.annotations.bbox(1), [90, 50, 10, 10]);
  assert.equal(changes.length, 5);
  assert.deepEqual(changes.find((c) => c.message.startsWith('clipped'))?.where, {
    file: 'src.json',
    record: 'annotation[1]',
  });
  assert.deepEqual((await validateDataset(fixed, { files: nodeFiles, imageRoot: root })).problems, []);
});
