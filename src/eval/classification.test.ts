import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from '../core/dataset.js';
import { evaluateClassification, samplesFromDatasets, samplesFromScores } from './classification.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} != ${b}`);
const categories = [
  { id: 1, name: 'a' },
  { id: 2, name: 'b' },
  { id: 3, name: 'c' },
];
// y_true = [a, a, a, b, b, c], y_pred = [a, a, b, b, c, c]
const truth = [1, 1, 1, 2, 2, 3];
const top1 = [1, 1, 2, 2, 3, 3];
const samples = truth.map((t, i) => ({ truth: t, ranked: [top1[i]] }));

test('per-class precision, recall, F1 and support match sklearn', () => {
  const r = evaluateClassification(samples, { categories });
  // a: tp 2 fp 0 fn 1; b: tp 1 fp 1 fn 1; c: tp 1 fp 1 fn 0.
  const expected = [
    { p: 1, r: 2 / 3, f1: 4 / 5, support: 3 },
    { p: 1 / 2, r: 1 / 2, f1: 1 / 2, support: 2 },
    { p: 1 / 2, r: 1, f1: 2 / 3, support: 1 },
  ];
  r.perClass.forEach((c, i) => {
    close(c.precision, expected[i].p, `${c.name} precision`);
    close(c.recall, expected[i].r, `${c.name} recall`);
    close(c.f1, expected[i].f1, `${c.name} f1`);
    assert.equal(c.support, expected[i].support);
  });
});

test('macro averages the per-class values, weighted uses support, micro counts globally', () => {
  const { micro, macro, weighted } = evaluateClassification(samples, { categories }).averages;
  close(macro.precision, (1 + 1 / 2 + 1 / 2) / 3, 'macro P');
  close(macro.recall, (2 / 3 + 1 / 2 + 1) / 3, 'macro R');
  close(macro.f1, (4 / 5 + 1 / 2 + 2 / 3) / 3, 'macro F1');
  close(weighted.precision, (3 * 1 + 2 * (1 / 2) + 1 * (1 / 2)) / 6, 'weighted P');
  close(weighted.recall, (3 * (2 / 3) + 2 * (1 / 2) + 1) / 6, 'weighted R');
  close(weighted.f1, (3 * (4 / 5) + 2 * (1 / 2) + 2 / 3) / 6, 'weighted F1');
  // Single-label, every image predicted: micro P = R = F1 = accuracy.
  for (const v of [micro.precision, micro.recall, micro.f1]) close(v, 4 / 6, 'micro');
});

test('confusion matrix rows are true labels, columns predicted (sklearn orientation)', () => {
  const { confusion } = evaluateClassification(samples, { categories });
  assert.deepEqual(confusion.names, ['a', 'b', 'c']);
  assert.deepEqual(confusion.matrix, [
    [2, 1, 0],
    [0, 1, 1],
    [0, 0, 1],
  ]);
});

test('a class never predicted gets precision 0 and a note (zero division)', () => {
  const r = evaluateClassification(
    [
      { truth: 1, ranked: [1] },
      { truth: 2, ranked: [1] },
    ],
    { categories },
  );
  const b = r.perClass.find((c) => c.name === 'b');
  assert.equal(b?.precision, 0);
  assert.equal(b?.f1, 0);
  assert.match(r.notes.join('\n'), /never predicted: b/);
});

test('top-1 and top-k accuracy from per-image score vectors', () => {
  const s = samplesFromScores(
    [1, 2, 3],
    [
      [0.7, 0.2, 0.1], // a first: top-1 hit
      [0.5, 0.3, 0.2], // b second: top-2 hit
      [0.5, 0.4, 0.1], // c last: miss at k = 2
    ],
    [1, 2, 3],
  );
  const r = evaluateClassification(s, { categories, topK: [1, 2, 5] });
  assert.deepEqual(
    r.topK.map((t) => t.accuracy),
    [1 / 3, 2 / 3, 1],
  );
});

test('datasets: truth from image labels, predictions ranked by annotation score', () => {
  const gt = new Dataset();
  const pred = new Dataset();
  for (const ds of [gt, pred]) for (const c of categories) ds.addCategory(c);
  gt.addImage({ id: 1, file: '1.jpg', width: 1, height: 1, labels: [2] });
  gt.addImage({ id: 2, file: '2.jpg', width: 1, height: 1, labels: [3] });
  gt.addImage({ id: 3, file: '3.jpg', width: 1, height: 1 });
  pred.annotations.add({ imageId: 1, categoryId: 1, bbox: [0, 0, 1, 1], score: 0.3 });
  pred.annotations.add({ imageId: 1, categoryId: 2, bbox: [0, 0, 1, 1], score: 0.6 });
  const { samples: s, unlabeled } = samplesFromDatasets(gt, pred);
  assert.equal(unlabeled, 1);
  assert.deepEqual(s, [
    { truth: 2, ranked: [2, 1] },
    { truth: 3, ranked: [] },
  ]);
  const r = evaluateClassification(s, { categories });
  assert.equal(r.unpredicted, 1);
  assert.equal(r.topK[0].accuracy, 1 / 2);
  assert.equal(r.perClass.find((c) => c.name === 'c')?.recall, 0);
});
