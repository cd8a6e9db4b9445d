import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = 'dist/cli/detkit.js';

async function detkit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// Three GTs, detections TP, FP, TP, FP: VOC2010+ AP 5/9, VOC2007 AP 6/11 (see voc.test.ts).
const gtJson = {
  images: [{ id: 1, file_name: '1.jpg', width: 100, height: 100 }],
  categories: [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
    { id: 2, image_id: 1, category_id: 1, bbox: [20, 0, 10, 10], area: 100, iscrowd: 0 },
    { id: 3, image_id: 1, category_id: 1, bbox: [40, 0, 10, 10], area: 100, iscrowd: 0 },
  ],
};
const predJson = [
  { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
  { image_id: 1, category_id: 1, bbox: [70, 70, 10, 10], score: 0.8 },
  { image_id: 1, category_id: 1, bbox: [20, 0, 10, 10], score: 0.7 },
  { image_id: 1, category_id: 2, bbox: [40, 0, 10, 10], score: 0.6 },
];

async function withFiles(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'detkit-eval-'));
  try {
    await writeFile(join(dir, 'gt.json'), JSON.stringify(gtJson));
    await writeFile(join(dir, 'pred.json'), JSON.stringify(predJson));
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('eval --json gives the 12 stats and per-class AP; --analyze adds F1, TIDE and confusion', () =>
  withFiles(async (dir) => {
    const plain = await detkit(['eval', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'pred.json'), '--json']);
    assert.equal(plain.code, 0, plain.stderr);
    const basic = JSON.parse(plain.stdout);
    assert.deepEqual(Object.keys(basic), ['metric', 'iouType', 'statNames', 'stats', 'perClass']);
    assert.equal(basic.perClass[0].name, 'cat');
    const r = await detkit([
      'eval',
      '--gt',
      join(dir, 'gt.json'),
      '--pred',
      join(dir, 'pred.json'),
      '--json',
      '--analyze',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.stats.length, 12);
    assert.deepEqual(Object.keys(out).slice(-4), ['perClass', 'f1Optimal', 'tide', 'confusion']);
    assert.equal(out.perClass[0].name, 'cat');
    assert.equal(out.perClass[0].gtCount, 3);
    assert.equal(out.f1Optimal.overall.threshold, 0.7);
    assert.equal(out.tide.main.find((e: { type: string }) => e.type === 'cls').count, 1);
    // The dog box sits on the third cat GT: a confusion in row dog, column cat.
    assert.deepEqual(out.confusion.labels, ['cat', 'dog', 'background']);
    assert.equal(out.confusion.matrix[1][0], 1);
  }));

test('eval --metric voc07 / voc12 report the 11-point and all-point mAP', () =>
  withFiles(async (dir) => {
    const args = ['eval', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'pred.json'), '--json'];
    const voc12 = JSON.parse((await detkit([...args, '--metric', 'voc12'])).stdout);
    const voc07 = JSON.parse((await detkit([...args, '--metric', 'voc07'])).stdout);
    // cat: TP, FP, TP over 3 GT (the dog detection is another class):
    // recall 1/3, 1/3, 2/3; precision 1, 1/2, 2/3 → VOC12 1/3 + 1/3·2/3 = 5/9, VOC07 (4 + 3·2/3)/11.
    assert.ok(Math.abs(voc12.map - 5 / 9) < 1e-12, String(voc12.map));
    assert.ok(Math.abs(voc07.map - 6 / 11) < 1e-12, String(voc07.map));
    assert.equal(voc12.perClass.length, 2);
  }));

test('eval --metric cls scores image labels from one annotation per image', () =>
  withFiles(async (dir) => {
    const gt = {
      images: [1, 2, 3].map((id) => ({ id, file_name: `${id}.jpg`, width: 10, height: 10 })),
      categories: gtJson.categories,
      annotations: [1, 2, 3].map((id) => ({
        id,
        image_id: id,
        category_id: id === 3 ? 2 : 1,
        bbox: [0, 0, 10, 10],
        area: 100,
        iscrowd: 0,
      })),
    };
    await writeFile(join(dir, 'cls-gt.json'), JSON.stringify(gt));
    await writeFile(
      join(dir, 'cls-pred.json'),
      JSON.stringify([
        { image_id: 1, scores: [0.8, 0.2] },
        { image_id: 2, scores: [0.3, 0.7] },
        { image_id: 3, category_id: 2, score: 0.9 },
      ]),
    );
    const r = await detkit([
      'eval',
      '--metric',
      'cls',
      '--gt',
      join(dir, 'cls-gt.json'),
      '--pred',
      join(dir, 'cls-pred.json'),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.topK[0].accuracy, 2 / 3);
    assert.deepEqual(out.confusion.matrix, [
      [1, 1],
      [0, 1],
    ]);
  }));

test('eval --report writes index.html with the plots; the human output has the extra sections', () =>
  withFiles(async (dir) => {
    const report = join(dir, 'report');
    const r = await detkit([
      'eval',
      '--gt',
      join(dir, 'gt.json'),
      '--pred',
      join(dir, 'pred.json'),
      '--report',
      report,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /F1-optimal score threshold/);
    assert.match(r.stdout, /TIDE error/);
    assert.match(r.stdout, /Confusion matrix \(IoU > 0.45, score > 0.25\)/);
    const html = await readFile(join(report, 'index.html'), 'utf8');
    for (const plot of ['pr-overall', 'confusion', 'tide', 'f1-threshold']) assert.ok(html.includes(`${plot}.svg`));
    assert.match(await readFile(join(report, 'tide.svg'), 'utf8'), /<svg/);
  }));

test('a bad --metric or threshold is a one-line error with exit code 2', () =>
  withFiles(async (dir) => {
    const base = ['eval', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'pred.json')];
    const bad = await detkit([...base, '--metric', 'map']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim(), 'detkit: --metric must be one of coco, voc07, voc12, cls, got "map"');
    const badIou = await detkit([...base, '--iou', '1.5']);
    assert.equal(badIou.code, 2);
    assert.match(badIou.stderr, /--iou must be a number in \[0, 1\]/);
  }));

test('eval --pred takes a Label Studio export with predictions: the same numbers as the COCO results', () =>
  withFiles(async (dir) => {
    const names = new Map(gtJson.categories.map((c) => [c.id, c.name]));
    const tasks = [
      {
        id: 9,
        data: { image: '/data/upload/1/1.jpg' },
        predictions: [
          {
            model_version: 'm',
            result: predJson.map((p) => ({
              type: 'rectanglelabels',
              original_width: 100,
              original_height: 100,
              value: {
                x: p.bbox[0],
                y: p.bbox[1],
                width: p.bbox[2],
                height: p.bbox[3],
                rectanglelabels: [names.get(p.category_id)],
              },
              score: p.score,
            })),
          },
        ],
      },
    ];
    await writeFile(join(dir, 'ls.json'), JSON.stringify(tasks));
    const gt = join(dir, 'gt.json');
    const fromCoco = await detkit(['eval', '--gt', gt, '--pred', join(dir, 'pred.json'), '--json']);
    const fromLs = await detkit(['eval', '--gt', gt, '--pred', join(dir, 'ls.json'), '--json']);
    assert.equal(fromLs.code, 0, fromLs.stderr);
    assert.deepEqual(JSON.parse(fromLs.stdout).stats, JSON.parse(fromCoco.stdout).stats);
    const voc = await detkit(['eval', '--gt', gt, '--pred', join(dir, 'ls.json'), '--metric', 'voc12', '--json']);
    assert.equal(voc.code, 0, voc.stderr);
  }));

test('eval --pred with Label Studio predictions on an image the ground truth lacks names it', () =>
  withFiles(async (dir) => {
    const tasks = [
      {
        data: { image: 'other.jpg' },
        predictions: [
          {
            result: [
              {
                type: 'rectanglelabels',
                original_width: 10,
                original_height: 10,
                value: { x: 0, y: 0, width: 5, height: 5, rectanglelabels: ['cat'] },
                score: 0.5,
              },
            ],
          },
        ],
      },
    ];
    await writeFile(join(dir, 'ls.json'), JSON.stringify(tasks));
    const r = await detkit(['eval', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'ls.json')]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /ls\.json \(prediction 0\): predictions on "other\.jpg", which is not an image of the ground truth/,
    );
  }));

test('one Label Studio export holding annotations and predictions evaluates as --gt and --pred', () =>
  withFiles(async (dir) => {
    const box = (b: number[], label: string, score?: number) => ({
      type: 'rectanglelabels',
      original_width: 100,
      original_height: 100,
      value: { x: b[0], y: b[1], width: b[2], height: b[3], rectanglelabels: [label] },
      ...(score === undefined ? {} : { score }),
    });
    const names = new Map(gtJson.categories.map((c) => [c.id, c.name]));
    const tasks = [
      {
        data: { image: '1.jpg' },
        annotations: [{ result: gtJson.annotations.map((a) => box(a.bbox, names.get(a.category_id) as string)) }],
        predictions: [{ result: predJson.map((p) => box(p.bbox, names.get(p.category_id) as string, p.score)) }],
      },
    ];
    await writeFile(join(dir, 'tasks.json'), JSON.stringify(tasks));
    const both = await detkit(['eval', '--gt', join(dir, 'tasks.json'), '--pred', join(dir, 'tasks.json'), '--json']);
    assert.equal(both.code, 0, both.stderr);
    const fromCoco = await detkit(['eval', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'pred.json'), '--json']);
    // Per-class AP for cat is the same; the Label Studio ground truth has no dog category (no dog box).
    const cat = (out: string) => JSON.parse(out).perClass.find((c: { name: string }) => c.name === 'cat');
    assert.deepEqual(cat(both.stdout), cat(fromCoco.stdout));
  }));
