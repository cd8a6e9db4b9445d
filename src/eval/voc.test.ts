import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxIou } from './box-overlap.js';
import { datasetOf } from './test-helpers.js';
import { evaluateVoc, vocAp } from './voc.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} != ${b}`);

// Three GTs; detections by score: TP, FP, TP, FP →
// recall 1/3, 1/3, 2/3, 2/3; precision 1, 1/2, 2/3, 1/2.
const gt3 = datasetOf(['cat'], 1, [
  { image: 1, cat: 1, box: [0, 0, 10, 10] },
  { image: 1, cat: 1, box: [20, 0, 10, 10] },
  { image: 1, cat: 1, box: [40, 0, 10, 10] },
]);
const pred4 = datasetOf(['cat'], 1, [
  { image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.9 },
  { image: 1, cat: 1, box: [70, 70, 10, 10], score: 0.8 },
  { image: 1, cat: 1, box: [20, 0, 10, 10], score: 0.7 },
  { image: 1, cat: 1, box: [70, 50, 10, 10], score: 0.6 },
]);

test('VOC2010+ AP is the area under the monotone precision envelope', () => {
  // Envelope: 1 up to recall 1/3, 2/3 up to recall 2/3, 0 after: 1/3·1 + 1/3·2/3 = 5/9.
  const r = evaluateVoc(gt3, pred4, { method: 'voc12' });
  close(r.perClass[0].ap, 5 / 9, 'AP');
  close(r.map, 5 / 9, 'mAP');
});

test('VOC2007 AP averages the max precision at 11 recall points on the same PR points', () => {
  // t = 0 … 0.3 → 1 (4 points); t = 0.4 … 0.6 → 2/3 (3 points); t ≥ 0.7 → 0.
  const r = evaluateVoc(gt3, pred4, { method: 'voc07' });
  close(r.perClass[0].ap, (4 * 1 + 3 * (2 / 3)) / 11, 'AP');
  assert.deepEqual(Array.from(r.perClass[0].recall), [1 / 3, 1 / 3, 2 / 3, 2 / 3]);
  assert.deepEqual(Array.from(r.perClass[0].precision), [1, 1 / 2, 2 / 3, 1 / 2]);
});

test('VOC2007 11-point thresholds follow numpy.arange (0.30000000000000004 > 0.3)', () => {
  // Recall stops at exactly 0.3: the 4th point (t = 3 × 0.1) is already out of reach.
  close(vocAp([0.1, 0.3], [1, 1], 'voc07'), 3 / 11, 'AP');
});

test('a detection matching a difficult GT is neither TP nor FP, and difficult GTs do not count', () => {
  const gt = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: [0, 0, 10, 10] },
    { image: 1, cat: 1, box: [50, 50, 10, 10], difficult: true },
  ]);
  const pred = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: [50, 50, 10, 10], score: 0.9 },
    { image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.8 },
  ]);
  for (const method of ['voc07', 'voc12'] as const) {
    const c = evaluateVoc(gt, pred, { method }).perClass[0];
    assert.equal(c.gtCount, 1);
    assert.equal(c.difficultCount, 1);
    assert.equal(c.ignored, 1);
    assert.equal(c.truePositives, 1);
    assert.equal(c.falsePositives, 0);
    close(c.ap, 1, method);
  }
});

test('a second detection of the same GT is a false positive', () => {
  const gt = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: [0, 0, 10, 10] },
    { image: 1, cat: 1, box: [50, 50, 10, 10] },
  ]);
  const pred = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.9 },
    { image: 1, cat: 1, box: [1, 1, 10, 10], score: 0.8 },
    { image: 1, cat: 1, box: [50, 50, 10, 10], score: 0.7 },
  ]);
  const c = evaluateVoc(gt, pred, { method: 'voc12' }).perClass[0];
  assert.equal(c.truePositives, 2);
  assert.equal(c.falsePositives, 1);
  // recall .5, .5, 1; precision 1, .5, 2/3 → .5·1 + .5·2/3.
  close(c.ap, 0.5 + 0.5 * (2 / 3), 'AP');
});

test('equal scores keep their input order (stable sort)', () => {
  const gt = datasetOf(['cat'], 1, [{ image: 1, cat: 1, box: [0, 0, 10, 10] }]);
  const pred = datasetOf(['cat'], 1, [
    { image: 1, cat: 1, box: [70, 70, 10, 10], score: 0.5 },
    { image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.5 },
  ]);
  const c = evaluateVoc(gt, pred, { method: 'voc12' }).perClass[0];
  assert.deepEqual(Array.from(c.precision), [0, 1 / 2]);
  close(c.ap, 0.5, 'AP');
});

test('IoU of exactly 0.5 is a match (the devkit compares ovmax >= minoverlap)', () => {
  const gt = datasetOf(['cat'], 1, [{ image: 1, cat: 1, box: [0, 0, 10, 10] }]);
  const pred = datasetOf(['cat'], 1, [{ image: 1, cat: 1, box: [0, 0, 10, 5], score: 0.9 }]);
  assert.equal(evaluateVoc(gt, pred).perClass[0].truePositives, 1);
});

test("the devkit's +1 pixel IoU equals detkit's continuous IoU", () => {
  // VOC corners (1,1,10,10) and (6,1,15,10): devkit iw = 10 − 6 + 1 = 5, ih = 10, areas 10·10,
  // IoU = 50 / 150. In detkit's frame they are x = xmin − 1, w = xmax − xmin + 1.
  const boxes = [0, 0, 10, 10, 5, 0, 10, 10];
  close(boxIou(boxes, 0, boxes, 1), 50 / 150, 'IoU');
});

test('mAP averages only classes with non-difficult GT', () => {
  const gt = datasetOf(['cat', 'dog'], 1, [{ image: 1, cat: 1, box: [0, 0, 10, 10] }]);
  const pred = datasetOf(['cat', 'dog'], 1, [
    { image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.9 },
    { image: 1, cat: 2, box: [50, 50, 10, 10], score: 0.9 },
  ]);
  const r = evaluateVoc(gt, pred);
  assert.ok(Number.isNaN(r.perClass[1].ap));
  close(r.map, 1, 'mAP');
});
