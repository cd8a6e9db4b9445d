import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateCocoWith, loadCocoResults, parseCocoGroundTruth } from '../src/eval/coco/index.js';
import { generate, toJsonTexts } from './gen-synth-coco.js';
import { PUBLISHED_STATS } from './published-stats.js';
import { PythonRandom, pyRound, pyRoundInt } from './python-random.js';

describe('the Python generator, ported draw for draw', () => {
  test('PythonRandom gives CPython random.Random(seed).random() values', () => {
    // From CPython 3.11: [random.Random(s).random() for ...]
    const first = (seed: number, n: number) => {
      const r = new PythonRandom(seed);
      return Array.from({ length: n }, () => r.random());
    };
    assert.deepEqual(first(2017, 3), [0.1991629037623992, 0.3430471255692503, 0.3211906924635791]);
    assert.deepEqual(first(0, 2), [0.8444218515250481, 0.7579544029403025]);
    assert.deepEqual(first(2 ** 40 + 5, 2), [0.5043802970418443, 0.2686044399723282]);
  });

  test('round() follows Python: exact ties to even, everything else on the exact binary value', () => {
    assert.equal(pyRound(0.125, 2), 0.12);
    assert.equal(pyRound(0.375, 2), 0.38);
    assert.equal(pyRound(-0.125, 2), -0.12);
    assert.equal(pyRound(2.675, 2), 2.67); // 2.675 is stored just below 2.675
    assert.equal(pyRound(0.000125, 5), 0.00013); // stored just above
    assert.equal(pyRoundInt(1.5), 2);
    assert.equal(pyRoundInt(2.5), 2);
    assert.equal(pyRoundInt(-0.5), 0);
    assert.equal(pyRoundInt(-1.5), -2);
  });
});

describe('the synthetic benchmark data evaluates to pycocotools published stats', () => {
  test('small (500 images, seed 2017): all 12 stats bit-identical', async () => {
    const data = generate(500, 2017);
    assert.equal(data.gt.annotations.length, 3678);
    assert.equal(data.dt.length, 45748);
    const texts = toJsonTexts(data);
    const gt = parseCocoGroundTruth(texts.gt, 'gt.json');
    const dt = await loadCocoResults(texts.dt, gt, { file: 'dt.json' });
    const { stats } = evaluateCocoWith(gt, dt);
    stats.forEach((v, i) =>
      assert.ok(Object.is(v, PUBLISHED_STATS[500][i]), `stats[${i}]: ${v} != ${PUBLISHED_STATS[500][i]}`),
    );
  });
});
