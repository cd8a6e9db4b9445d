import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetOf, times } from './ops-fixtures.test.util.js';
import { sampleDataset } from './sample.js';

const skewed = () =>
  datasetOf([...times(90, ['car']), ...times(3, ['bike']), ['car', 'bus'], ['bus'], ...times(5, [])]);
const ids = (r: ReturnType<typeof sampleDataset>) => r.dataset.images.map((im) => im.id);

test('the same seed draws the same images; another seed others', () => {
  assert.deepEqual(ids(sampleDataset(skewed(), { n: 10, seed: 1 })), ids(sampleDataset(skewed(), { n: 10, seed: 1 })));
  assert.notDeepEqual(
    ids(sampleDataset(skewed(), { n: 10, seed: 1 })),
    ids(sampleDataset(skewed(), { n: 10, seed: 2 })),
  );
});

test('a sample holds n images with their boxes, in dataset order', () => {
  const r = sampleDataset(skewed(), { n: 20, seed: 4 });
  assert.equal(r.dataset.images.length, 20);
  assert.deepEqual(
    ids(r),
    [...ids(r)].sort((a, b) => a - b),
  );
  const chosen = new Set(ids(r));
  const d = skewed();
  assert.equal(
    r.dataset.annotations.length,
    d.annotations.filterRows((row) => chosen.has(d.annotations.imageIds[row])).length,
  );
});

test('balanced sampling covers every class, where random sampling misses rare ones', () => {
  const seeds = [1, 2, 3, 4, 5];
  for (const seed of seeds) {
    const r = sampleDataset(skewed(), { n: 6, balanced: true, seed });
    assert.ok(
      r.report.perClass.every((c) => c.images >= 1),
      `seed ${seed}: ${JSON.stringify(r.report.perClass)}`,
    );
  }
  const missed = seeds.filter((seed) =>
    sampleDataset(skewed(), { n: 6, seed }).report.perClass.some((c) => c.images === 0),
  );
  assert.ok(missed.length >= 4, `random covered every class for ${5 - missed.length} of 5 seeds`);
});

test('balanced sampling takes every image of the rare classes before more of the common one', () => {
  const r = sampleDataset(skewed(), { n: 9, balanced: true, seed: 3 });
  const per = Object.fromEntries(r.report.perClass.map((c) => [c.name, c.images]));
  // 3 bike images, 2 bus images (one also holds a car), then cars: 9 - 3 - 1 = 5 images with a car.
  assert.deepEqual(per, { car: 5, bike: 3, bus: 2 });
  assert.equal(r.dataset.images.length, 9);
});

test('n larger than the dataset is a one-line error', () => {
  assert.throws(() => sampleDataset(skewed(), { n: 101 }), {
    message: 'cannot sample 101 images from a dataset of 100',
  });
});
