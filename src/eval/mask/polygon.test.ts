import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DetkitError } from '../../core/errors.js';
import { rleFrBbox, rleFrPoly } from './polygon.js';
import { rleArea, rleToBbox } from './rle.js';
import { rleToString } from './rle-string.js';

// Outputs of cocoapi's maskApi.c on random inputs (see fixtures/README.md).
const ref = JSON.parse(
  readFileSync(new URL('../../../../src/eval/mask/fixtures/maskapi-reference.json', import.meta.url), 'utf8'),
);

// The expected counts below are what maskApi.c's rleFrPoly returns for the same input.

test('an axis-aligned square covers the pixels whose centres lie inside it', () => {
  const rle = rleFrPoly([5, 5, 15, 5, 15, 15, 5, 15], 40, 40);
  assert.equal(rleArea(rle), 100);
  assert.deepEqual(rleToBbox(rle), [5, 5, 10, 10]);
  assert.equal(rleToString(rle), ']6:n000000000000000000So0');
});

test('a triangle is rasterised as maskApi does (45 pixels for legs of 10)', () => {
  const rle = rleFrPoly([0, 0, 10, 0, 0, 10], 12, 12);
  assert.deepEqual(Array.from(rle.counts), [0, 9, 3, 8, 4, 7, 5, 6, 6, 5, 7, 4, 8, 3, 9, 2, 10, 1, 47]);
});

test('vertices round like C (int)(5v + .5): truncation toward zero, so negative ones round up', () => {
  const rle = rleFrPoly([-2.3, -2.3, 3.3, -2.3, 3.3, 3.3, -2.3, 3.3], 8, 8);
  assert.deepEqual(Array.from(rle.counts), [0, 3, 5, 3, 5, 3, 45]);
});

test('half-pixel corners keep only the pixels whose centres are strictly covered', () => {
  const rle = rleFrPoly([0.5, 0.5, 3.5, 0.5, 3.5, 3.5, 0.5, 3.5], 5, 5);
  assert.deepEqual(Array.from(rle.counts), [6, 3, 2, 3, 2, 3, 6]);
});

test('a repeated vertex changes nothing', () => {
  const once = rleFrPoly([1, 1, 6, 1, 6, 6, 1, 6], 8, 8);
  const twice = rleFrPoly([1, 1, 1, 1, 6, 1, 6, 6, 1, 6], 8, 8);
  assert.deepEqual(twice, once);
  assert.deepEqual(Array.from(twice.counts), [9, 5, 3, 5, 3, 5, 3, 5, 3, 5, 18]);
});

test('a polygon outside the image, a point and a segment give empty masks', () => {
  assert.deepEqual(Array.from(rleFrPoly([20, 20, 30, 20, 30, 30, 20, 30], 10, 10).counts), [100]);
  assert.deepEqual(Array.from(rleFrPoly([2, 2], 4, 4).counts), [16]);
  assert.deepEqual(Array.from(rleFrPoly([1, 1, 3, 3], 4, 4).counts), [16]);
  assert.deepEqual(Array.from(rleFrPoly([], 4, 4).counts), [16]);
});

test('polygons match maskApi run for run on random shapes, sizes and coordinate grids', () => {
  for (const c of ref.polygons) assert.equal(rleToString(rleFrPoly(c.xy, c.h, c.w)), c.rle, JSON.stringify(c));
});

test('boxes match maskApi, including negative widths and boxes past the border', () => {
  for (const c of ref.boxes) assert.equal(rleToString(rleFrBbox(c.bbox, c.h, c.w)), c.rle, JSON.stringify(c));
});

test('a box is the polygon of its corners, listed clockwise from the top left', () => {
  for (const c of ref.boxes) {
    const [x, y, w, h] = c.bbox;
    assert.deepEqual(rleFrBbox(c.bbox, c.h, c.w), rleFrPoly([x, y, x + w, y, x + w, y + h, x, y + h], c.h, c.w));
  }
});

test('the mask does not depend on the orientation of the polygon or its first vertex', () => {
  for (const c of ref.polygons) {
    const k = c.xy.length / 2;
    const reversed: number[] = [];
    for (let j = k - 1; j >= 0; j--) reversed.push(c.xy[2 * j], c.xy[2 * j + 1]);
    const rotated = [...c.xy.slice(2), ...c.xy.slice(0, 2)];
    assert.equal(rleToString(rleFrPoly(reversed, c.h, c.w)), c.rle);
    assert.equal(rleToString(rleFrPoly(rotated, c.h, c.w)), c.rle);
  }
});

test('an odd number of coordinates is rejected', () => {
  assert.throws(() => rleFrPoly([1, 1, 5, 1, 5], 8, 8), /odd number of coordinates \(5\)/);
});

test('NaN, infinite and out-of-int-range coordinates are rejected', () => {
  assert.throws(() => rleFrPoly([1, 1, Number.NaN, 1, 5, 5], 8, 8), DetkitError);
  assert.throws(() => rleFrPoly([1, 1, Number.POSITIVE_INFINITY, 1, 5, 5], 8, 8), DetkitError);
  assert.throws(() => rleFrPoly([1, 1, 1e9, 1, 5, 5], 8, 8), /coordinate 2 \(1000000000\)/);
});

test('a box must have four numbers', () => {
  assert.throws(() => rleFrBbox([1, 2, 3], 8, 8), /box has 3 numbers/);
});

test('COCO-like polygons in a 640x480 image match maskApi', () => {
  const { h, w, polygons } = ref.cocoSized;
  for (const p of polygons) assert.equal(rleToString(rleFrPoly(p.xy, h, w)), p.rle);
});
