import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { zlibDeflate } from './deflate.js';

function check(data: Uint8Array): Uint8Array {
  const z = zlibDeflate(data);
  assert.deepEqual(new Uint8Array(inflateSync(z)), data);
  return z;
}

test('empty input is a valid zlib stream', () => {
  check(new Uint8Array(0));
});

test('incompressible bytes round-trip through zlib inflate', () => {
  let seed = 7;
  check(Uint8Array.from({ length: 5000 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
});

test('long runs use matches up to 258 bytes and compress', () => {
  const z = check(new Uint8Array(3000).fill(9));
  assert.ok(z.length < 60, `${z.length} bytes`);
});

test('repeats at every distance class round-trip (distance extra bits)', () => {
  const data = new Uint8Array(40000);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 31) % 251) ^ (i >> 11);
  for (const d of [1, 5, 100, 1000, 5000, 20000, 32768]) data.copyWithin(35000, 35000 - d, 35000 - d + 300);
  check(data);
});
