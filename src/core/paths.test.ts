import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePath, relativePath } from './paths.js';

test("relativePath from '.' (a dataset read from the current folder, or a browser drop) adds no '..'", () => {
  assert.equal(relativePath('.', 'images/train/a.jpg'), 'images/train/a.jpg');
  assert.equal(relativePath('./data', 'data/images/a.jpg'), 'images/a.jpg');
  assert.equal(relativePath('images', '.'), '..');
});

test('relativePath climbs out of the folders the paths do not share', () => {
  assert.equal(relativePath('/data/labels', '/data/images/a.jpg'), '../images/a.jpg');
  assert.equal(relativePath('/data', '/data'), '.');
});

test('normalizePath drops empty and "." segments, resolves "..", keeps normal paths as they are', () => {
  const cases: [string, string][] = [
    ['', '.'],
    ['.', '.'],
    ['/', '/'],
    ['a', 'a'],
    ['/a/b.jpg', '/a/b.jpg'],
    ['a/', 'a'],
    ['/a/', '/a'],
    ['a//b', 'a/b'],
    ['./a', 'a'],
    ['a/./b', 'a/b'],
    ['a/..', '.'],
    ['a/../..', '..'],
    ['/..', '/'],
    ['../a', '../a'],
    ['.hidden/...', '.hidden/...'],
    ['a/..b/c.', 'a/..b/c.'],
  ];
  for (const [path, normal] of cases) assert.equal(normalizePath(path), normal, path);
});
