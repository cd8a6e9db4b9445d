import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { parseClassNames, parseImageSize, parsePythonLiteral } from './python-literal.js';

describe('parseClassNames (Ultralytics names metadata)', () => {
  test('a dict literal with single- and double-quoted names', () => {
    assert.deepEqual(parseClassNames(`{0: 'person', 1: "driver's seat", 2: 'a\\'b'}`), [
      'person',
      "driver's seat",
      "a'b",
    ]);
  });

  test('escapes: \\n, \\x, \\u', () => {
    assert.deepEqual(parseClassNames(`{0: 'a\\nb', 1: '\\xe9t\\u00e9'}`), ['a\nb', 'été']);
  });

  test('a list literal, and gaps in dict ids filled with classN', () => {
    assert.deepEqual(parseClassNames(`['cat', 'dog']`), ['cat', 'dog']);
    assert.deepEqual(parseClassNames(`{0: 'cat', 2: 'dog'}`), ['cat', 'class1', 'dog']);
  });

  test('nothing is evaluated: code is a parse error naming the field', () => {
    assert.throws(
      () => parseClassNames(`__import__('os').system('x')`),
      (e: unknown) => e instanceof DetkitError && e.where.field === 'names',
    );
    assert.throws(() => parseClassNames(`{0: 'a'`), DetkitError);
  });
});

describe('parsePythonLiteral', () => {
  test('numbers, booleans, None, tuples and nested dicts', () => {
    const v = parsePythonLiteral(`{'a': (1, 2.5), 'b': True, 'c': None, 'd': {'e': -3}}`) as Map<string, unknown>;
    assert.deepEqual(v.get('a'), [1, 2.5]);
    assert.equal(v.get('b'), true);
    assert.equal(v.get('c'), null);
    assert.equal((v.get('d') as Map<string, unknown>).get('e'), -3);
  });

  test('imgsz as a list or a single number', () => {
    assert.deepEqual(parseImageSize('[640, 480]'), [640, 480]);
    assert.deepEqual(parseImageSize('320'), [320, 320]);
  });
});
