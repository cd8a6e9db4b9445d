import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from '../core/dataset.js';
import { datasetStats } from './stats.js';

function sample(): Dataset {
  const d = new Dataset();
  d.addCategory({ id: 1, name: 'cat' });
  d.addCategory({ id: 7, name: 'dog' });
  d.addImage({ id: 10, file: 'a.jpg', width: 640, height: 480, split: 'train' });
  d.addImage({ id: 11, file: 'b.jpg', width: 640, height: 480, split: 'train' });
  d.addImage({ id: 12, file: 'c.jpg', width: 640, height: 480, split: 'val' });
  const t = d.annotations;
  t.addBox(10, 1, 0, 0, 31, 33); // 1023 px²: small
  t.addBox(10, 1, 0, 0, 32, 32); // 1024 px²: medium (small is < 32²)
  t.addBox(10, 7, 0, 0, 96, 96); // 9216 px²: large (≥ 96²)
  const crowd = t.addBox(11, 1, 0, 0, 200, 10);
  t.setCrowd(crowd, true);
  t.areas[crowd] = 500; // the given (mask) area decides the size range, not w×h
  return d;
}

test('counts images, annotations, negatives and crowd', () => {
  const s = datasetStats(sample());
  assert.equal(s.images, 3);
  assert.equal(s.annotations, 4);
  assert.equal(s.imagesWithoutAnnotations, 1);
  assert.equal(s.crowd, 1);
  assert.equal(s.scored, 0);
});

test('per class: boxes, and images holding at least one', () => {
  assert.deepEqual(datasetStats(sample()).perCategory, [
    { id: 1, name: 'cat', boxes: 3, images: 2 },
    { id: 7, name: 'dog', boxes: 1, images: 1 },
  ]);
});

test('per split: images and annotations', () => {
  assert.deepEqual(datasetStats(sample()).perSplit, [
    { split: 'train', images: 2, annotations: 4 },
    { split: 'val', images: 1, annotations: 0 },
  ]);
});

test('size ranges follow COCO: small < 32², large ≥ 96², by the given area', () => {
  assert.deepEqual(datasetStats(sample()).sizes, { small: 2, medium: 1, large: 1 });
});

test('aspect ratios are bucketed by w:h, zero-size boxes apart', () => {
  const d = sample();
  d.annotations.addBox(12, 7, 0, 0, 0, 10);
  const counts = Object.fromEntries(datasetStats(d).aspectRatios.map((b) => [b.label, b.count]));
  assert.equal(counts['1:2 – 1:1'], 1);
  assert.equal(counts['1:1 – 2:1'], 2);
  assert.equal(counts['≥ 4:1'], 1);
  assert.equal(counts['zero-size'], 1);
});

test('annotations of unknown categories and images are counted, not dropped', () => {
  const d = sample();
  d.annotations.addBox(99, 3, 0, 0, 1, 1);
  const s = datasetStats(d);
  assert.equal(s.unknownImage, 1);
  assert.equal(s.unknownCategory, 1);
  assert.deepEqual(s.perCategory.at(-1), { id: 3, name: '(not in categories)', boxes: 1, images: 0 });
});

test('no split table when no image has a split', () => {
  const d = sample();
  for (const im of d.images) im.split = undefined;
  assert.deepEqual(datasetStats(d).perSplit, []);
});
