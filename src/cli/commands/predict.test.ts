import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { humanModel, photo } from '../../families/testing/photos.js';
import { tempDir } from '../../io/temp-dirs.test.util.js';

const run = promisify(execFile);
const main = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const nanodet = humanModel('nanodet.json');

test('predict over files: ids 1..N in sorted path order, official COCO ids, listing beside the results', async () => {
  const dir = tempDir('detkit-predict-');
  const out = join(dir, 'results.json');
  const { stdout } = await run('node', [
    main,
    'predict',
    '--model',
    nanodet,
    photo('coffee.png'),
    photo('chelsea.png'),
    '--out',
    out,
    '--save-images',
    join(dir, 'drawn'),
    '--json',
  ]);
  const summary = JSON.parse(stdout);
  assert.equal(summary.family, 'nanodet');
  assert.equal(summary.images, 2);
  const listing = JSON.parse(readFileSync(join(dir, 'results.images.json'), 'utf8'));
  assert.deepEqual(
    listing.map((i: { id: number; file_name: string; width: number }) => [i.id, i.file_name.split('/').pop(), i.width]),
    [
      [1, 'chelsea.png', 451],
      [2, 'coffee.png', 600],
    ],
  );
  const results = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(results.length, summary.detections);
  const cat = results.find((r: { label: string }) => r.label === 'cat');
  assert.equal(cat.image_id, 1);
  assert.equal(cat.category_id, 17);
  assert.equal(cat.bbox.length, 4);
  assert.ok(existsSync(join(dir, 'drawn', 'chelsea.png')));
});

test('predict over a COCO dataset: image ids and category ids from the dataset', async () => {
  const dir = tempDir('detkit-predict-');
  const dataset = join(dir, 'instances.json');
  writeFileSync(
    dataset,
    JSON.stringify({
      images: [{ id: 42, file_name: 'chelsea.png', width: 451, height: 300 }],
      annotations: [],
      categories: [{ id: 3, name: 'cat' }],
    }),
  );
  const out = join(dir, 'results.json');
  await run('node', [
    main,
    'predict',
    '--model',
    nanodet,
    '--dataset',
    dataset,
    '--images-root',
    join(process.cwd(), 'test-data', 'photos'),
    '--out',
    out,
  ]);
  const results = JSON.parse(readFileSync(out, 'utf8'));
  const cat = results.find((r: { label: string }) => r.label === 'cat');
  assert.equal(cat.image_id, 42);
  assert.equal(cat.category_id, 3);
  assert.ok(!existsSync(join(dir, 'results.images.json')));
});

test('predict with a model no family recognises fails with one line naming the model', async () => {
  const model = join(process.cwd(), 'src', 'runtime', 'fixtures', 'add-relu', 'model.json');
  const failed = await run('node', [main, 'predict', '--model', model, photo('coffee.png'), '--out', '/dev/null']).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  assert.ok(failed);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /^detkit: .*add-relu\/model\.json: no model family recognises this model/);
  assert.equal(failed.stderr.trim().split('\n').length, 1);
});

test('bench-model reports size, load time, latency and the stage split', async () => {
  const { stdout } = await run('node', [
    main,
    'bench-model',
    '--model',
    nanodet,
    '--runs',
    '2',
    '--warmup',
    '0',
    '--image',
    photo('coffee.png'),
    '--json',
  ]);
  const report = JSON.parse(stdout);
  assert.ok(report.bytes > 7_000_000);
  assert.equal(report.family, 'nanodet');
  const [r] = report.results;
  assert.equal(r.batch, 1);
  assert.ok(r.loadMs > 0 && r.latency.p50 > 0 && r.latency.p95 >= r.latency.p50 && r.imagesPerSecond > 0);
  assert.ok(r.stages.inference > 0 && r.stages.decode > 0 && r.stages.preprocess > 0);
});

test('predict over a folder without images fails, naming the folder', async () => {
  const dir = tempDir('detkit-empty-');
  writeFileSync(join(dir, 'notes.txt'), 'no pictures here');
  const failed = await run('node', [main, 'predict', '--model', nanodet, dir, '--out', join(dir, 'r.json')]).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  assert.ok(failed);
  assert.equal(failed.code, 2);
  assert.ok(failed.stderr.startsWith(`detkit: ${dir}: no images found`), failed.stderr);
});
