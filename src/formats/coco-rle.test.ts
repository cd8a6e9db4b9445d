import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeCounts, rleBbox } from './coco-rle.js';

test('a compressed counts string decodes to its runs (deltas from two runs back after the third)', () => {
  assert.deepEqual(decodeCounts('<n0j1'), [12, 30, 58]);
  // 'M' is the delta -3 (2 = 5 - 3), 'Q1' the delta 33 (43 = 10 + 33) in two 5-bit groups.
  assert.deepEqual(decodeCounts('d05:MQ1'), [20, 5, 10, 2, 43]);
});

test('the box of a mask spans every column a foreground run touches', () => {
  // 10×10, column-major: pixels 12..41 are foreground → columns 1..4, a run crossing columns covers all rows.
  assert.deepEqual(rleBbox({ size: [10, 10], counts: '<n0j1' }), [1, 0, 4, 10]);
  // A run inside one column: rows 2..4 of column 3.
  assert.deepEqual(rleBbox({ size: [8, 10], counts: [26, 3, 51] }), [3, 2, 1, 3]);
});

test('an empty mask has an empty box', () => {
  assert.deepEqual(rleBbox({ size: [8, 10], counts: [80] }), [0, 0, 0, 0]);
});

test('the RLE boxes in the COCO fixture agree with their masks', () => {
  const coco = JSON.parse(readFileSync(join(process.cwd(), 'src/formats/fixtures/coco/instances.json'), 'utf8'));
  for (const a of coco.annotations) {
    if (a.segmentation && !Array.isArray(a.segmentation))
      assert.deepEqual(rleBbox(a.segmentation), a.bbox, `annotation ${a.id}`);
  }
});
