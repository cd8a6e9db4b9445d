import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativePath } from './paths.js';

test("relativePath from '.' (a dataset read from the current folder, or a browser drop) adds no '..'", () => {
  assert.equal(relativePath('.', 'images/train/a.jpg'), 'images/train/a.jpg');
  assert.equal(relativePath('./data', 'data/images/a.jpg'), 'images/a.jpg');
  assert.equal(relativePath('images', '.'), '..');
});

test('relativePath climbs out of the folders the paths do not share', () => {
  assert.equal(relativePath('/data/labels', '/data/images/a.jpg'), '../images/a.jpg');
  assert.equal(relativePath('/data', '/data'), '.');
});
