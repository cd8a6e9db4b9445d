import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeCounts, rleFrString, rleToString } from './rle-string.js';

// Outputs of cocoapi's maskApi.c on random inputs (see fixtures/README.md).
const ref = JSON.parse(
  readFileSync(new URL('../../../../src/eval/mask/fixtures/maskapi-reference.json', import.meta.url), 'utf8'),
);

const rle = (counts: number[]) => ({ h: 1, w: counts.reduce((a, b) => a + b, 0), counts: Uint32Array.from(counts) });

test('strings round-trip counts, from the fourth on stored as differences to counts[i-2]', () => {
  const counts = [3, 10, 0, 4, 7, 1, 20, 5];
  const s = rleToString(rle(counts));
  assert.deepEqual(Array.from(rleFrString(s, 1, 50).counts), counts);
});

test('strings round-trip large counts and differences up to +-2^29 in either direction', () => {
  let seed = 11;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 100; i++) {
    const counts = Array.from({ length: 12 }, () => next() % 2 ** 29);
    if (i % 2) counts[0] = 2 ** 32 - 1; // first three counts are stored whole: any uint32 works
    const s = rleToString(rle(counts));
    assert.deepEqual(Array.from(decodeCounts(s)), counts);
  }
});

test('a negative difference is written with its sign bit, e.g. 5,10,2,4 -> "5:2J"', () => {
  // counts[3] - counts[1] = -6: 5-bit group 0b11010 (0x10 = sign), no continuation -> '0' + 26 = 'J'.
  assert.equal(rleToString(rle([5, 10, 2, 4])), '5:2J');
  assert.deepEqual(Array.from(decodeCounts('5:2J')), [5, 10, 2, 4]);
});

test('strings and decoded counts match maskApi, including its 32-bit overflow on huge differences', () => {
  for (const c of ref.strings) {
    assert.equal(rleToString(rle(c.counts)), c.string);
    assert.deepEqual(Array.from(decodeCounts(c.string)), c.decoded);
  }
});

test('a string with a character outside 0..o is rejected', () => {
  assert.throws(() => rleFrString('5:2 J', 1, 21), /character ' ' at 3/);
  assert.throws(() => rleFrString('5:p', 1, 21), /character 'p' at 2/);
});

test('a string cut inside a count is rejected', () => {
  // '`' (96) has the continuation bit (32) set, so another character must follow.
  assert.throws(() => rleFrString('5`', 1, 5), /ends inside a count/);
});

test('a string whose counts do not sum to h*w is rejected', () => {
  assert.throws(() => rleFrString('5:2J', 1, 20), /decodes to 21 pixels but the mask has 1x20 = 20 pixels/);
});

test('the empty string is a mask with no pixels', () => {
  assert.deepEqual(rleFrString('', 0, 0), { h: 0, w: 0, counts: new Uint32Array(0) });
});
