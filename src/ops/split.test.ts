import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { datasetOf, splitOfFiles, times } from './ops-fixtures.test.util.js';
import { splitDataset } from './split.js';

const hundred = () =>
  datasetOf([...times(60, ['car']), ...times(20, ['person']), ...times(4, ['bike']), ...times(16, [])]);

test('the same seed gives the same split; another seed a different one', () => {
  const a = splitOfFiles(splitDataset(hundred(), { seed: 7 }).parts);
  const b = splitOfFiles(splitDataset(hundred(), { seed: 7 }).parts);
  const c = splitOfFiles(splitDataset(hundred(), { seed: 8 }).parts);
  assert.deepEqual([...a], [...b]);
  assert.notDeepEqual([...a], [...c]);
});

test('ratios give image counts that add up to the dataset (largest remainder)', () => {
  const { parts, report } = splitDataset(datasetOf(times(10, ['a'])), { ratios: [0.55, 0.25, 0.2] });
  assert.deepEqual(
    parts.map((p) => p.dataset.images.length),
    [6, 2, 2],
  );
  assert.equal(report.leftOut, 0);
});

test('counts give exact image counts and leave the rest out', () => {
  const { parts, report } = splitDataset(hundred(), { counts: [30, 10], names: ['train', 'val'] });
  assert.deepEqual(
    parts.map((p) => [p.name, p.dataset.images.length]),
    [
      ['train', 30],
      ['val', 10],
    ],
  );
  assert.equal(report.leftOut, 60);
});

test('every box goes with its image, and images carry their split name', () => {
  const d = hundred();
  const { parts } = splitDataset(d, {});
  assert.equal(
    parts.reduce((n, p) => n + p.dataset.annotations.length, 0),
    d.annotations.length,
  );
  for (const p of parts) {
    const ids = new Set(p.dataset.images.map((im) => im.id));
    for (let row = 0; row < p.dataset.annotations.length; row++)
      assert.ok(ids.has(p.dataset.annotations.imageIds[row]));
    assert.ok(p.dataset.images.every((im) => im.split === p.name));
  }
  assert.ok(
    d.images.every((im) => im.split === undefined),
    'the input is left alone',
  );
});

test('negatives are split too', () => {
  const { report } = splitDataset(hundred(), { ratios: [0.5, 0.25, 0.25], stratify: true });
  assert.deepEqual(
    report.splits.map((s) => s.negatives),
    [8, 4, 4],
  );
});

/** Each class's images per split within one image of the split's ratio. */
const keepsShares = (r: ReturnType<typeof splitDataset>['report']) =>
  r.splits.every((s) =>
    s.perClass.every((c, k) => {
      const total = r.splits.reduce((n, x) => n + x.perClass[k].images, 0);
      return Math.abs(c.images - s.ratio * total) <= 1;
    }),
  );

test('stratified keeps every class within one image of its share, where random does not', () => {
  const options = { ratios: [0.5, 0.25, 0.25] };
  const seeds = Array.from({ length: 10 }, (_, k) => k + 1);
  for (const seed of seeds) {
    assert.ok(keepsShares(splitDataset(hundred(), { ...options, seed, stratify: true }).report), `seed ${seed}`);
  }
  const randomFails = seeds.filter((seed) => !keepsShares(splitDataset(hundred(), { ...options, seed }).report));
  assert.ok(randomFails.length >= 5, `random kept the shares for ${10 - randomFails.length} of 10 seeds`);
});

test('stratified puts a rare class in every split when it has enough images', () => {
  const d = datasetOf([...times(97, ['car']), ...times(3, ['car', 'unicycle'])]);
  for (const seed of [1, 2, 3]) {
    const { report } = splitDataset(d, { ratios: [0.8, 0.1, 0.1], stratify: true, seed });
    assert.deepEqual(
      report.splits.map((s) => s.perClass[1].images),
      [1, 1, 1],
    );
    assert.deepEqual(
      report.splits.map((s) => s.images),
      [80, 10, 10],
    );
  }
});

test('group-by an image field never splits a group', () => {
  const sizes = [9, 7, 7, 5, 5, 4, 3, 3, 2, 2, 1, 1, 1];
  const video = sizes.flatMap((n, g) => Array.from({ length: n }, () => g));
  const d = datasetOf(
    video.map(() => ['car']),
    (i) => ({ extra: { video_id: video[i] } }),
  );
  for (const seed of [1, 2, 3]) {
    const { parts, report } = splitDataset(d, { groupBy: 'extra.video_id', seed, ratios: [0.6, 0.2, 0.2] });
    const splitOf = splitOfFiles(parts);
    const seen = new Map<number, string>();
    d.images.forEach((im, i) => {
      const s = splitOf.get(im.file)!;
      assert.equal(seen.get(video[i]) ?? s, s, `video ${video[i]} leaks across splits`);
      seen.set(video[i], s);
    });
    assert.equal(report.groups, sizes.length);
    assert.equal(splitOf.size, d.images.length);
    // Greedy balance: no split is more than the largest group away from its target.
    for (const s of report.splits) assert.ok(Math.abs(s.images - s.ratio * d.images.length) <= 9);
  }
});

test('group-by with --stratify keeps groups whole and still spreads a rare class', () => {
  // 12 videos of 5 frames; videos 0, 4 and 8 show a bike.
  const video = Array.from({ length: 60 }, (_, i) => Math.floor(i / 5));
  const d = datasetOf(
    video.map((v) => (v % 4 === 0 ? ['car', 'bike'] : ['car'])),
    (i) => ({ tags: [`video=${video[i]}`] }),
  );
  const { parts, report } = splitDataset(d, { groupBy: 'tag:video=', stratify: true, ratios: [0.6, 0.2, 0.2] });
  const splitsOfVideo = new Map<string, Set<string>>();
  for (const p of parts) {
    for (const im of p.dataset.images)
      splitsOfVideo.set(im.tags![0], (splitsOfVideo.get(im.tags![0]) ?? new Set()).add(p.name));
  }
  assert.ok([...splitsOfVideo.values()].every((s) => s.size === 1));
  assert.deepEqual(
    report.splits.map((s) => s.perClass[1].images),
    [5, 5, 5],
  );
});

test('group-by file:<regex> groups by the first capture; tag:<prefix> by the tag', () => {
  const d = datasetOf(times(12, ['car']), (i) => ({ file: `scene${i % 4}/frame${i}.jpg`, tags: [`cam=${i % 3}`] }));
  const byFolder = splitDataset(d, { groupBy: 'file:^([^/]+)/', ratios: [0.5, 0.5], names: ['a', 'b'] });
  const splitsOfScene = new Map<string, Set<string>>();
  for (const [file, split] of splitOfFiles(byFolder.parts)) {
    const scene = file.split('/')[0];
    splitsOfScene.set(scene, (splitsOfScene.get(scene) ?? new Set()).add(split));
  }
  assert.deepEqual(
    [...splitsOfScene.values()].map((s) => s.size),
    [1, 1, 1, 1],
  );
  assert.equal(byFolder.report.groups, 4);
  const byTag = splitDataset(d, { groupBy: 'tag:cam=', ratios: [0.5, 0.5], names: ['a', 'b'] });
  assert.equal(byTag.report.groups, 3);
  const tagSplit = new Map<string, string>();
  for (const p of byTag.parts) {
    for (const im of p.dataset.images) {
      assert.equal(tagSplit.get(im.tags![0]) ?? p.name, p.name);
      tagSplit.set(im.tags![0], p.name);
    }
  }
});

test('images without a group key form one group each', () => {
  const d = datasetOf(times(6, ['car']), (i) => (i < 3 ? { extra: { video_id: 'v' } } : {}));
  assert.deepEqual(
    (({ groups, ungrouped }) => ({ groups, ungrouped }))(splitDataset(d, { groupBy: 'extra.video_id' }).report),
    { groups: 4, ungrouped: 3 },
  );
});

test('ratios that do not sum to 1, and counts beyond the dataset, are one-line errors', () => {
  assert.throws(() => splitDataset(hundred(), { ratios: [0.8, 0.1] }), {
    name: 'DetkitError',
    message: 'ratios 0.8, 0.1 sum to 0.9, not 1',
  });
  assert.throws(() => splitDataset(hundred(), { counts: [80, 30], names: ['a', 'b'] }), {
    message: 'counts ask for 110 images but the dataset has 100',
  });
  assert.throws(() => splitDataset(hundred(), { ratios: [0.5, 0.5], names: ['a'] }), DetkitError);
});

test('the report compares each class share with the split ratio', () => {
  const { report } = splitDataset(hundred(), { ratios: [0.5, 0.25, 0.25], stratify: true, seed: 3 });
  for (const s of report.splits) {
    for (const c of s.perClass) assert.equal(c.deviation, c.share - s.ratio);
    assert.equal(s.maxDeviation, Math.max(...s.perClass.map((c) => Math.abs(c.deviation))));
  }
});
