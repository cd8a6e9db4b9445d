import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DetkitError } from '../../core/errors.js';
import { checkRle, rleArea, rleDecode, rleEncode, rleMerge, rleToBbox } from './rle.js';
import { rleFrString, rleToString } from './rle-string.js';

// Outputs of cocoapi's maskApi.c on random inputs (see fixtures/README.md).
const ref = JSON.parse(
  readFileSync(new URL('../../../../src/eval/mask/fixtures/maskapi-reference.json', import.meta.url), 'utf8'),
);

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Column-major mask from rows written top to bottom ('#' = 1). */
function mask(rows: string[]): { m: Uint8Array; h: number; w: number } {
  const h = rows.length;
  const w = rows[0].length;
  const m = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[x * h + y] = rows[y][x] === '#' ? 1 : 0;
  return { m, h, w };
}

test('encode then decode gives back random masks of every density', () => {
  const rand = random(7);
  for (let i = 0; i < 200; i++) {
    const h = 1 + Math.floor(rand() * 40);
    const w = 1 + Math.floor(rand() * 40);
    const flip = [0.5, 0.1, 0.01, 0][i % 4];
    const m = new Uint8Array(h * w);
    let v = rand() < 0.5 ? 1 : 0;
    for (let j = 0; j < m.length; j++) {
      if (rand() < flip) v ^= 1;
      m[j] = v;
    }
    const rle = rleEncode(m, h, w);
    assert.deepEqual(rleDecode(rle), m);
    assert.equal(
      rleArea(rle),
      m.reduce((a, b) => a + b, 0),
    );
  }
});

test('counts are column-major and start with a run of zeros, empty when the first pixel is set', () => {
  const { m, h, w } = mask(['#.', '##', '..']);
  assert.deepEqual(Array.from(rleEncode(m, h, w).counts), [0, 2, 2, 1, 1]);
  const empty = mask(['...', '...']);
  assert.deepEqual(Array.from(rleEncode(empty.m, empty.h, empty.w).counts), [6]);
});

test('encode ends a run at any byte change, like maskApi (0/255 masks work, mixed values split)', () => {
  assert.deepEqual(Array.from(rleEncode(Uint8Array.of(0, 255, 255, 0), 4, 1).counts), [1, 2, 1]);
  assert.deepEqual(Array.from(rleEncode(Uint8Array.of(0, 1, 2, 0), 4, 1).counts), [1, 1, 1, 1]);
});

test('encode rejects a mask whose length is not h*w', () => {
  assert.throws(() => rleEncode(new Uint8Array(5), 2, 3), DetkitError);
});

test('area counts the runs of ones', () => {
  const { m, h, w } = mask(['.##.', '.#..', '....']);
  assert.equal(rleArea(rleEncode(m, h, w)), 3);
});

test('toBbox of a blob is its tight x, y, w, h', () => {
  const { m, h, w } = mask(['.....', '..##.', '..#..', '.....']);
  assert.deepEqual(rleToBbox(rleEncode(m, h, w)), [2, 1, 2, 2]);
});

test('toBbox widens to the full height when a run of ones wraps into the next column', () => {
  // Bottom of column 0 and top of column 1 are one run: maskApi then takes rows 0..h-1.
  const { m, h, w } = mask(['.#.', '...', '#..']);
  assert.deepEqual(rleToBbox(rleEncode(m, h, w)), [0, 0, 2, 3]);
});

test('toBbox of an empty mask is all zeros', () => {
  assert.deepEqual(rleToBbox({ h: 3, w: 4, counts: Uint32Array.of(12) }), [0, 0, 0, 0]);
});

test('area and toBbox match maskApi on random masks', () => {
  for (const c of ref.rles) {
    const rle = rleFrString(c.counts, c.size[0], c.size[1]);
    assert.equal(rleArea(rle), c.area, c.counts);
    assert.deepEqual(rleToBbox(rle), c.bbox, c.counts);
  }
});

test('merge is the pixelwise union or intersection', () => {
  const a = mask(['##..', '##..', '....']);
  const b = mask(['.##.', '....', '.##.']);
  const ra = rleEncode(a.m, a.h, a.w);
  const rb = rleEncode(b.m, b.h, b.w);
  assert.deepEqual(
    rleDecode(rleMerge([ra, rb], false)),
    a.m.map((v, i) => v | b.m[i]),
  );
  assert.deepEqual(
    rleDecode(rleMerge([ra, rb], true)),
    a.m.map((v, i) => v & b.m[i]),
  );
});

test('merge matches maskApi run for run on random masks', () => {
  for (const c of ref.merge) {
    const rles = c.counts.map((s: string) => rleFrString(s, c.size[0], c.size[1]));
    assert.equal(rleToString(rleMerge(rles, false)), c.union);
    assert.equal(rleToString(rleMerge(rles, true)), c.intersection);
  }
});

test('merge of one mask is a copy, of none an empty 0x0 mask', () => {
  const one = { h: 2, w: 1, counts: Uint32Array.of(1, 1) };
  const merged = rleMerge([one], false);
  assert.deepEqual(merged, one);
  assert.notEqual(merged.counts, one.counts);
  assert.deepEqual(rleMerge([], false), { h: 0, w: 0, counts: new Uint32Array(0) });
});

test('merge refuses masks of different sizes', () => {
  const a = { h: 2, w: 2, counts: Uint32Array.of(4) };
  const b = { h: 4, w: 1, counts: Uint32Array.of(4) };
  assert.throws(() => rleMerge([a, b], false), /different sizes: 2x2 and 4x1/);
});

test('an RLE whose counts do not cover h*w pixels is rejected', () => {
  const bad = { h: 2, w: 2, counts: Uint32Array.of(1, 2) };
  assert.throws(() => checkRle(bad), /sum to 3 but the mask has 2x2 = 4 pixels/);
  assert.throws(() => rleDecode(bad), DetkitError);
  assert.throws(() => rleMerge([bad, bad], true), DetkitError);
});
