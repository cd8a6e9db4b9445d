import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CocoAccumulated, perClassApRows, prCurves } from './coco-tables.js';

// T = 2 (IoU .5, .75), R = 3 (recall 0, .5, 1), K = 2, A = 1, M = 1; category 2 has no GT.
const precision = Float64Array.from([
  // t = .5: r0 (cat1, cat2), r.5, r1
  1, -1, 1, -1, 0.5, -1,
  // t = .75
  1, -1, 0.5, -1, 0, -1,
]);
const acc: CocoAccumulated = {
  precision,
  dims: [2, 3, 2, 1, 1],
  iouThrs: [0.5, 0.75],
  recThrs: [0, 0.5, 1],
  catIds: [1, 2],
};
const categories = [
  { id: 1, name: 'cat' },
  { id: 2, name: 'dog' },
];

test('per-class AP averages the valid precisions like pycocotools summarize; no-GT classes sort last', () => {
  const rows = perClassApRows(acc, categories, new Map([[1, 4]]));
  assert.equal(rows[0].name, 'cat');
  assert.equal(rows[0].gtCount, 4);
  assert.equal(rows[0].ap, (1 + 1 + 0.5 + 1 + 0.5 + 0) / 6);
  assert.equal(rows[0].ap50, 2.5 / 3);
  assert.equal(rows[0].ap75, 1.5 / 3);
  assert.ok(Number.isNaN(rows[1].ap));
});

test('PR curves at IoU .5 and averaged over IoUs, overall = mean over classes with GT', () => {
  const pr = prCurves(acc, categories);
  assert.deepEqual(pr.recall, [0, 0.5, 1]);
  assert.equal(pr.perClass.length, 1);
  assert.deepEqual(pr.overall.iou50, [1, 1, 0.5]);
  assert.deepEqual(pr.overall.iou50to95, [1, 0.75, 0.25]);
});
