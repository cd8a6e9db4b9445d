import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softNms } from './soft-nms.js';

const close = (actual: ArrayLike<number>, expected: number[]) => {
  assert.equal(actual.length, expected.length, `${[...Array.from(actual)]} vs ${expected}`);
  for (let k = 0; k < expected.length; k++)
    assert.ok(Math.abs(actual[k] - expected[k]) < 1e-12, `[${k}] ${actual[k]} vs ${expected[k]}`);
};

// A = [0,0,10,10]; B = [0,0,10,5] (IoU with A exactly 0.5); C = [5,0,15,10] (IoU with A 1/3, with B 25/125).
const A = [0, 0, 10, 10];
const B = [0, 0, 10, 5];
const C = [5, 0, 15, 10];

test('linear: a box overlapping the selected one above Nt is decayed by 1 - IoU', () => {
  const r = softNms([...A, ...B], [0.9, 0.8], { method: 'linear', iouThreshold: 0.3 });
  assert.deepEqual([...r.indices], [0, 1]);
  close(r.scores, [0.9, 0.8 * (1 - 0.5)]);
});

test('linear: IoU at or below Nt leaves the score unchanged', () => {
  const r = softNms([...A, ...C], [0.9, 0.8], { method: 'linear', iouThreshold: 0.5 });
  close(r.scores, [0.9, 0.8]);
  const exact = softNms([...A, ...B], [0.9, 0.8], { method: 'linear', iouThreshold: 0.5 });
  close(exact.scores, [0.9, 0.8]);
});

test('gaussian: every overlap decays by exp(-IoU²/sigma)', () => {
  const r = softNms([...A, ...B], [0.9, 0.8], { method: 'gaussian', sigma: 0.5 });
  close(r.scores, [0.9, 0.8 * Math.exp(-(0.5 * 0.5) / 0.5)]);
  const wide = softNms([...A, ...B], [0.9, 0.8], { method: 'gaussian', sigma: 2 });
  close(wide.scores, [0.9, 0.8 * Math.exp(-0.25 / 2)]);
});

test('decays compound and reorder the selection', () => {
  // A selected first: B × exp(-0.25/0.5), C × exp(-(1/3)²/0.5). Then C (higher now) decays B by its IoU 0.2.
  const r = softNms([...A, ...B, ...C], [0.9, 0.8, 0.75], { method: 'gaussian', sigma: 0.5 });
  const c = 0.75 * Math.exp(-(1 / 9) / 0.5);
  const b = 0.8 * Math.exp(-0.25 / 0.5) * Math.exp(-(0.2 * 0.2) / 0.5);
  assert.deepEqual([...r.indices], [0, 2, 1]);
  close(r.scores, [0.9, c, b]);
});

test('a box whose decayed score falls below scoreThreshold is discarded', () => {
  const decayed = 0.8 * Math.exp(-0.5);
  const dropped = softNms([...A, ...B], [0.9, 0.8], { scoreThreshold: decayed + 1e-9 });
  assert.deepEqual([...dropped.indices], [0]);
  const kept = softNms([...A, ...B], [0.9, 0.8], { scoreThreshold: decayed - 1e-9 });
  assert.deepEqual([...kept.indices], [0, 1]);
  assert.deepEqual([...softNms([...A], [0.0005]).indices], []);
});

test('equal scores are selected in input order; empty input gives nothing', () => {
  const r = softNms([...C, ...A], [0.5, 0.5], { method: 'linear', iouThreshold: 0.3 });
  assert.deepEqual([...r.indices], [0, 1]);
  close(r.scores, [0.5, 0.5 * (1 - 1 / 3)]);
  assert.equal(softNms([], []).indices.length, 0);
});
