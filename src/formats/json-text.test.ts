import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { firstSyntaxError, lineColumn, parseJson } from './json-text.js';

test('line and column are 1-based and count from the last newline', () => {
  assert.deepEqual(lineColumn('ab\ncd\nef', 0), { line: 1, column: 1 });
  assert.deepEqual(lineColumn('ab\ncd\nef', 4), { line: 2, column: 2 });
  assert.deepEqual(lineColumn('ab\ncd\nef', 8), { line: 3, column: 3 });
});

test('the scanner stops where a strict parser does', () => {
  assert.equal(firstSyntaxError('[1, 2,]'), 6);
  assert.equal(firstSyntaxError('{"a" 1}'), 5);
  assert.equal(firstSyntaxError('{"a": tru}'), 9);
  assert.equal(firstSyntaxError('["a\\x"]'), 4);
  assert.equal(firstSyntaxError('[01]'), 2);
  assert.equal(firstSyntaxError('{"a": [1, 2'), 11);
  assert.equal(firstSyntaxError('{"a": 1} x'), 9);
});

test('parseJson errors name file:line:column in one line', () => {
  assert.throws(
    () => parseJson('{\n  "a": [1,\n  2,,\n]}', 'x.json'),
    (e: unknown) =>
      e instanceof DetkitError && /^x\.json:3:5: invalid JSON: /.test(e.message) && !e.message.includes('\n'),
  );
});
