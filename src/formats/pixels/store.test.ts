import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PixelImages } from './store.js';

/** Two 2×1 RGB records after a one-byte label each, planes R then G then B (CIFAR-style). */
function store(): PixelImages {
  const bytes = Uint8Array.from([7, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16]);
  const s = new PixelImages({ width: 2, height: 1, channels: 3, planar: true });
  s.addRecords(10, 2, bytes, 1, 7);
  return s;
}

test('record blocks map consecutive ids to pixel bytes, planes interleaved on the way out', () => {
  const s = store();
  assert.deepEqual([...s.keys()], [10, 11]);
  assert.equal(s.size, 2);
  assert.deepEqual([...(s.pixels(11)?.data ?? [])], [11, 13, 15, 12, 14, 16]);
  assert.equal(s.has(12), false);
  assert.equal(s.get(12), undefined);
});

test('get encodes a PNG on demand; set overrides it, delete removes it', () => {
  const s = store();
  assert.deepEqual([...(s.get(10)?.subarray(0, 4) ?? [])], [0x89, 0x50, 0x4e, 0x47]);
  s.set(10, Uint8Array.from([1, 2, 3]));
  assert.deepEqual(s.get(10), Uint8Array.from([1, 2, 3]));
  assert.equal(s.pixels(10), undefined, 'explicit bytes win over raw pixels');
  assert.equal(s.delete(11), true);
  assert.deepEqual([...s.keys()], [10]);
});
