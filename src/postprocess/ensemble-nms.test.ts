import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelBoxes } from './ensemble-input.js';
import { ensembleNms, ensembleSoftNms } from './ensemble-nms.js';

const near = (actual: ArrayLike<number>, expected: number[]) => {
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < expected.length; k++)
    assert.ok(Math.abs(actual[k] - expected[k]) < 1e-12, `${actual[k]} vs ${expected[k]}`);
};

const model = (boxes: number[][], scores: number[], labels: number[]): ModelBoxes => ({
  boxes: boxes.flat(),
  scores,
  labels,
});

// B overlaps A with IoU exactly 0.5 (binary fractions: no rounding).
const A = [0.125, 0.125, 0.5, 0.5];
const B = [0.125, 0.125, 0.5, 0.3125];
const far = [0.6, 0.6, 0.9, 0.9];

test('ensemble nms pools all models and suppresses per label when IoU > iou_thr', () => {
  const r = ensembleNms([model([A, far], [0.7, 0.4], [1, 0]), model([A], [0.9], [1])], { iouThr: 0.5 });
  // Label 0 first (labels ascending), then label 1 where model 1's 0.9 suppresses model 0's 0.7.
  assert.deepEqual([...r.labels], [0, 1]);
  assert.deepEqual([...r.scores], [0.4, 0.9]);
  assert.deepEqual([...r.boxes], [...far, ...A]);
});

test('ensemble nms keeps IoU equal to iou_thr, and scales scores by w/Σw only when weights are given', () => {
  const models = [model([A], [0.6], [0]), model([B], [0.8], [0])];
  assert.deepEqual([...ensembleNms(models, { iouThr: 0.5 }).scores], [0.8, 0.6]);
  const weighted = ensembleNms(models, { iouThr: 0.49, weights: [3, 1] });
  assert.deepEqual([...weighted.scores], [(0.6 * 3) / 4]);
  assert.deepEqual([...weighted.boxes], A);
});

test('ensemble soft_nms reports original scores by default and drops decayed scores at or below thresh', () => {
  const models = [model([A], [0.9], [0]), model([B], [0.8], [0])];
  const decayed = 0.8 * Math.exp(-(0.5 * 0.5) / 0.5);
  const r = ensembleSoftNms(models);
  assert.deepEqual([...r.scores], [0.9, 0.8]);
  const rescored = ensembleSoftNms(models, { scores: 'decayed' });
  near(rescored.scores, [0.9, decayed]);
  assert.equal(ensembleSoftNms(models, { thresh: rescored.scores[1] }).length, 1);
  const linear = ensembleSoftNms(models, { method: 'linear', iouThr: 0.3, scores: 'decayed' });
  near(linear.scores, [0.9, 0.8 * (1 - 0.5)]);
});
