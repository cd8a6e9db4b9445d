import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../core/dataset.js';
import { sha256Hex } from './image-hash.js';
import { mergeDatasets } from './merge.js';
import { datasetOf } from './ops-fixtures.test.util.js';

// a: car 1, person 2 — images 1, 2. b: Person 1, bus 2, car 3 — images 1, 2, 3 (img-1.jpg, img-2.jpg clash).
const a = () => datasetOf([['car'], ['person']]);
const b = () => {
  const d = datasetOf([[' Person '], ['bus'], ['car']]);
  d.images[2].file = 'other.jpg';
  return d;
};
const categoryOf = (d: Dataset, row: number) => d.categories.find((c) => c.id === d.annotations.categoryIds[row])!.name;

test('categories are unified by name (case-insensitive, trimmed); the first dataset keeps its ids', () => {
  const { dataset, report } = mergeDatasets([
    { name: 'a', dataset: a() },
    { name: 'b', dataset: b() },
  ]);
  assert.deepEqual(
    dataset.categories.map((c) => [c.id, c.name]),
    [
      [1, 'car'],
      [2, 'person'],
      [3, 'bus'],
    ],
  );
  assert.deepEqual(report.categoryRemaps, [
    { source: 'b', name: ' Person ', from: 1, to: 2 },
    { source: 'b', name: 'bus', from: 2, to: 3 },
    { source: 'b', name: 'car', from: 3, to: 1 },
  ]);
  assert.deepEqual(
    Array.from({ length: dataset.annotations.length }, (_, row) => categoryOf(dataset, row)),
    ['car', 'person', 'person', 'bus', 'car'],
  );
});

test('colliding image and annotation ids get the next free ids; boxes follow their image', () => {
  const { dataset, report } = mergeDatasets([
    { name: 'a', dataset: a() },
    { name: 'b', dataset: b() },
  ]);
  assert.deepEqual(
    dataset.images.map((im) => im.id),
    [1, 2, 4, 5, 3],
  );
  assert.equal(report.renumberedImages, 2, "new ids start past the source's own (b keeps image 3)");
  assert.equal(report.renumberedAnnotations, 2);
  assert.equal(new Set(dataset.annotations.ids.subarray(0, dataset.annotations.length)).size, 5);
  const t = dataset.annotations;
  assert.deepEqual([...t.imageIds.subarray(0, t.length)], [1, 2, 4, 5, 3]);
});

test('a file name an earlier source used is prefixed with the source name, and reported', () => {
  const { dataset, report } = mergeDatasets([
    { name: 'a', dataset: a() },
    { name: 'b', dataset: b() },
  ]);
  assert.deepEqual(
    dataset.images.map((im) => im.file),
    ['img-1.jpg', 'img-2.jpg', 'b/img-1.jpg', 'b/img-2.jpg', 'other.jpg'],
  );
  assert.deepEqual(report.renamedFiles, [
    { source: 'b', file: 'img-1.jpg', to: 'b/img-1.jpg' },
    { source: 'b', file: 'img-2.jpg', to: 'b/img-2.jpg' },
  ]);
});

test('exact-duplicate images are reported, or dropped with their boxes', () => {
  const sources = (dedup?: 'drop') =>
    mergeDatasets(
      [
        { name: 'a', dataset: a(), hashes: ['h1', 'h2'] },
        { name: 'b', dataset: b(), hashes: ['h3', 'h1', undefined] },
      ],
      { dedup },
    );
  const reported = sources();
  assert.deepEqual(reported.report.duplicates, [
    { hash: 'h1', kept: { source: 'a', file: 'img-1.jpg' }, duplicate: { source: 'b', file: 'img-2.jpg' } },
  ]);
  assert.equal(reported.dataset.images.length, 5);
  const dropped = sources('drop');
  assert.equal(dropped.dataset.images.length, 4);
  assert.equal(dropped.dataset.annotations.length, 4);
  assert.deepEqual(dropped.report.dropped, { images: 1, boxes: 1 });
});

test('origins give each merged image its source and its index there', () => {
  const { origins } = mergeDatasets([
    { name: 'a', dataset: a() },
    { name: 'b', dataset: b() },
  ]);
  assert.deepEqual(origins[2], { source: 1, image: 0 });
});

test('sha256Hex matches the FIPS 180-2 test vector', async () => {
  assert.equal(
    await sha256Hex(new TextEncoder().encode('abc')),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

test('embedded image bytes (TFRecord) follow their image to its new id', () => {
  const withBytes = b();
  withBytes.info.embeddedImages = new Map([[1, new Uint8Array([1, 2, 3])]]);
  const { dataset } = mergeDatasets([
    { name: 'a', dataset: a() },
    { name: 'b', dataset: withBytes },
  ]);
  assert.deepEqual([...dataset.info.embeddedImages!.keys()], [4]);
  assert.deepEqual(dataset.info.embeddedImages!.get(4), new Uint8Array([1, 2, 3]));
});
