import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetOf } from '../test-helpers.js';
import { detectionConfusion } from './confusion.js';

const names = ['cat', 'dog'];
const BG = 2;

test('a GT matched by a detection of another class is a confusion (rows predicted, columns true)', () => {
  const gt = datasetOf(names, 1, [{ image: 1, cat: 1, box: [0, 0, 10, 10] }]);
  const pred = datasetOf(names, 1, [{ image: 1, cat: 2, box: [0, 0, 10, 10], score: 0.9 }]);
  const { matrix, labels } = detectionConfusion(gt, pred);
  assert.deepEqual(labels, ['cat', 'dog', 'background']);
  assert.deepEqual(matrix, [
    [0, 0, 0],
    [1, 0, 0],
    [0, 0, 0],
  ]);
});

test('an unmatched GT goes to the background row, an unmatched detection to the background column', () => {
  const gt = datasetOf(names, 2, [{ image: 1, cat: 1, box: [0, 0, 10, 10] }]);
  const pred = datasetOf(names, 2, [
    { image: 1, cat: 2, box: [50, 50, 10, 10], score: 0.9 },
    { image: 2, cat: 1, box: [0, 0, 10, 10], score: 0.9 },
  ]);
  const { matrix } = detectionConfusion(gt, pred);
  assert.equal(matrix[BG][0], 1, 'missed cat');
  assert.equal(matrix[1][BG], 1, 'dog detection with no GT nearby (nothing matched in that image)');
  assert.equal(matrix[0][BG], 1, 'cat detection in an image without GT');
  assert.equal(
    matrix.flat().reduce((s, v) => s + v, 0),
    3,
  );
});

test('the score threshold is strict: a detection at exactly the threshold is dropped', () => {
  const gt = datasetOf(names, 1, [{ image: 1, cat: 1, box: [0, 0, 10, 10] }]);
  const pred = datasetOf(names, 1, [{ image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.25 }]);
  assert.equal(detectionConfusion(gt, pred, { scoreThreshold: 0.25 }).matrix[BG][0], 1);
  assert.equal(detectionConfusion(gt, pred, { scoreThreshold: 0.2 }).matrix[0][0], 1);
});

test('each detection keeps its best-IoU GT, then each GT its best-IoU detection (Ultralytics)', () => {
  // d1 overlaps g1 (0.667) and g2 (0.538) but g1 prefers d2 (IoU 1): d1 is not re-matched to g2.
  const gt = datasetOf(names, 1, [
    { image: 1, cat: 1, box: [0, 0, 10, 10] },
    { image: 1, cat: 1, box: [5, 0, 10, 10] },
  ]);
  const pred = datasetOf(names, 1, [
    { image: 1, cat: 1, box: [2, 0, 10, 10], score: 0.9 },
    { image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.8 },
  ]);
  const { matrix } = detectionConfusion(gt, pred);
  assert.equal(matrix[0][0], 1);
  assert.equal(matrix[BG][0], 1);
  assert.equal(matrix[0][BG], 1);
});

test('detections inside a crowd region are not background false positives', () => {
  const gt = datasetOf(names, 1, [{ image: 1, cat: 1, box: [0, 0, 50, 50], crowd: true }]);
  const pred = datasetOf(names, 1, [{ image: 1, cat: 1, box: [10, 10, 5, 5], score: 0.9 }]);
  assert.deepEqual(
    detectionConfusion(gt, pred)
      .matrix.flat()
      .filter((v) => v > 0),
    [],
  );
});
