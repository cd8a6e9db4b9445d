import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { Dataset } from '../../core/dataset.js';
import { nodeFiles } from '../../io/node-files.js';
import { detectFormat } from '../index.js';
import { assertReadError, fixture, scratch, scratchFile } from '../shared/golden.js';
import { cvat } from './index.js';

const INPUT = fixture('cvat', 'input.xml');
const GOLDEN = fixture('cvat', 'golden.xml');

function oneBox(box: string): string {
  return scratchFile(
    'annotations.xml',
    `<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n  <image id="0" name="a.jpg" width="10" height="10">\n    ${box}\n  </image>\n</annotations>\n`,
  );
}

test('xtl, ytl, xbr, ybr are continuous corners: x = xtl, w = xbr − xtl', async () => {
  const ds = await cvat.read(nodeFiles, INPUT);
  assert.deepEqual(ds.annotations.bbox(0), [100, 150.5, 200.25, 249.5]);
});

test('occluded is the occluded flag; source, z_order and <attribute> children are attributes', async () => {
  const ds = await cvat.read(nodeFiles, INPUT);
  assert.equal(ds.annotations.flag(0, 'occluded'), true);
  assert.deepEqual(ds.annotations.attributes.get(0), { source: 'manual', z_order: 0, color: 'blue' });
});

test('a polygon is "x,y;x,y;…" points with its extent as the box', async () => {
  const ds = await cvat.read(nodeFiles, INPUT);
  assert.deepEqual(ds.annotations.get(1), {
    id: 2,
    imageId: 0,
    categoryId: 2,
    bbox: [10, 20, 50, 70],
    segmentation: [[10, 20, 60, 20, 35, 90]],
    attributes: { source: 'manual', z_order: 1 },
  });
});

test('a rotated box is its extent, rotated about its centre; rotation and the unrotated box are kept', async () => {
  const ds = await cvat.read(nodeFiles, INPUT);
  // xtl=10 ytl=10 xbr=30 ybr=20 turned 90° about (20, 15).
  assert.deepEqual(ds.annotations.bbox(2), [15, 5, 10, 20]);
  assert.deepEqual(ds.annotations.attributes.get(2), {
    source: 'auto',
    z_order: 0,
    group_id: 2,
    color: 'red',
    rotation: 90,
    unrotated_box: [10, 10, 20, 10],
  });
});

test('labels come from meta with their CVAT spec; tags are image labels; other shapes warn', async () => {
  const warnings: string[] = [];
  const ds = await cvat.read(nodeFiles, INPUT, { warn: (m) => warnings.push(m) });
  assert.deepEqual(
    ds.categories.map((c) => [c.id, c.name]),
    [
      [1, 'car'],
      [2, 'person'],
      [3, 'night'],
    ],
  );
  assert.deepEqual(ds.categories[0].extra, {
    cvat_label: {
      color: '#fa3253',
      type: 'any',
      attributes: [
        { name: 'color', mutable: 'False', input_type: 'select', default_value: 'red', values: 'red\nblue' },
      ],
    },
  });
  assert.deepEqual(
    ds.images.map((im) => [im.id, im.file, im.width, im.height, im.labels]),
    [
      [0, 'street_0.jpg', 640, 480, [3]],
      [1, 'street_1.jpg', 640, 480, undefined],
      [2, 'street_2.jpg', 320, 240, undefined],
    ],
  );
  assert.deepEqual(warnings, ['cvat: 1 <polyline> shapes skipped (only boxes, polygons and tags are read)']);
});

test('read then write gives the golden XML, and CVAT → CVAT is byte-identical', async () => {
  const out = join(scratch(), 'annotations.xml');
  await cvat.write(await cvat.read(nodeFiles, INPUT), nodeFiles, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(GOLDEN, 'utf8'));
  await cvat.write(await cvat.read(nodeFiles, GOLDEN), nodeFiles, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(GOLDEN, 'utf8'));
});

test('a dataset from elsewhere gets valid XML with labels and attribute specs declared', async () => {
  const ds = new Dataset();
  ds.addCategory({ id: 7, name: 'dog & cat' });
  ds.addImage({ id: 42, file: 'a.jpg', width: 100, height: 50 });
  ds.annotations.add({
    imageId: 42,
    categoryId: 7,
    bbox: [0, 0, 10, 20.125],
    attributes: { difficult: true, dimensions: [1.5, 2] },
  });
  const out = join(scratch(), 'annotations.xml');
  await cvat.write(ds, nodeFiles, out);
  const xml = readFileSync(out, 'utf8');
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /<name>dog &amp; cat<\/name>/);
  assert.match(xml, /<name>difficult<\/name>\n\s+<mutable>False<\/mutable>\n\s+<input_type>checkbox<\/input_type>/);
  assert.match(xml, /<image id="0" name="a\.jpg" width="100" height="50">/);
  assert.match(xml, /<attribute name="dimensions">\[1\.5,2\]<\/attribute>/);
  assert.match(xml, /xtl="0\.00" ytl="0\.00" xbr="10\.00" ybr="20\.125"/);
  const back = await cvat.read(nodeFiles, out);
  assert.deepEqual(back.annotations.bbox(0), [0, 0, 10, 20.125]);
  assert.equal(back.annotations.flag(0, 'difficult'), true);
});

test('detection recognises annotations.xml', async () => {
  const found = await detectFormat(nodeFiles, INPUT);
  assert.equal(found.format.name, 'cvat');
});

test('invalid XML names the file and line', async () => {
  const bad = scratchFile(
    'annotations.xml',
    '<annotations>\n  <version>1.1</version>\n  <image id="0">\n</annotations>\n',
  );
  await assertReadError(() => cvat.read(nodeFiles, bad), /annotations\.xml:4: invalid XML/);
});

test('a box without a label names the image and box', async () => {
  const bad = oneBox('<box xtl="1" ytl="1" xbr="2" ybr="2" />');
  await assertReadError(() => cvat.read(nodeFiles, bad), /\(image\[0\] box\[0\]\) field "label": missing label/);
});

test('a non-numeric corner names the field', async () => {
  const bad = oneBox('<box label="a" xtl="1" ytl="one" xbr="2" ybr="2" />');
  await assertReadError(() => cvat.read(nodeFiles, bad), /\(image\[0\] box\[0\]\) field "ytl": not a number: "one"/);
});

test('a malformed polygon point is refused', async () => {
  const bad = oneBox('<polygon label="a" points="1,1;2;3,3" />');
  await assertReadError(() => cvat.read(nodeFiles, bad), /polygon\[0\]\) field "points": a point is "x,y", got "2"/);
});

test('a multi-part polygon is written as one polygon per part and reported', async () => {
  const ds = new Dataset();
  ds.addCategory({ id: 1, name: 'a' });
  ds.addImage({ id: 1, file: 'a.jpg', width: 10, height: 10 });
  const segmentation = [
    [0, 0, 2, 0, 1, 2],
    [5, 5, 7, 5, 6, 7],
  ];
  ds.annotations.add({ imageId: 1, categoryId: 1, bbox: [0, 0, 7, 7], segmentation });
  const out = join(scratch(), 'annotations.xml');
  const { loss } = await cvat.write(ds, nodeFiles, out);
  const back = await cvat.read(nodeFiles, out);
  assert.deepEqual(
    [0, 1].map((row) => back.annotations.segmentations.get(row)),
    [[segmentation[0]], [segmentation[1]]],
  );
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [['polygon-parts', 1]],
  );
});

test('an XML declaration with a broken quote (which the validator lets through) names the line', async () => {
  const bad = scratchFile('annotations.xml', '<?xml version="1.0 encoding="utf-8"?>\n<annotations>\n</annotations>\n');
  await assertReadError(() => cvat.read(nodeFiles, bad), /annotations\.xml:1: invalid XML: Pi Tag is not closed/);
});
