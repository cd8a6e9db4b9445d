import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterDataset } from './filter.js';
import { datasetOf } from './ops-fixtures.test.util.js';

// Images 1-4: [car, person], [car], [person], [] — tagged and split as below; boxes are 20×20.
const street = () => {
  const d = datasetOf([['car', 'person'], ['car'], ['person'], []], (i) => ({
    tags: i % 2 === 0 ? ['day'] : ['night'],
    split: i < 2 ? 'train' : 'val',
  }));
  d.annotations.setBox(0, [0, 0, 5, 5]); // a 25 px² car
  d.annotations.scores.set([0.9, 0.2, 0.6, 0.4]);
  return d;
};

test('--classes keeps only those classes, in the boxes and the category list', () => {
  const { dataset, report } = filterDataset(street(), { classes: ['Car'] });
  assert.deepEqual(
    dataset.categories.map((c) => c.name),
    ['car'],
  );
  assert.equal(dataset.annotations.length, 2);
  assert.equal(report.boxes.byClass, 2);
  assert.equal(dataset.images.length, 4, 'images stay unless --drop-empty');
});

test('--exclude-classes drops those classes', () => {
  const { dataset, report } = filterDataset(street(), { excludeClasses: ['person'] });
  assert.deepEqual(
    dataset.categories.map((c) => c.name),
    ['car'],
  );
  assert.equal(report.boxes.byClass, 2);
});

test('area bounds apply to w×h, inclusive', () => {
  assert.equal(filterDataset(street(), { minArea: 26 }).report.boxes.byArea, 1);
  assert.equal(filterDataset(street(), { minArea: 25 }).report.boxes.byArea, 0);
  assert.equal(filterDataset(street(), { maxArea: 399 }).report.boxes.byArea, 3);
  assert.equal(filterDataset(street(), { maxArea: 400 }).report.boxes.byArea, 0);
});

test('--min-score drops low predictions and keeps boxes without a score', () => {
  const d = street();
  d.annotations.scores[3] = Number.NaN;
  const { dataset, report } = filterDataset(d, { minScore: 0.5 });
  assert.equal(report.boxes.byScore, 1);
  assert.deepEqual([...dataset.annotations.scores.subarray(0, dataset.annotations.length)], [0.9, 0.6, Number.NaN]);
});

test('--tags and --split keep matching images, their boxes leaving with the rest', () => {
  const byTag = filterDataset(street(), { tags: ['night'] });
  assert.deepEqual(
    byTag.dataset.images.map((im) => im.id),
    [2, 4],
  );
  assert.equal(byTag.report.images.byTag, 2);
  assert.equal(byTag.report.boxes.withImage, 3);
  const bySplit = filterDataset(street(), { splits: ['val'] });
  assert.deepEqual(
    bySplit.dataset.images.map((im) => im.id),
    [3, 4],
  );
  assert.equal(bySplit.report.images.bySplit, 2);
});

test('--drop-empty drops negatives and images left without boxes', () => {
  const { dataset, report } = filterDataset(street(), { classes: ['car'], dropEmpty: true });
  assert.deepEqual(
    dataset.images.map((im) => im.id),
    [1, 2],
  );
  assert.equal(report.images.empty, 2);
});

test('an unknown class name is a one-line error listing the classes', () => {
  assert.throws(() => filterDataset(street(), { classes: ['bus'] }), {
    message: '--classes: class "bus" is not in the dataset (classes: car, person)',
  });
});
