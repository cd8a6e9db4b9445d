import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnnotationTable, Dataset } from './dataset.js';

test('annotations keep every field through the columnar table', () => {
  const t = new AnnotationTable(2);
  for (let i = 0; i < 50; i++) t.addBox(1, 3, i, 0, 1, 1);
  const row = t.add({
    id: 900100581904,
    imageId: 7,
    categoryId: 90,
    bbox: [0.1, 0.2, 10.5, 20.25],
    area: 123.5,
    iscrowd: true,
    score: 0.25,
    segmentation: { size: [10, 10], counts: 'abc' },
    attributes: { difficult: true, pose: 'Left', occluded: false },
    extra: { custom: [1, 2] },
  });
  assert.deepEqual(t.get(row), {
    id: 900100581904,
    imageId: 7,
    categoryId: 90,
    bbox: [0.1, 0.2, 10.5, 20.25],
    area: 123.5,
    iscrowd: true,
    score: 0.25,
    segmentation: { size: [10, 10], counts: 'abc' },
    attributes: { difficult: true, pose: 'Left' },
    extra: { custom: [1, 2] },
  });
  assert.equal(t.length, 51);
  assert.deepEqual(t.bbox(49), [49, 0, 1, 1]);
});

test('ids are assigned after the largest given id', () => {
  const t = new AnnotationTable();
  t.addBox(1, 1, 0, 0, 1, 1, Number.NaN, 41);
  const row = t.addBox(1, 1, 0, 0, 1, 1);
  assert.equal(t.ids[row], 42);
});

test('rowsByImage groups rows in image order and skips unknown images', () => {
  const ds = new Dataset();
  ds.addImage({ id: 5, file: 'a.jpg', width: 10, height: 10 });
  ds.addImage({ id: 2, file: 'b.jpg', width: 10, height: 10 });
  ds.annotations.addBox(2, 1, 0, 0, 1, 1);
  ds.annotations.addBox(5, 1, 0, 0, 1, 1);
  ds.annotations.addBox(99, 1, 0, 0, 1, 1);
  ds.annotations.addBox(2, 1, 0, 0, 1, 1);
  const { offsets, order } = ds.rowsByImage();
  assert.deepEqual([...offsets], [0, 1, 3]);
  assert.deepEqual([...order], [1, 0, 3]);
});

test('a million boxes stay well under 100 MB of columns', () => {
  const t = new AnnotationTable(1_000_000);
  assert.ok(t.byteSize() < 100e6);
});
