import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BoxSpec, datasetOf } from '../test-helpers.js';
import { type TideErrorType, tideErrors } from './tide.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} != ${b}`);
const names = ['cat', 'dog'];
const box = (x: number, y = 0) => [x, y, 10, 10] as [number, number, number, number];

function run(gtBoxes: BoxSpec[], predBoxes: BoxSpec[], images = 1) {
  const r = tideErrors(datasetOf(names, images, gtBoxes), datasetOf(names, images, predBoxes));
  const get = (type: TideErrorType) => r.main.find((e) => e.type === type) as (typeof r.main)[number];
  return { r, get };
}

test('classification error: right box, wrong class; fixing it turns it into a TP of the GT class', () => {
  const { r, get } = run([{ image: 1, cat: 1, box: box(0) }], [{ image: 1, cat: 2, box: box(0), score: 0.9 }]);
  assert.equal(get('cls').count, 1);
  assert.equal(get('miss').count, 0, 'the GT is the target of the Cls error, not missed');
  // Base: cat AP 0 (GT, no TP), dog AP 0 (FP, no GT). Fixed: cat AP 1, dog empty.
  close(r.ap, 0, 'base AP');
  close(get('cls').dAP, 1, 'dAP');
});

test('localisation error: right class, IoU between t_b and t_f', () => {
  // IoU 50 / 150 = 1/3.
  const { get } = run([{ image: 1, cat: 1, box: box(0) }], [{ image: 1, cat: 1, box: box(5), score: 0.9 }]);
  assert.equal(get('loc').count, 1);
  close(get('loc').dAP, 1, 'dAP');
});

test('both error: wrong class and IoU between t_b and t_f', () => {
  const { get } = run([{ image: 1, cat: 1, box: box(0) }], [{ image: 1, cat: 2, box: box(5), score: 0.9 }]);
  assert.equal(get('both').count, 1);
  assert.equal(get('miss').count, 1);
});

test('duplicate error: a second detection of an already matched GT', () => {
  // 2 GT; .9 TP, .8 duplicate, .7 TP: precision 1, 1/2, 2/3 → envelope 1 up to recall .5, 2/3 after:
  // 101-point AP = (51 · 1 + 50 · 2/3) / 101; fixed: 1.
  const { r, get } = run(
    [
      { image: 1, cat: 1, box: box(0) },
      { image: 1, cat: 1, box: box(40) },
    ],
    [
      { image: 1, cat: 1, box: box(0), score: 0.9 },
      { image: 1, cat: 1, box: box(0.5), score: 0.8 },
      { image: 1, cat: 1, box: box(40), score: 0.7 },
    ],
  );
  assert.equal(get('dupe').count, 1);
  close(r.ap, (51 + (50 * 2) / 3) / 101, 'base AP');
  close(get('dupe').dAP, 1 - (51 + (50 * 2) / 3) / 101, 'dAP');
});

test('background error: IoU ≤ t_b with every GT, or an image without GT', () => {
  const { get } = run(
    [{ image: 1, cat: 1, box: box(0) }],
    [
      { image: 1, cat: 1, box: box(0), score: 0.9 },
      { image: 1, cat: 1, box: box(50, 50), score: 0.8 },
      { image: 2, cat: 2, box: box(0), score: 0.7 },
    ],
    2,
  );
  assert.equal(get('bkg').count, 2);
  // Base: cat AP 1 (its FP ranks below the TP), dog AP 0 (FP, no GT) → .5; fixed: dog empty → 1.
  close(get('bkg').dAP, 0.5, 'dAP');
});

test('missed error: a GT no detection comes near; fixing it removes it from the positives', () => {
  // 2 GT, one found: AP = recall-capped 51/101; without the missed GT: 1.
  const { r, get } = run(
    [
      { image: 1, cat: 1, box: box(0) },
      { image: 1, cat: 1, box: box(50, 50) },
    ],
    [{ image: 1, cat: 1, box: box(0), score: 0.9 }],
  );
  assert.equal(get('miss').count, 1);
  close(r.ap, 51 / 101, 'base AP');
  close(get('miss').dAP, 1 - 51 / 101, 'dAP');
  close(r.special.falseNegative, 1 - 51 / 101, 'FN special');
});

test('only the highest-scored of several localisation errors on one GT is fixed', () => {
  // Two poor boxes on one GT: fixing Loc makes the .9 one a TP and drops the .8 one → AP 1.
  const { get } = run(
    [{ image: 1, cat: 1, box: box(0) }],
    [
      { image: 1, cat: 1, box: box(5), score: 0.9 },
      { image: 1, cat: 1, box: box(0, 5), score: 0.8 },
    ],
  );
  assert.equal(get('loc').count, 2);
  close(get('loc').dAP, 1, 'dAP');
});
