import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COCO_CATEGORY_IDS, COCO_LABELS, cocoCategoryId, cocoClassIndex, isCocoLabels } from './coco-labels.js';

test('80 class names and 80 category ids', () => {
  assert.equal(COCO_LABELS.length, 80);
  assert.equal(COCO_CATEGORY_IDS.length, 80);
  assert.equal(new Set(COCO_LABELS).size, 80);
});

test('category ids rise from person = 1 to toothbrush = 90, skipping the 10 never-annotated ids', () => {
  assert.equal(cocoCategoryId(COCO_LABELS.indexOf('person')), 1);
  assert.equal(cocoCategoryId(COCO_LABELS.indexOf('toothbrush')), 90);
  for (let i = 1; i < 80; i++) assert.ok(COCO_CATEGORY_IDS[i] > COCO_CATEGORY_IDS[i - 1]);
  const skipped = [];
  for (let id = 1; id <= 90; id++) if (!COCO_CATEGORY_IDS.includes(id)) skipped.push(id);
  assert.deepEqual(skipped, [12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);
});

test('ids of classes the tests rely on: cat 17, cup 47, dining table 67', () => {
  assert.equal(cocoCategoryId(COCO_LABELS.indexOf('cat')), 17);
  assert.equal(cocoCategoryId(COCO_LABELS.indexOf('cup')), 47);
  assert.equal(cocoCategoryId(COCO_LABELS.indexOf('dining table')), 67);
});

test('category id → class index is the inverse, -1 for ids outside the 80', () => {
  for (let i = 0; i < 80; i++) assert.equal(cocoClassIndex(COCO_CATEGORY_IDS[i]), i);
  assert.equal(cocoClassIndex(12), -1);
  assert.equal(cocoCategoryId(80), undefined);
});

test('isCocoLabels: only the 80 names in COCO order', () => {
  assert.ok(isCocoLabels([...COCO_LABELS]));
  assert.ok(!isCocoLabels(COCO_LABELS.slice(0, 79)));
  assert.ok(!isCocoLabels([...COCO_LABELS].reverse()));
  assert.ok(!isCocoLabels(undefined));
});
