/** End to end: the built CLI run as a user runs it, on the shipped sample and broken copies of it. */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { detkit, sample, sampleDir, sampleJson, scratchIn } from './cli.test.util.js';

const scratch = scratchIn('detkit-cli-');

/** A copy of the sample (images included) whose annotations `edit` may change. */
function sampleCopy(edit?: (coco: typeof sampleJson) => void): string {
  const dir = scratch();
  cpSync(sampleDir, dir, { recursive: true });
  const coco = structuredClone(sampleJson);
  edit?.(coco);
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify(coco, null, 1));
  return join(dir, 'annotations.json');
}

function assertNoStack(stderr: string) {
  assert.doesNotMatch(stderr, /^\s+at /m, `stack trace in stderr:\n${stderr}`);
}

test('info names the format and why', () => {
  const r = detkit('info', sample, '--json');
  assert.equal(r.code, 0);
  const out = JSON.parse(r.stdout);
  assert.equal(out.format, 'coco');
  assert.match(out.candidates[0].reason, /images, annotations, categories/);
});

test('stats --json counts the sample', () => {
  const r = detkit('stats', sample, '--json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.images, sampleJson.images.length);
  assert.equal(s.annotations, sampleJson.annotations.length);
  for (const c of s.perCategory) {
    const boxes = sampleJson.annotations.filter((a: { category_id: number }) => a.category_id === c.id);
    assert.equal(c.boxes, boxes.length, `boxes of ${c.name}`);
  }
  const used = new Set(sampleJson.annotations.map((a: { image_id: number }) => a.image_id));
  assert.equal(s.imagesWithoutAnnotations, sampleJson.images.length - used.size);
});

test('stats prints human tables by default', () => {
  const r = detkit('stats', sample);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^id\s+class\s+boxes\s+images$/m);
  assert.match(r.stdout, /^small \(< 32²\)/m);
});

test('validate passes the sample with exit 0', () => {
  const r = detkit('validate', sample);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /0 problems/);
});

const broken = () =>
  sampleCopy((coco) => {
    coco.annotations[0].bbox = [150, 10, 40, 30]; // past the 160 px right edge
    coco.annotations[1].category_id = 3; // the gap in the ids
    coco.images[1].width = 320; // the PNG says 160
  });

test('validate lists each problem with file and record, and exits 1', () => {
  const path = broken();
  const r = detkit('validate', path);
  assert.equal(r.code, 1);
  assert.match(
    r.stdout,
    new RegExp(`${path} \\(annotations\\[0\\]\\): box \\[150, 10, 40, 30\\] is outside the 160×120 image`),
  );
  assert.match(r.stdout, /\(annotations\[1\]\): category id 3 is not among the categories/);
  assert.match(r.stdout, /\(images\[1\]\): image size 320×120 disagrees with the file header \(160×120\)/);
});

test('validate --json gives kinds and records; --fix writes a copy that validates', () => {
  const path = broken();
  const fixed = join(scratch(), 'fixed.json');
  const r = detkit('validate', path, '--json', '--fix', fixed);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.problems.map((p: { kind: string; record: string }) => [p.kind, p.record]),
    [
      ['image-size-mismatch', 'images[1]'],
      ['box-out-of-bounds', 'annotations[0]'],
      ['unknown-category', 'annotations[1]'],
    ],
  );
  assert.equal(out.changes.length, 3);
  const again = detkit('validate', fixed, '--json');
  assert.equal(again.code, 1, 'the fixed copy sits elsewhere, so its images are missing');
  const kinds = new Set(JSON.parse(again.stdout).problems.map((p: { kind: string }) => p.kind));
  assert.deepEqual([...kinds], ['missing-image-file']);
  const written = JSON.parse(readFileSync(fixed, 'utf8'));
  assert.deepEqual(written.annotations[0].bbox, [150, 10, 10, 30]);
  assert.equal(written.images[1].width, 160);
});

test('convert infers coco from .json and keeps everything (--json summary)', () => {
  const out = join(scratch(), 'out.json');
  const r = detkit('convert', sample, out, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    from: 'coco',
    to: 'coco',
    output: out,
    images: sampleJson.images.length,
    annotations: sampleJson.annotations.length,
    loss: [],
  });
  const written = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(written.annotations, sampleJson.annotations);
  assert.deepEqual(written.categories, sampleJson.categories);
});

test('convert to a folder with --copy-images writes annotations and images', () => {
  const out = join(scratch(), 'coco-out');
  const r = detkit('convert', sample, out, '--to', 'coco', '--copy-images');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(join(out, 'annotations')), ['instances_default.json']);
  assert.equal(readdirSync(join(out, 'images')).length, sampleJson.images.length);
  assert.equal(detkit('validate', out).code, 0);
});

test('convert without --to and an output that names no format asks for --to', () => {
  const out = join(scratch(), 'somewhere');
  const r = detkit('convert', sample, out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pass --to/);
  assert.equal(existsSync(out), false);
});

test('convert --strict refuses a lossy conversion: exit 1, nothing written', () => {
  const dir = scratch();
  const text = readFileSync(sample, 'utf8');
  writeFileSync(join(dir, 'instances_train.json'), text);
  writeFileSync(join(dir, 'instances_val.json'), text.replaceAll('block-', 'val/block-'));
  const out = join(scratch(), 'one.json');
  const r = detkit('convert', dir, out, '--strict');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /coco cannot hold split assignments/);
  assert.equal(existsSync(out), false);
  const lossy = detkit('convert', dir, out, '--json');
  assert.equal(lossy.code, 0, lossy.stderr);
  assert.deepEqual(
    JSON.parse(lossy.stdout).loss.map((l: { what: string }) => l.what),
    ['splits'],
  );
});

test('truncated JSON: one line naming file:line:column, exit 2, no stack, nothing written', () => {
  const dir = scratch();
  const bad = join(dir, 'bad.json');
  const text = readFileSync(sample, 'utf8');
  writeFileSync(bad, text.slice(0, text.indexOf('"annotations"') + 40));
  const lines = text.slice(0, text.indexOf('"annotations"') + 40).split('\n');
  const out = join(dir, 'out.json');
  const r = detkit('convert', bad, out, '--from', 'coco');
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `detkit: ${bad}:${lines.length}:${lines.at(-1)!.length + 1}: invalid JSON: JSON ends too early (truncated file?)\n`,
  );
  assertNoStack(r.stderr);
  assert.equal(existsSync(out), false);
});

test('a wrong type names the JSON path of the value', () => {
  const path = sampleCopy((coco) => {
    coco.annotations[3].bbox = [1, 2, 'wide', 4];
  });
  const r = detkit('stats', path);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `detkit: ${path} (annotations[3].bbox[2]): bbox values must be numbers, got the string "wide"\n`,
  );
});

test('a path that holds no known format says so', () => {
  const r = detkit('stats', scratch());
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no known dataset format recognised here/);
  assertNoStack(r.stderr);
});
