/** Label Studio `predictions` (model pre-annotations) as scored annotations, and back. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Dataset } from '../../core/dataset.js';
import { nodeFiles } from '../../io/node-files.js';
import { assertReadError, fixture, scratch, scratchFile } from '../shared/golden.js';
import { labelstudio } from './index.js';

const PREDICTIONS = fixture('labelstudio', 'predictions.json');
const GOLDEN = fixture('labelstudio', 'predictions.golden.json');
const INPUT = fixture('labelstudio', 'input.json');

const region = (score?: number, label = 'car') => ({
  type: 'rectanglelabels',
  original_width: 200,
  original_height: 100,
  value: { x: 10, y: 10, width: 10, height: 10, rectanglelabels: [label] },
  ...(score === undefined ? {} : { score }),
});

test('an export with predictions and no annotations reads the predictions, scored', async () => {
  const ds = await labelstudio.read(nodeFiles, PREDICTIONS);
  const t = ds.annotations;
  assert.equal(t.length, 4);
  // Region scores; p2 has none and takes its prediction's (0.8).
  assert.deepEqual(Array.from(t.scores.subarray(0, 4)), [0.91, 0.8, 0.42, 0.05]);
  assert.deepEqual(t.bbox(0), [25, 25, 50, 50]);
  assert.deepEqual(t.segmentations.get(2), [[0, 100, 100, 60, 200, 100]]);
  assert.deepEqual(
    ds.categories.map((c) => c.name),
    ['car', 'person', 'road'],
  );
});

test('model_version and the prediction score are kept on the image', async () => {
  const ds = await labelstudio.read(nodeFiles, PREDICTIONS);
  assert.deepEqual(ds.images[0].extra, {
    url: '/data/upload/3/6b0a3c1e-street.jpg',
    model_version: 'yolov8n-2024-03',
    prediction_score: 0.8,
  });
  assert.equal(ds.images[1].file, 'photos/empty lot.jpg');
  assert.equal(ds.images[1].extra?.prediction_score, 0);
});

test('predictions → Label Studio writes the golden file (scores on regions, model_version, prediction score)', async () => {
  const out = scratch();
  await labelstudio.write(await labelstudio.read(nodeFiles, PREDICTIONS), nodeFiles, out);
  assert.equal(readFileSync(join(out, 'labelstudio.json'), 'utf8'), readFileSync(GOLDEN, 'utf8'));
  const again = scratch();
  await labelstudio.write(await labelstudio.read(nodeFiles, GOLDEN), nodeFiles, again);
  assert.equal(readFileSync(join(again, 'labelstudio.json'), 'utf8'), readFileSync(GOLDEN, 'utf8'));
});

test('ground truth still writes annotations only (no predictions key)', async () => {
  const out = scratch();
  await labelstudio.write(await labelstudio.read(nodeFiles, INPUT), nodeFiles, out);
  const tasks = JSON.parse(readFileSync(join(out, 'labelstudio.json'), 'utf8'));
  assert.ok(tasks.every((task: Record<string, unknown>) => !('predictions' in task) && 'annotations' in task));
});

test('a dataset with ground truth and scored rows writes unscored rows as annotations, scored as predictions', async () => {
  const ds = new Dataset();
  ds.addCategory({ id: 1, name: 'car' });
  ds.addImage({ id: 5, file: 'a.jpg', width: 200, height: 100 });
  ds.annotations.add({ imageId: 5, categoryId: 1, bbox: [0, 0, 20, 10] });
  ds.annotations.add({ imageId: 5, categoryId: 1, bbox: [2, 0, 20, 10], score: 0.75 });
  const out = scratch();
  await labelstudio.write(ds, nodeFiles, out, { modelVersion: 'm1' });
  const [task] = JSON.parse(readFileSync(join(out, 'labelstudio.json'), 'utf8'));
  assert.equal(task.annotations[0].result.length, 1);
  assert.equal(task.annotations[0].result[0].score, undefined);
  assert.equal(task.predictions[0].model_version, 'm1');
  assert.deepEqual(
    task.predictions[0].result.map((r: { score: number; value: { x: number } }) => [r.value.x, r.score]),
    [[1, 0.75]],
  );
  // Read back: annotations by default, the predictions on request.
  const file = join(out, 'labelstudio.json');
  assert.equal((await labelstudio.read(nodeFiles, file)).annotations.hasScore(0), false);
  const pred = await labelstudio.read(nodeFiles, file, { predictions: true });
  assert.deepEqual([pred.annotations.length, pred.annotations.scores[0]], [1, 0.75]);
});

test('when tasks have annotations, predictions are not read, and a warning says how to read them', async () => {
  const file = scratchFile(
    'export.json',
    JSON.stringify([
      {
        data: { image: 'a.jpg' },
        annotations: [{ result: [region()] }],
        predictions: [{ result: [region(0.5), region(0.4)] }],
      },
    ]),
  );
  const warnings: string[] = [];
  const ds = await labelstudio.read(nodeFiles, file, { warn: (m) => warnings.push(m) });
  assert.equal(ds.annotations.length, 1);
  assert.ok(
    warnings.some((w) => /predictions of 1 tasks were not read .*predictions: true/.test(w)),
    warnings.join(),
  );
});

test('modelVersion picks that model’s prediction; tasks without one have no rows', async () => {
  const file = scratchFile(
    'export.json',
    JSON.stringify([
      {
        data: { image: 'a.jpg' },
        predictions: [
          { model_version: 'old', result: [region(0.9)] },
          { model_version: 'new', result: [region(0.3), region(0.2)] },
        ],
      },
      { data: { image: 'b.jpg' }, predictions: [{ model_version: 'old', result: [region(0.9)] }] },
    ]),
  );
  const warnings: string[] = [];
  const ds = await labelstudio.read(nodeFiles, file, { modelVersion: 'new', warn: (m) => warnings.push(m) });
  assert.deepEqual(Array.from(ds.annotations.scores.subarray(0, ds.annotations.length)), [0.3, 0.2]);
  assert.equal(ds.images.length, 2);
  assert.ok(
    warnings.some((w) => /\[0\]: 2 predictions; predictions\[1\] is read/.test(w)),
    warnings.join(),
  );
  const none: string[] = [];
  const nothing = await labelstudio.read(nodeFiles, file, { modelVersion: 'v9', warn: (m) => none.push(m) });
  assert.equal(nothing.annotations.length, 0);
  assert.ok(none.includes('labelstudio: no prediction has model_version "v9"'), none.join());
});

test('a region with no score of its own or its prediction’s is read with score 1, with a warning', async () => {
  const file = scratchFile(
    'export.json',
    JSON.stringify([{ data: { image: 'a.jpg' }, predictions: [{ result: [region()] }] }]),
  );
  const warnings: string[] = [];
  const ds = await labelstudio.read(nodeFiles, file, { warn: (m) => warnings.push(m) });
  assert.equal(ds.annotations.scores[0], 1);
  assert.ok(
    warnings.some((w) => /1 predicted regions have no score/.test(w)),
    warnings.join(),
  );
});

test('a score that is not a number names the task, prediction, region and field', async () => {
  const bad = scratchFile(
    'export.json',
    JSON.stringify([
      { data: { image: 'a.jpg' }, predictions: [{ result: [region(), { ...region(), score: 'high' }] }] },
    ]),
  );
  await assertReadError(
    () => labelstudio.read(nodeFiles, bad),
    /export\.json \(\[0\]\.predictions\[0\]\.result\[1\]\) field "score": expected a number, got "high"/,
  );
  const badTask = scratchFile(
    'export.json',
    JSON.stringify([{ data: { image: 'a.jpg' }, predictions: [{ score: [1], result: [] }] }]),
  );
  await assertReadError(
    () => labelstudio.read(nodeFiles, badTask),
    /\(\[0\]\.predictions\[0\]\) field "score": expected a number, got \[1\]/,
  );
});

test('a prediction that is not an object names it', async () => {
  const bad = scratchFile('export.json', JSON.stringify([{ data: { image: 'a.png' }, predictions: [7] }]));
  await assertReadError(
    () => labelstudio.read(nodeFiles, bad),
    /export\.json \(\[0\]\.predictions\[0\]\): a prediction is an object, got 7/,
  );
});
