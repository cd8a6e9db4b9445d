import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { npMean, npSum, pairwiseSum, stableSortDesc } from './numeric.js';
import { defaultParams, linspace } from './params.js';

describe('numpy arithmetic COCOeval depends on', () => {
  test('IoU thresholds are np.linspace(.5, .95, 10): i * step + start, so the 9th is 0.8999999999999999', () => {
    const t = defaultParams().iouThrs;
    assert.equal(t.length, 10);
    assert.equal(t[8], 0.8999999999999999);
    assert.equal(t[9], 0.95);
    assert.equal(t[5], 0.75);
  });

  test('recall thresholds are np.linspace(0, 1, 101): some sit one ulp above k/100', () => {
    const r = defaultParams().recThrs;
    assert.equal(r.length, 101);
    assert.equal(r[35], 0.35000000000000003);
    assert.equal(r[70], 0.7000000000000001);
    assert.equal(r[95], 0.9500000000000001);
    assert.equal(r[100], 1);
    assert.deepEqual(linspace(2, 3, 1), [2]);
  });

  test('pairwise summation: a plain loop under 8 values, 8 accumulators up to 128', () => {
    const tiny = [1, 2 ** -53, 2 ** -53];
    assert.equal(pairwiseSum(tiny), 1); // sequential: each tiny term is lost
    // 16 values: accumulator r1 collects both tiny terms (2^-52) before meeting the 1.
    const sixteen = [1, 2 ** -53, 0, 0, 0, 0, 0, 0, 0, 2 ** -53, 0, 0, 0, 0, 0, 0];
    assert.equal(pairwiseSum(sixteen), 1 + 2 ** -52);
  });

  test('np.sum goes through 8192-value buffer chunks, each summed pairwise (numpy 1.x)', () => {
    const values = new Float64Array(8193).fill(2 ** -53);
    values[0] = 1;
    values[8192] = 1;
    assert.equal(npSum(values), pairwiseSum(values, 0, 8192) + 1);
    assert.equal(npMean([0.5, 0.25]), 0.375);
  });

  test('stable descending sort keeps input order among equal keys (mergesort on -score)', () => {
    const key = [0.5, 0.9, 0.5, 0.9, 0.1, 0.5];
    for (const n of [6, 40]) {
      const keys = Array.from({ length: n }, (_, i) => key[i % key.length]);
      const idx = Int32Array.from(keys.keys());
      stableSortDesc(idx, 0, n, keys, new Int32Array(n));
      const expected = [...keys.keys()].sort((a, b) => keys[b] - keys[a] || a - b);
      assert.deepEqual(Array.from(idx), expected);
    }
  });
});
