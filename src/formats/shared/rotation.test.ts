import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFiles } from '../../io/node-files.js';
import { cvat } from '../cvat/index.js';
import { labelstudio } from '../labelstudio/index.js';
import { fixture, scratch } from './golden.js';
import { rotatedExtent, rotatePoint } from './values.js';

test('rotation is clockwise on screen (y down): (1, 0) turned 90° about the origin is (0, 1)', () => {
  const [x, y] = rotatePoint(1, 0, 0, 0, 90);
  assert.equal(x, 0);
  assert.equal(y, 1);
});

test('the extent of a 20×10 box turned 90° about its centre is 10×20 about the same centre', () => {
  assert.deepEqual(rotatedExtent([10, 10, 20, 10], 90, 20, 15), [15, 5, 10, 20]);
  assert.deepEqual(rotatedExtent([10, 10, 20, 10], 0, 20, 15), [10, 10, 20, 10]);
});

test('a CVAT rotated box (centre pivot) survives Label Studio (top-left pivot) and back', async () => {
  const fromCvat = await cvat.read(nodeFiles, fixture('cvat', 'input.xml'));
  const studio = join(scratch(), 'export.json');
  await labelstudio.write(fromCvat, nodeFiles, studio);
  const viaStudio = await labelstudio.read(nodeFiles, studio);
  assert.deepEqual(viaStudio.annotations.bbox(2), [15, 5, 10, 20]);
  assert.deepEqual(viaStudio.annotations.attributes.get(2), { rotation: 90, unrotated_box: [10, 10, 20, 10] });
});
