/** Request tensors: base64 images and JSON numeric data, decoded without intermediate copies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromBase64, type HttpError } from './limits.js';
import { decodeInputs } from './tensors.js';

const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
const b64 = Buffer.from(bytes).toString('base64');
const refused = (message: RegExp) => (e: HttpError) => e.statusCode === 400 && message.test(e.message);

test('base64, URL-safe base64, unpadded and line-wrapped text all decode to the same bytes', () => {
  const urlSafe = b64.replace(/\+/g, '-').replace(/\//g, '_');
  const wrapped = b64.replace(/(.{76})/g, '$1\n');
  for (const text of [b64, urlSafe, b64.replace(/=+$/, ''), wrapped]) {
    assert.deepEqual(fromBase64(text, 'x'), bytes, text.slice(0, 20));
  }
  assert.deepEqual(fromBase64('', 'x'), new Uint8Array(0));
});

test('a character outside base64 is refused, also where skipping it would keep the decoded length', () => {
  // 'QUJD$' decodes (skipping '$') to the 3 bytes its length predicts.
  for (const text of ['QUJD$', 'QU!D', 'QUJD==QUJD', 'QUJDR===']) {
    assert.throws(() => fromBase64(text, 'inputs[0]'), refused(/inputs\[0\]: not valid base64/), text);
  }
});

test('nested JSON numbers fill the tensor of the declared datatype in row-major order', () => {
  const [fp32, int64, bool] = decodeInputs(
    [
      {
        name: 'a',
        shape: [2, 2],
        datatype: 'FP32',
        data: [
          [1.5, 2],
          [3, 4],
        ],
      },
      { name: 'b', shape: [3], datatype: 'INT64', data: [1.9, -2.5, 7] },
      { name: 'c', shape: [2], datatype: 'BOOL', data: [true, false] },
    ],
    undefined,
  ) as { tensor: { data: ArrayLike<unknown>; dims: number[] } }[];
  assert.deepEqual(fp32!.tensor.data, Float32Array.of(1.5, 2, 3, 4));
  assert.deepEqual(fp32!.tensor.dims, [2, 2]);
  assert.deepEqual(int64!.tensor.data, BigInt64Array.of(1n, -2n, 7n));
  assert.deepEqual(bool!.tensor.data, Uint8Array.of(1, 0));
});

test('JSON data of the wrong count is refused before any tensor is allocated, even for a huge shape', () => {
  assert.throws(
    () => decodeInputs([{ name: 'a', shape: [1e9, 1e9, 3], datatype: 'FP32', data: [1] }], undefined),
    refused(/needs 3000000000000000000 values, got 1/),
  );
  assert.throws(
    () => decodeInputs([{ name: 'a', shape: [3], datatype: 'FP32', data: [[1, 2]] }], undefined),
    refused(/shape \[3\] needs 3 values, got 2/),
  );
});

test('JSON data that is not numbers is refused', () => {
  assert.throws(
    () => decodeInputs([{ name: 'a', shape: [2], datatype: 'FP32', data: [1, 'x'] }], undefined),
    refused(/inputs\[0\]\.data must hold numbers/),
  );
  assert.throws(
    () => decodeInputs([{ name: 'a', shape: [2], datatype: 'INT32', data: [[1], [null]] }], undefined),
    refused(/must hold numbers/),
  );
});
