import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetOf } from '../test-helpers.js';
import { f1Optimal } from './f1-threshold.js';
import { matchByClass } from './matching.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} != ${b}`);
const hit = (x: number) => [x, 0, 10, 10] as [number, number, number, number];
const miss: [number, number, number, number] = [0, 80, 10, 10];

test('the per-class threshold is the score where F1 peaks', () => {
  // 2 GT; detections .9 TP, .8 FP, .7 TP, .6 FP → F1 2/3, 1/2, 4/5, 2/3.
  const gt = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: hit(0) },
    { image: 1, cat: 1, box: hit(40) },
  ]);
  const pred = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: hit(0), score: 0.9 },
    { image: 1, cat: 1, box: miss, score: 0.8 },
    { image: 1, cat: 1, box: hit(40), score: 0.7 },
    { image: 1, cat: 1, box: miss, score: 0.6 },
  ]);
  const best = f1Optimal(matchByClass(gt, pred)).perClass[0].best;
  assert.equal(best?.threshold, 0.7);
  close(best?.f1 ?? 0, 4 / 5, 'F1');
  close(best?.precision ?? 0, 2 / 3, 'precision');
  assert.equal(best?.recall, 1);
});

test('on an F1 tie the higher threshold wins', () => {
  // .9 TP, .8 FP, .7 FP, .6 TP with 2 GT → F1 2/3 at .9 and again 2/3 at .6.
  const gt = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: hit(0) },
    { image: 1, cat: 1, box: hit(40) },
  ]);
  const pred = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: hit(0), score: 0.9 },
    { image: 1, cat: 1, box: miss, score: 0.8 },
    { image: 1, cat: 1, box: [0, 60, 10, 10], score: 0.7 },
    { image: 1, cat: 1, box: hit(40), score: 0.6 },
  ]);
  assert.equal(f1Optimal(matchByClass(gt, pred)).perClass[0].best?.threshold, 0.9);
});

test('the overall threshold maximises the mean F1 over classes', () => {
  // cat: .9 TP. dog: .8 FP, .3 TP. Mean F1: .5 at .9 and .8, (1 + 2/3) / 2 at .3.
  const gt = datasetOf(['cat', 'dog'], 1, [
    { image: 1, cat: 1, box: hit(0) },
    { image: 1, cat: 2, box: hit(40) },
  ]);
  const pred = datasetOf(['cat', 'dog'], 1, [
    { image: 1, cat: 1, box: hit(0), score: 0.9 },
    { image: 1, cat: 2, box: miss, score: 0.8 },
    { image: 1, cat: 2, box: hit(40), score: 0.3 },
  ]);
  const { overall, perClass } = f1Optimal(matchByClass(gt, pred));
  assert.equal(overall.best?.threshold, 0.3);
  close(overall.best?.f1 ?? 0, (1 + 2 / 3) / 2, 'macro F1');
  assert.deepEqual([overall.best?.tp, overall.best?.fp, overall.best?.fn], [2, 1, 0]);
  assert.equal(perClass[0].best?.threshold, 0.9);
  assert.equal(perClass[1].best?.threshold, 0.3);
});

test('a detection matching only a crowd region is neither TP nor FP', () => {
  const gt = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: hit(0) },
    { image: 1, cat: 1, box: [0, 50, 50, 50], crowd: true },
  ]);
  const pred = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: [10, 60, 10, 10], score: 0.9 },
    { image: 1, cat: 1, box: hit(0), score: 0.8 },
  ]);
  const [m] = matchByClass(gt, pred);
  assert.equal(m.gtCount, 1);
  assert.deepEqual(Array.from(m.truePositive), [1]);
});
