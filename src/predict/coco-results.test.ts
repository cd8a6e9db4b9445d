import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDetections } from '../core/detections.js';
import { categoryMapper, toCocoResults } from './coco-results.js';

function two() {
  const d = createDetections(2, { labels: ['person', 'bicycle', 'car'] });
  d.boxes.set([10, 20, 110, 70, 0.5, 0.25, 3.5, 8.25]);
  d.scores.set([0.9, 0.4]);
  d.classIds.set([0, 2]);
  return d;
}

test('boxes become COCO xywh, with image id, score and label', () => {
  const results = toCocoResults(two(), 7, (classId) => classId);
  assert.deepEqual(results, [
    { image_id: 7, category_id: 0, bbox: [10, 20, 100, 50], score: 0.9, label: 'person' },
    { image_id: 7, category_id: 2, bbox: [0.5, 0.25, 3, 8], score: 0.4, label: 'car' },
  ]);
});

test('category ids: official ids when the family has them (COCO person → 1, car → 3)', () => {
  const map = categoryMapper([1, 2, 3]);
  assert.deepEqual(
    toCocoResults(two(), 1, map).map((r) => r.category_id),
    [1, 3],
  );
});

test("category ids: a dataset's category of the same name wins over official ids", () => {
  const map = categoryMapper([1, 2, 3], [{ id: 40, name: 'car' }]);
  assert.deepEqual(
    toCocoResults(two(), 1, map).map((r) => r.category_id),
    [1, 40],
  );
});

test('category ids: the class id when nothing else is known', () => {
  assert.equal(categoryMapper(undefined)(5, 'thing'), 5);
});
