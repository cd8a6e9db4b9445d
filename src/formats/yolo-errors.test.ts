/** Bad YOLO input: every error is one line naming the file and, for text, the line. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFiles } from '../io/node-files.js';
import { fixtureCopy } from './fixtures.test.util.js';
import { yolo } from './yolo.js';

const YAML_OK = 'train: images\nval: images\nnames: [cat, dog]\n';

/** A one-image dataset (a.jpg, 10×10) with the given data.yaml and label text. */
async function dataset(yaml: string, labels: string | null): Promise<string> {
  const dir = await fixtureCopy(null, { 'images/a.jpg': [10, 10] });
  writeFileSync(join(dir, 'data.yaml'), yaml);
  mkdirSync(join(dir, 'labels'));
  if (labels !== null) writeFileSync(join(dir, 'labels/a.txt'), labels);
  return dir;
}

async function readError(dir: string): Promise<string> {
  try {
    await yolo.read(nodeFiles, dir);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('the read should have failed');
}

test('a detect line with the wrong number of fields names file:line', async () => {
  const dir = await dataset(YAML_OK, '0 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1\n');
  assert.equal(
    await readError(dir),
    `${join(dir, 'labels/a.txt')}:2: 4 fields where the detect task (from ${join(dir, 'data.yaml')}) needs 5 (class cx cy w h)`,
  );
});

test('a class id out of range names file:line, the class count and the yaml holding the names', async () => {
  const dir = await dataset(YAML_OK, '\n2 0.5 0.5 0.1 0.1\n');
  assert.equal(
    await readError(dir),
    `${join(dir, 'labels/a.txt')}:2: class id 2 is out of range: names in ${join(dir, 'data.yaml')} has 2 classes (0..1)`,
  );
});

test('a non-integer class id names file:line', async () => {
  const dir = await dataset(YAML_OK, '1.5 0.5 0.5 0.1 0.1\n');
  assert.equal(await readError(dir), `${join(dir, 'labels/a.txt')}:1: class id "1.5" is not an integer`);
});

test('a non-numeric value names file:line and the field', async () => {
  const dir = await dataset(YAML_OK, '0 0.5 0.5 0.1 0.1\n0 0.5 abc 0.1 0.1\n');
  assert.equal(await readError(dir), `${join(dir, 'labels/a.txt')}:2: field 3 "abc" is not a number`);
});

test('a data.yaml without names is an error naming the file', async () => {
  const dir = await dataset('train: images\nval: images\nnc: 2\n', null);
  assert.equal(
    await readError(dir),
    `${join(dir, 'data.yaml')} field "names": no "names": the class names are needed to read YOLO labels`,
  );
});

test('names as a dict with a gap in the indices is an error naming the line of names', async () => {
  const dir = await dataset('train: images\nnames:\n  0: cat\n  2: dog\n', null);
  assert.equal(
    await readError(dir),
    `${join(dir, 'data.yaml')}:2 field "names": class indices must be 0..N-1: index 1 has no name`,
  );
});

test('invalid YAML names file:line', async () => {
  const dir = await dataset('train: images\nnames: [cat, dog\nval: images\n', null);
  assert.match(await readError(dir), new RegExp(`^${join(dir, 'data.yaml')}:3: invalid YAML: [^\\n]+$`));
});

test('an unknown task is an error naming the yaml line and field', async () => {
  const dir = await dataset(`${YAML_OK}task: pose\n`, null);
  assert.equal(
    await readError(dir),
    `${join(dir, 'data.yaml')}:4 field "task": unknown YOLO task "pose"; expected detect, segment or obb`,
  );
});

test('an unreadable image header names the image', async () => {
  const dir = await dataset(YAML_OK, '');
  writeFileSync(join(dir, 'images/b.png'), 'not a png');
  assert.equal(
    await readError(dir),
    `${join(dir, 'images/b.png')}: not an image detkit can size (PNG, JPEG, BMP, WebP, TIFF or GIF expected)`,
  );
});

test('a split entry pointing nowhere is an error naming the yaml line and entry', async () => {
  const dir = await dataset('train: images\nval: valid/images\nnames: [cat]\n', '');
  assert.equal(
    await readError(dir),
    `${join(dir, 'data.yaml')}:2 field "val": split source ${join(dir, 'valid/images')} does not exist`,
  );
});

test('a folder without a data.yaml is an error', async () => {
  const dir = await fixtureCopy(null, { 'images/a.jpg': [10, 10] });
  assert.match(await readError(dir), /: no data\.yaml found/);
});

test('an image list line pointing nowhere names the list file and line (fuzz case)', async () => {
  const dir = await dataset('train: train.txt\nnames: [cat]\n', '');
  writeFileSync(join(dir, 'train.txt'), 'images/a.jpg\nimages/none.jpg\n');
  assert.equal(
    await readError(dir),
    `${join(dir, 'train.txt')}:2: listed image (the "train" list of ${join(dir, 'data.yaml')}:1): ${join(dir, 'images/none.jpg')}: no such file or folder`,
  );
});
