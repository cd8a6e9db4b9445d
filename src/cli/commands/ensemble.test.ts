import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const main = new URL('../main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'detkit-ensemble-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
const run = (...args: string[]) => spawnSync(process.execPath, [main, 'ensemble', ...args], { encoding: 'utf8' });

// Two models see the same object (IoU 0.6 in a 100×100 image); the first also sees one on image 2.
const a = write('a.json', [
  { image_id: 1, category_id: 3, bbox: [10, 10, 40, 40], score: 0.9 },
  { image_id: 2, category_id: 1, bbox: [0, 0, 20, 20], score: 0.5 },
]);
const b = write('b.json', [{ image_id: 1, category_id: 3, bbox: [20, 10, 40, 40], score: 0.6 }]);
const gt = write('gt.json', {
  images: [
    { id: 1, width: 100, height: 100 },
    { id: 2, width: 50, height: 40 },
  ],
});

test('ensemble --method wbf writes fused COCO results, boxes normalised by the --gt image sizes', () => {
  const out = join(dir, 'wbf.json');
  const r = run(a, b, '--gt', gt, '--out', out, '--weights', '2,1', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).boxesOut, 2);
  const fused = JSON.parse(readFileSync(out, 'utf8'));
  // x1 = (1.8·10 + 0.6·20)/2.4 px; score (2.4/2)·2/3; the lone box: 0.5·2/3.
  assert.deepEqual(fused[0].bbox, [12.5, 10, 40, 40]);
  assert.ok(Math.abs(fused[0].score - 0.8) < 1e-12);
  assert.deepEqual(
    { ...fused[1], score: undefined },
    { image_id: 2, category_id: 1, bbox: [0, 0, 20, 20], score: undefined },
  );
  assert.ok(Math.abs(fused[1].score - 1 / 3) < 1e-12);
});

test('ensemble without --gt normalises by the box extent and says so', () => {
  const out = join(dir, 'nms.json');
  const r = run(a, b, '--method', 'nms', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /no --gt given/);
  const kept = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(
    kept.map((k: { bbox: number[]; score: number }) => [k.bbox, k.score]),
    [
      [[10, 10, 40, 40], 0.9],
      [[0, 0, 20, 20], 0.5],
    ],
  );
});

test('a bad record fails in one line naming the file, the record and the field', () => {
  const bad = write('bad.json', [{ image_id: 1, category_id: 3, bbox: [20, 10, 40], score: 0.6 }]);
  const r = run(a, bad, '--out', join(dir, 'x.json'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^detkit: .*bad\.json \(\[0\]\) field "bbox": bbox must be 4 finite numbers/m);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
