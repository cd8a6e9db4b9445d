import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rleFrPoly } from './polygon.js';
import { rleArea, rleMerge } from './rle.js';
import { rleToString } from './rle-string.js';
import { segmentationToRle } from './segmentation.js';

const square = [5, 5, 15, 5, 15, 15, 5, 15];
const triangle = [10, 10, 30, 10, 10, 30];

test('one polygon is rasterised at the image size', () => {
  assert.deepEqual(segmentationToRle([square], 40, 50), rleFrPoly(square, 40, 50));
});

test('several polygons are united into one mask', () => {
  const rle = segmentationToRle([square, triangle], 40, 40);
  assert.deepEqual(rle, rleMerge([rleFrPoly(square, 40, 40), rleFrPoly(triangle, 40, 40)], false));
  assert.ok(rleArea(rle) < rleArea(rleFrPoly(square, 40, 40)) + rleArea(rleFrPoly(triangle, 40, 40)));
});

test('uncompressed RLE keeps its counts and its own size', () => {
  const rle = segmentationToRle({ size: [50, 80], counts: [2000, 2000] }, 10, 10);
  assert.deepEqual(rle, { h: 50, w: 80, counts: Uint32Array.of(2000, 2000) });
});

test('compressed RLE is decoded with its own size', () => {
  const s = rleToString(rleFrPoly(square, 40, 40));
  assert.deepEqual(segmentationToRle({ size: [40, 40], counts: s }, 99, 99), rleFrPoly(square, 40, 40));
});

test('a first polygon of 4 numbers fails as in pycocotools, which takes it for a box', () => {
  // pycocotools raises TypeError ("Argument 'bb' has incorrect type") in evaluate().
  assert.throws(() => segmentationToRle([[20, 20, 10, 10]], 40, 40), /polygon 0 has only 4 numbers/);
});

test('a first polygon of fewer than 4 numbers is rejected', () => {
  assert.throws(() => segmentationToRle([[1, 2]], 40, 40), /polygon 0 has 2 numbers/);
});

test('a later polygon with fewer than 3 points is rasterised like pycocotools (empty)', () => {
  assert.deepEqual(segmentationToRle([square, [20, 20, 10, 10]], 40, 40), rleFrPoly(square, 40, 40));
});

test('an odd-length polygon is rejected rather than losing its last number', () => {
  assert.throws(() => segmentationToRle([square, [1, 1, 9, 1, 9, 9, 4]], 40, 40), /polygon 1 has an odd number/);
});

test('an empty polygon list and non-numeric coordinates are rejected', () => {
  assert.throws(() => segmentationToRle([], 40, 40), /empty list of polygons/);
  assert.throws(() => segmentationToRle([[1, 1, 9, 1, 9, '9' as never]], 40, 40), /polygon 0\[5\] is not a number/);
});

test('malformed RLE objects are rejected', () => {
  assert.throws(() => segmentationToRle({ size: [2, 2], counts: [1, 2] }, 2, 2), /sum to 3/);
  assert.throws(() => segmentationToRle({ size: [2, 2], counts: [1, -1, 4] }, 2, 2), /counts\[1\] = -1/);
  assert.throws(() => segmentationToRle({ size: [2] as never, counts: [4] }, 2, 2), /needs "size"/);
  assert.throws(() => segmentationToRle({ size: [2, 2], counts: '4 ' }, 2, 2), /character ' '/);
});
