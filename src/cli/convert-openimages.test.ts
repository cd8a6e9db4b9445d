/**
 * The train-scale Open Images path (convert-openimages*.ts) against the general streamed
 * conversion: same files byte for byte, same counts and loss, on small CSVs that hold the
 * awkward cases (unsorted ImageIDs, -1 flags, other sources and confidences, CRLF, quotes,
 * coordinates of every spelling, two splits).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const main = join(process.cwd(), 'dist/cli/detkit.js');
const root = mkdtempSync(join(tmpdir(), 'detkit-oi-fast-'));
after(() => process.env.KEEP_TEST_DIR || rmSync(root, { recursive: true, force: true }));

const HEADER =
  'ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside';

function convert(input: string, output: string, to: string, general = false) {
  const env = { ...process.env, CI: '1', DETKIT_OPENIMAGES_GENERAL: general ? '1' : '' };
  const r = spawnSync(process.execPath, [main, 'convert', input, output, '--to', to, '--json'], {
    encoding: 'utf8',
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, relative path → content. */
function tree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of tree(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return out;
}

let seed = 7;
function rand(): number {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}

/** A dataset folder with the awkward cases; returns its path. */
function makeDataset(name: string, lines: (split: string) => string[], splits = ['train', 'validation']): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'class-descriptions-boxable.csv'), '/m/01,Cat\n/m/02,"Dog, big"\n/m/03,Car\n');
  const ids = new Set<string>();
  for (const split of splits) {
    const body = lines(split);
    for (const l of body) ids.add(l.split(',')[0]);
    writeFileSync(join(dir, `${split}-annotations-bbox.csv`), `${HEADER}\r\n${body.join('\r\n')}\r\n`);
  }
  writeFileSync(
    join(dir, 'image-sizes.csv'),
    `ImageID,Width,Height\n${[...ids].map((id, k) => `${id},${[1024, 768, 333][k % 3]},${[768, 1024, 500][k % 3]}`).join('\n')}\n`,
  );
  return dir;
}

const SPELLINGS = [
  (v: number) => v.toFixed(6),
  (v: number) => `${v}`,
  (v: number) => v.toFixed(2),
  (v: number) => v.toFixed(7),
];

function randomLines(split: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < 300; i++) {
    // Mostly grouped, with ImageIDs coming back later (unsorted) and a shared one across splits.
    const image = i % 37 === 5 ? 'shared' : `${split}${Math.floor(i / 4) % 50}`;
    const x1 = rand() * 0.7;
    const y1 = rand() * 0.7;
    const spell = SPELLINGS[i % SPELLINGS.length];
    const flag = () => ['0', '1', '0', '-1', '1'][Math.floor(rand() * 5)];
    const source = i % 11 === 0 ? 'activemil' : i % 29 === 0 ? '"verification"' : 'xclick';
    const label = ['/m/01', '/m/02', '/m/03', '"/m/02"'][i % 4];
    const confidence = i % 13 === 0 ? '0.5' : '1';
    out.push(
      `${image},${source},${label},${confidence},${spell(x1)},${spell(x1 + rand() * 0.3)},${spell(y1)},${spell(y1 + rand() * 0.3)},${flag()},${flag()},${flag()},${flag()},${flag()}`,
    );
  }
  return out;
}

test('Open Images → YOLO: the same label files, data.yaml, counts and loss as the general streamed path', () => {
  const data = makeDataset('random', randomLines);
  const fast = convert(data, join(root, 'yolo-fast'), 'yolo');
  const general = convert(data, join(root, 'yolo-general'), 'yolo', true);
  assert.equal(fast.code, 0, fast.stderr);
  assert.equal(general.code, 0, general.stderr);
  assert.deepEqual(tree(join(root, 'yolo-fast')), tree(join(root, 'yolo-general')));
  const strip = (s: string) => ({ ...JSON.parse(s), output: undefined });
  assert.deepEqual(strip(fast.stdout), strip(general.stdout));
  assert.equal(fast.stderr, general.stderr);
});

test('Open Images → COCO: the same JSON, counts and loss as the general streamed path (file and folder output)', () => {
  const data = makeDataset('random-coco', randomLines);
  for (const out of ['coco.json', 'coco-folder']) {
    const fast = convert(data, join(root, `fast-${out}`), 'coco');
    const general = convert(data, join(root, `general-${out}`), 'coco', true);
    assert.equal(fast.code, 0, fast.stderr);
    assert.equal(general.code, 0, general.stderr);
    const fastTree = out.endsWith('.json')
      ? new Map([['', readFileSync(join(root, `fast-${out}`), 'utf8')]])
      : tree(join(root, `fast-${out}`));
    const generalTree = out.endsWith('.json')
      ? new Map([['', readFileSync(join(root, `general-${out}`), 'utf8')]])
      : tree(join(root, `general-${out}`));
    assert.deepEqual(fastTree, generalTree);
    for (const text of fastTree.values()) JSON.parse(text);
    const strip = (s: string) => ({ ...JSON.parse(s), output: undefined });
    assert.deepEqual(strip(fast.stdout), strip(general.stdout));
  }
});

test('Open Images → COCO: valid JSON with every box, each image once, ids in CSV order', () => {
  const data = makeDataset('valid-coco', randomLines, ['train']);
  const r = convert(data, join(root, 'valid.json'), 'coco');
  assert.equal(r.code, 0, r.stderr);
  const coco = JSON.parse(readFileSync(join(root, 'valid.json'), 'utf8'));
  assert.equal(coco.annotations.length, 300);
  assert.deepEqual(
    coco.annotations.map((a: { id: number }) => a.id),
    Array.from({ length: 300 }, (_, k) => k + 1),
  );
  const imageIds = coco.images.map((im: { id: number }) => im.id);
  assert.equal(new Set(imageIds).size, imageIds.length);
  assert.deepEqual(new Set(coco.annotations.map((a: { image_id: number }) => a.image_id)), new Set(imageIds));
});

test('an unsorted box CSV: an ImageID met again later gets its lines appended to its one label file, in CSV order', () => {
  const data = makeDataset(
    'unsorted',
    () => [
      'a,xclick,/m/01,1,0.1,0.3,0.2,0.6,0,0,0,0,0',
      'b,xclick,/m/02,1,0.5,0.75,0.5,0.75,0,0,0,0,0',
      'a,xclick,/m/03,1,0.0,1.0,0.0,1.0,0,0,0,0,0',
    ],
    ['train'],
  );
  const r = convert(data, join(root, 'unsorted-yolo'), 'yolo');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).images, 2);
  assert.equal(
    readFileSync(join(root, 'unsorted-yolo/labels/train/a.txt'), 'utf8'),
    '0 0.2 0.4 0.19999999999999998 0.39999999999999997\n2 0.5 0.5 1 1\n',
  );
  const c = convert(data, join(root, 'unsorted.json'), 'coco');
  assert.equal(c.code, 0, c.stderr);
  const coco = JSON.parse(readFileSync(join(root, 'unsorted.json'), 'utf8'));
  assert.deepEqual(
    coco.images.map((im: { file_name: string }) => im.file_name),
    ['train/a.jpg', 'train/b.jpg'],
  );
  assert.deepEqual(
    coco.annotations.map((a: { image_id: number }) => a.image_id),
    [1, 2, 1],
  );
});

test('YOLO numbers keep full precision: (x1 + x2)/2 and x2 − x1 as JS computes them, never rounded', () => {
  const data = makeDataset('precise', () => ['p,xclick,/m/01,1,0.123457,0.876543,0.000001,0.3,0,0,0,0,0'], ['train']);
  const r = convert(data, join(root, 'precise-yolo'), 'yolo');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    readFileSync(join(root, 'precise-yolo/labels/train/p.txt'), 'utf8'),
    '0 0.5 0.15000049999999998 0.7530859999999999 0.299999\n',
  );
});

test('bad input stops the conversion naming the box CSV and line', () => {
  const data = makeDataset(
    'bad',
    () => ['a,xclick,/m/01,1,0.1,0.3,0.2,0.6,0,0,0,0,0', 'a,xclick,/m/01,1,0.1,zero,0.2,0.6,0,0,0,0,0'],
    ['train'],
  );
  const r = convert(data, join(root, 'bad-yolo'), 'yolo');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /train-annotations-bbox\.csv:3: XMax "zero" is not a number/);
  const mid = makeDataset('bad-mid', () => ['a,xclick,/m/99,1,0.1,0.3,0.2,0.6,0,0,0,0,0'], ['train']);
  assert.match(convert(mid, join(root, 'bad-mid.json'), 'coco').stderr, /bbox\.csv:2: unknown LabelName "\/m\/99"/);
});

test('COCO from a box CSV whose image has no size names the image', () => {
  const data = makeDataset('unsized', () => ['a,xclick,/m/01,1,0.1,0.3,0.2,0.6,0,0,0,0,0'], ['train']);
  writeFileSync(join(data, 'image-sizes.csv'), 'ImageID,Width,Height\nother,10,10\n');
  const r = convert(data, join(root, 'unsized.json'), 'coco');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /image "train\/a\.jpg" has no known size/);
});
