import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  boxesCxcywhToXyxy,
  boxesXywhToXyxy,
  boxesXyxyToCxcywh,
  boxesXyxyToXywh,
  cxcywhToXyxy,
  iouXyxy,
  xywhToXyxy,
  xyxyToCxcywh,
  xyxyToXywh,
} from './geometry.js';

test('xywh, xyxy and cxcywh describe the same box', () => {
  assert.deepEqual(xywhToXyxy([10, 20, 30, 40]), [10, 20, 40, 60]);
  assert.deepEqual(xyxyToXywh([10, 20, 40, 60]), [10, 20, 30, 40]);
  assert.deepEqual(xyxyToCxcywh([10, 20, 40, 60]), [25, 40, 30, 40]);
  assert.deepEqual(cxcywhToXyxy([25, 40, 30, 40]), [10, 20, 40, 60]);
});

test('interleaved conversions keep the array type and work in place', () => {
  const xywh = Float32Array.from([10, 20, 30, 40, 0, 0, 1, 2]);
  const xyxy = boxesXywhToXyxy(xywh);
  assert.ok(xyxy instanceof Float32Array);
  assert.deepEqual([...xyxy], [10, 20, 40, 60, 0, 0, 1, 2]);
  assert.deepEqual([...boxesXyxyToXywh(xyxy)], [...xywh]);
  const centre = boxesXyxyToCxcywh([10, 20, 40, 60]);
  assert.deepEqual(centre, [25, 40, 30, 40]);
  boxesCxcywhToXyxy(centre, centre);
  assert.deepEqual(centre, [10, 20, 40, 60]);
});

test('IoU: intersection over union, zero when apart', () => {
  const boxes = [0, 0, 2, 2, 0, 0, 2, 1, 5, 5, 6, 6];
  assert.equal(iouXyxy(boxes, 0, 1), 0.5);
  assert.equal(iouXyxy(boxes, 0, 2), 0);
});
