import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFiles } from '../io/node-files.js';
import { assertSameTree, FIXTURES, fixtureCopy, tempDir } from './fixtures.test.util.js';
import { openimages } from './openimages.js';

const SET = 'openimages/validation-set';
const HEADER =
  'ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside';

/** A copy of the validation fixture with its box CSV replaced by `lines` (after the header). */
async function withBoxes(lines: string[], header = HEADER): Promise<string> {
  const dir = await fixtureCopy(SET);
  writeFileSync(join(dir, 'validation-annotations-bbox.csv'), `${[header, ...lines].join('\n')}\n`);
  return dir;
}

function near(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-9, `${actual} ≉ ${expected}`));
}

test('Open Images read: categories are DisplayNames with the MID in extra.mid, ids 1..N in file order', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  assert.deepEqual(d.categories, [
    { id: 1, name: 'Person', extra: { mid: '/m/01g317' } },
    { id: 2, name: 'Bicycle', extra: { mid: '/m/0199g' } },
    { id: 3, name: 'Car, sedan', extra: { mid: '/m/0k4j' } },
  ]);
});

test('Open Images read: the columns are XMin,XMax,YMin,YMax, normalised, made absolute with the sizes CSV', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  // 0.1,0.5,0.25,0.75 on 1024×768: x 0.1·1024, y 0.25·768, w 0.4·1024, h 0.5·768.
  near(d.annotations.bbox(0), [102.4, 192, 409.6, 384]);
  near(d.annotations.bbox(1), [512, 96, 256, 672]);
  near(d.annotations.bbox(2), [0, 0, 640, 240]);
  assert.deepEqual(
    d.images.map((im) => [im.id, im.file, im.width, im.height, im.split]),
    [
      [1, 'validation/0001eeaf4aed83f9.jpg', 1024, 768, 'val'],
      [2, 'validation/000595fe6fee6369.jpg', 640, 480, 'val'],
      [3, 'validation/00075905539074f2.jpg', 800, 600, 'val'],
    ],
  );
});

test('Open Images read: the header decides the columns, whatever their order', async () => {
  const dir = await withBoxes(['0.25,0.75,0.1,0.5,/m/0199g,0001eeaf4aed83f9'], 'YMin,YMax,XMin,XMax,LabelName,ImageID');
  const d = await openimages.read(nodeFiles, dir);
  near(d.annotations.bbox(0), [102.4, 192, 409.6, 384]);
});

test('Open Images read: IsOccluded/IsTruncated/IsGroupOf are flags, IsDepiction/IsInside attributes, -1 is null (unknown)', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  const t = d.annotations;
  assert.equal(t.attributesOf(0), undefined);
  assert.deepEqual(t.attributesOf(1), { occluded: true, truncated: null, depiction: true });
  assert.deepEqual(t.attributesOf(2), { truncated: true, group_of: true, inside: null });
  assert.equal(t.flag(1, 'occluded'), true);
  assert.equal(t.flag(1, 'truncated'), false);
});

test('Open Images read: a Source other than xclick is kept in extra.source; Confidence 1 is not stored', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  assert.equal(d.annotations.extras.get(0), undefined);
  assert.deepEqual(d.annotations.extras.get(2), { source: 'activemil' });
});

test('Open Images read: image labels — Confidence 1 in labels, 0 in extra.negative_labels; a labelled image without boxes is kept', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  assert.deepEqual(d.images[0].labels, [2]);
  assert.deepEqual(d.images[0].extra, { negative_labels: [3] });
  assert.equal(d.images[1].labels, undefined);
  assert.deepEqual(d.images[2].extra, { negative_labels: [1] });
  assert.equal(d.annotations.filterRows((r) => d.annotations.imageIds[r] === 3).length, 0);
});

test('Open Images read: class descriptions with a MID,DisplayName header are accepted too', async () => {
  const dir = await fixtureCopy(SET);
  const path = join(dir, 'class-descriptions-boxable.csv');
  writeFileSync(path, `MID,DisplayName\n${readFileSync(path, 'utf8')}`);
  const d = await openimages.read(nodeFiles, dir);
  assert.deepEqual(
    d.categories.map((c) => c.name),
    ['Person', 'Bicycle', 'Car, sedan'],
  );
});

test('Open Images read: without a sizes CSV, sizes come from <split>/<ImageID>.jpg headers', async () => {
  const dir = await fixtureCopy(SET, {
    'validation/0001eeaf4aed83f9.jpg': [200, 100],
    'validation/000595fe6fee6369.jpg': [64, 48],
    'validation/00075905539074f2.jpg': [10, 10],
  });
  rmSync(join(dir, 'image-sizes.csv'));
  const d = await openimages.read(nodeFiles, dir);
  assert.deepEqual(
    d.images.map((im) => [im.width, im.height]),
    [
      [200, 100],
      [64, 48],
      [10, 10],
    ],
  );
  near(d.annotations.bbox(0), [20, 25, 80, 50]);
});

test('Open Images read: no sizes and no images — reading into memory says how to give sizes', async () => {
  const dir = await fixtureCopy(SET);
  rmSync(join(dir, 'image-sizes.csv'));
  await assert.rejects(
    openimages.read(nodeFiles, dir),
    /0001eeaf4aed83f9\.jpg" has no known size.*ImageID,Width,Height/,
  );
});

test('Open Images read: a quoted field is read like an unquoted one', async () => {
  const dir = await withBoxes(['0001eeaf4aed83f9,"xclick, reviewed","/m/0199g",1,0.1,0.5,0.25,0.75,0,0,0,0,0']);
  const d = await openimages.read(nodeFiles, dir);
  near(d.annotations.bbox(0), [102.4, 192, 409.6, 384]);
  assert.deepEqual(d.annotations.extras.get(0), { source: 'xclick, reviewed' });
});

test('Open Images read: an ImageID met again later is the same image, its rows added', async () => {
  const dir = await withBoxes([
    '0001eeaf4aed83f9,xclick,/m/0199g,1,0.1,0.5,0.25,0.75,0,0,0,0,0',
    '000595fe6fee6369,xclick,/m/0k4j,1,0,1,0,0.5,0,0,0,0,0',
    '0001eeaf4aed83f9,xclick,/m/01g317,1,0.5,0.75,0.125,1,0,0,0,0,0',
  ]);
  const d = await openimages.read(nodeFiles, dir);
  assert.deepEqual(
    d.images.map((im) => im.id),
    [1, 2, 3],
  );
  assert.deepEqual([...d.annotations.imageIds.subarray(0, 3)], [1, 2, 1]);
});

for (const [name, line, message] of [
  ['a wrong field count', '0001eeaf4aed83f9,xclick,/m/0199g,1,0.1,0.5', /:2: 6 fields where the header has 13/],
  [
    'a non-numeric coordinate',
    '0001eeaf4aed83f9,xclick,/m/0199g,1,0.1,abc,0.25,0.75,0,0,0,0,0',
    /:2: XMax "abc" is not a number/,
  ],
  [
    'an unknown MID',
    '0001eeaf4aed83f9,xclick,/m/xyz,1,0.1,0.5,0.25,0.75,0,0,0,0,0',
    /:2: unknown LabelName "\/m\/xyz"/,
  ],
  [
    'a flag other than 1, 0, -1',
    '0001eeaf4aed83f9,xclick,/m/0199g,1,0.1,0.5,0.25,0.75,2,0,0,0,0',
    /:2: IsOccluded "2" must be 1, 0 or -1/,
  ],
  [
    'corners in x1,y1,x2,y2 order (XMax < XMin)',
    '0001eeaf4aed83f9,xclick,/m/0199g,1,0.5,0.1,0.75,0.25,0,0,0,0,0',
    /:2: XMax < XMin or YMax < YMin \(the columns are XMin,XMax,YMin,YMax\)/,
  ],
] as const) {
  test(`Open Images read: ${name} is an error naming file and line`, async () => {
    const dir = await withBoxes([line]);
    await assert.rejects(openimages.read(nodeFiles, dir), (e: Error) => {
      assert.match(e.message, /validation-annotations-bbox\.csv/);
      assert.match(e.message, message);
      return true;
    });
  });
}

test('Open Images read: an unknown MID in the image labels names file and line', async () => {
  const dir = await fixtureCopy(SET);
  writeFileSync(
    join(dir, 'validation-annotations-human-imagelabels-boxable.csv'),
    'ImageID,Source,LabelName,Confidence\n0001eeaf4aed83f9,verification,/m/nope,1\n',
  );
  await assert.rejects(openimages.read(nodeFiles, dir), /imagelabels-boxable\.csv:2: unknown LabelName "\/m\/nope"/);
});

test('Open Images read: a missing class-descriptions file is named', async () => {
  const dir = await fixtureCopy(SET);
  rmSync(join(dir, 'class-descriptions-boxable.csv'));
  await assert.rejects(openimages.read(nodeFiles, dir), /no class-descriptions-boxable\.csv/);
});

test('Open Images detect: the official box header in <split>-annotations-bbox.csv', async () => {
  const hit = await openimages.detect(nodeFiles, join(FIXTURES, SET));
  assert.ok(hit && hit.confidence > 0.9, JSON.stringify(hit));
  assert.equal(await openimages.detect(nodeFiles, join(FIXTURES, 'openimages/expected-yolo')), null);
});

test('Open Images write: read → write reproduces the official files byte for byte', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  const out = tempDir();
  const result = await openimages.write(d, nodeFiles, out);
  assertSameTree(out, join(FIXTURES, SET));
  assert.deepEqual(result.loss, []);
});

test('Open Images write: categories without a MID use their name; crowd boxes are reported', async () => {
  const d = await openimages.read(nodeFiles, join(FIXTURES, SET));
  d.categories[0] = { id: 1, name: 'person' };
  d.annotations.setCrowd(0, true);
  const out = tempDir();
  const { loss } = await openimages.write(d, nodeFiles, out);
  assert.match(readFileSync(join(out, 'class-descriptions-boxable.csv'), 'utf8'), /^person,person\n/);
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [['crowd', 1]],
  );
});
