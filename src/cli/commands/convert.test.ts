import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const main = new URL('../main.js', import.meta.url).pathname;
const fixture = resolve(process.cwd(), 'src/formats/fixtures/openimages/validation-set');
const dir = mkdtempSync(join(tmpdir(), 'detkit-convert-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => spawnSync(process.execPath, [main, 'convert', ...args], { encoding: 'utf8' });

test('convert Open Images → YOLO streams, and reports the loss counted on the way', () => {
  const out = join(dir, 'yolo');
  const r = run(fixture, out, '--to', 'yolo', '--json');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.from, 'openimages');
  assert.equal(result.images, 3);
  assert.equal(result.annotations, 3);
  assert.deepEqual(Object.fromEntries(result.loss.map((l: { what: string; count: number }) => [l.what, l.count])), {
    'attribute:occluded': 1,
    'attribute:truncated': 2,
    'attribute:depiction': 1,
    'attribute:group_of': 1,
    'attribute:inside': 1,
    'image-labels': 1,
    'category-ids': 3,
  });
  assert.equal(readFileSync(join(out, 'labels/val/000595fe6fee6369.txt'), 'utf8'), '2 0.5 0.25 1 0.5\n');
});

test('convert --strict refuses a lossy streamed conversion and writes nothing', () => {
  const out = join(dir, 'strict');
  const r = run(fixture, out, '--to', 'yolo', '--strict');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nothing written/);
  assert.throws(() => readFileSync(join(out, 'data.yaml')));
});

test('convert Open Images → VOC (no stream writer) reads into memory instead', () => {
  const out = join(dir, 'voc');
  const r = run(fixture, out, '--to', 'voc', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).annotations, 3);
});
