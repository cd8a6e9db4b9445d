/** End to end: split, merge, remap, filter and sample run as a user runs them, on the shipped sample. */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detkit, sample, sampleDir, sampleJson, scratchIn } from './cli.test.util.js';

const scratch = scratchIn('detkit-ops-');
const json = (r: ReturnType<typeof detkit>) => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};
const readCoco = (dir: string) => {
  const annotations = join(dir, 'annotations');
  return JSON.parse(readFileSync(join(annotations, readdirSync(annotations)[0]), 'utf8'));
};
function assertOneLineError(r: ReturnType<typeof detkit>, pattern: RegExp) {
  assert.equal(r.code, 2);
  assert.match(r.stderr.trimEnd(), pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
}

test('split writes one dataset per split, reproducibly, each still pointing at its images', () => {
  const out = scratch();
  const r = json(detkit('split', sample, out, '--ratios', '0.6,0.2,0.2', '--seed', '3', '--json'));
  assert.deepEqual(
    r.splits.map((s: { name: string; images: number }) => [s.name, s.images]),
    [
      ['train', 3],
      ['val', 1],
      ['test', 1],
    ],
  );
  assert.equal(
    r.splits.reduce((n: number, s: { boxes: number }) => n + s.boxes, 0),
    sampleJson.annotations.length,
  );
  const files = (dir: string) =>
    ['train', 'val', 'test'].map((s) => readCoco(join(dir, s)).images.map((im: { file_name: string }) => im.file_name));
  const again = scratch();
  json(detkit('split', sample, again, '--ratios', '0.6,0.2,0.2', '--seed', '3', '--json'));
  assert.deepEqual(files(out), files(again));
  for (const s of ['train', 'val', 'test']) assert.equal(detkit('validate', join(out, s)).code, 0, `${s} validates`);
});

test('split --counts --stratify --copy-images --to yolo copies images per split', () => {
  const out = scratch();
  const r = json(
    detkit(
      'split',
      sample,
      out,
      '--counts',
      '3,2',
      '--names',
      'a,b',
      '--stratify',
      '--copy-images',
      '--to',
      'yolo',
      '--json',
    ),
  );
  assert.equal(r.method, 'stratified');
  assert.equal(r.to, 'yolo');
  assert.equal(readdirSync(join(out, 'a', 'images', 'a')).length, 3);
  assert.equal(readdirSync(join(out, 'b', 'images', 'b')).length, 2);
});

test('split with ratios that do not sum to 1 is a one-line error and writes nothing', () => {
  const out = join(scratch(), 'splits');
  assertOneLineError(
    detkit('split', sample, out, '--ratios', '0.7,0.2'),
    /^detkit: ratios 0.7, 0.2 sum to 0.9, not 1$/,
  );
  assert.equal(existsSync(out), false);
});

test('split prints per-split and per-class tables by default', () => {
  const r = detkit('split', sample, scratch(), '--ratios', '0.6,0.4', '--names', 'train,val');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^split\s+images\s+boxes\s+negatives\s+target\s+max class deviation/m);
  assert.match(r.stdout, /^class\s+train images \(share\)\s+val images \(share\)/m);
});

test('merge of a dataset with a renamed-class copy: classes unified, ids remapped, clashes and duplicates reported', () => {
  const dir = scratch();
  const copy = structuredClone(sampleJson);
  copy.categories = copy.categories.map((c: { id: number; name: string }) => ({
    ...c,
    id: c.id + 10,
    name: c.name.toUpperCase(),
  }));
  for (const a of copy.annotations) a.category_id += 10;
  copy.categories.push({ id: 99, name: 'yellow' });
  cpSync(join(sampleDir, 'images'), join(dir, 'images'), { recursive: true });
  writeFileSync(join(dir, 'copy.json'), JSON.stringify(copy));
  const out = join(scratch(), 'merged.json');
  const r = json(detkit('merge', sample, join(dir, 'copy.json'), '--out', out, '--json'));
  assert.deepEqual(
    r.categories.map((c: { id: number; name: string }) => [c.id, c.name]),
    [
      [1, 'red'],
      [2, 'green'],
      [4, 'blue'],
      [5, 'yellow'],
    ],
  );
  assert.equal(r.images, 2 * sampleJson.images.length);
  assert.equal(r.renamedFiles.length, sampleJson.images.length);
  assert.equal(r.renamedFiles[0].to, 'copy/block-1.png');
  assert.equal(r.duplicates.length, sampleJson.images.length);
  const merged = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(new Set(merged.images.map((im: { id: number }) => im.id)).size, merged.images.length);
  assert.equal(new Set(merged.annotations.map((a: { id: number }) => a.id)).size, merged.annotations.length);
  assert.equal(detkit('validate', out).code, 0);

  const dropped = json(detkit('merge', sample, join(dir, 'copy.json'), '--out', out, '--dedup', 'drop', '--json'));
  assert.equal(dropped.images, sampleJson.images.length);
  assert.deepEqual(dropped.dropped, { images: sampleJson.images.length, boxes: sampleJson.annotations.length });
  const unhashed = json(detkit('merge', sample, join(dir, 'copy.json'), '--out', out, '--dedup', 'none', '--json'));
  assert.deepEqual(unhashed.duplicates, []);
});

test('merge --copy-images copies clashing files under their new names', () => {
  const out = join(scratch(), 'merged');
  const other = join(scratch(), 'other');
  cpSync(sampleDir, other, { recursive: true });
  json(
    detkit('merge', sample, join(other, 'annotations.json'), '--out', out, '--to', 'coco', '--copy-images', '--json'),
  );
  assert.equal(readdirSync(join(out, 'images', 'other')).length, sampleJson.images.length);
  assert.equal(detkit('validate', out).code, 0);
});

test('remap renames, merges and drops classes from a YAML mapping, with counts', () => {
  const map = join(scratch(), 'map.yaml');
  writeFileSync(map, 'rename:\n  red: warm\n  Green: warm\ndrop: [blue]\n');
  const out = join(scratch(), 'remapped.json');
  const r = json(detkit('remap', sample, '--map', map, '--out', out, '--json'));
  const boxes = (id: number) =>
    sampleJson.annotations.filter((a: { category_id: number }) => a.category_id === id).length;
  assert.deepEqual(r.merged, [
    {
      id: 1,
      name: 'warm',
      from: [
        { name: 'red', boxes: boxes(1) },
        { name: 'green', boxes: boxes(2) },
      ],
      boxes: boxes(1) + boxes(2),
    },
  ]);
  assert.equal(r.droppedBoxes, boxes(4));
  const written = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(
    written.categories.map((c: { name: string }) => c.name),
    ['warm'],
  );
  assert.equal(written.annotations.length, boxes(1) + boxes(2));
});

test('remap with a class the dataset lacks is a one-line error', () => {
  const map = join(scratch(), 'map.json');
  writeFileSync(map, JSON.stringify({ purple: 'warm' }));
  assertOneLineError(
    detkit('remap', sample, '--map', map, '--out', join(scratch(), 'x.json')),
    /^detkit: .*map\.json: class "purple" is not in the dataset \(classes: red, green, blue\)$/,
  );
});

test('filter keeps a class and drops the images left empty, reporting the counts', () => {
  const out = join(scratch(), 'red.json');
  const r = json(detkit('filter', sample, '--out', out, '--classes', 'red', '--drop-empty', '--json'));
  const red = sampleJson.annotations.filter((a: { category_id: number }) => a.category_id === 1);
  const redImages = new Set(red.map((a: { image_id: number }) => a.image_id));
  assert.equal(r.boxes.after, red.length);
  assert.equal(r.boxes.byClass, sampleJson.annotations.length - red.length);
  assert.equal(r.images.after, redImages.size);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).images.length, redImages.size);
});

test('sample -n draws n images reproducibly; more than the dataset is a one-line error', () => {
  const out = join(scratch(), 's.json');
  const a = json(detkit('sample', sample, '--out', out, '-n', '3', '--balanced', '--seed', '5', '--json'));
  assert.equal(a.images, 3);
  assert.ok(
    a.perClass.every((c: { images: number }) => c.images >= 1),
    'balanced covers every class',
  );
  const first = readFileSync(out, 'utf8');
  json(detkit('sample', sample, '--out', out, '-n', '3', '--balanced', '--seed', '5', '--json'));
  assert.equal(readFileSync(out, 'utf8'), first);
  assertOneLineError(
    detkit('sample', sample, '--out', out, '-n', '10'),
    new RegExp(`^detkit: cannot sample 10 images from a dataset of ${sampleJson.images.length}$`),
  );
});
