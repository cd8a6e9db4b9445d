import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Dataset } from '../core/dataset.js';
import { MemoryFiles } from '../core/memory-files.js';
import { nodeFiles } from '../io/node-files.js';
import { assertSameTree, FIXTURES, fixtureCopy, tempDir } from './fixtures.test.util.js';
import { voc } from './voc.js';
import { boxFromVoc, boxToVoc } from './voc-coords.js';
import { parseVocXml } from './voc-read.js';

const readFixture = async () => {
  const dir = await fixtureCopy('voc/read', { 'JPEGImages/000003.jpg': [40, 30] });
  return { dir, dataset: await voc.read(nodeFiles, dir) };
};

test('VOC corners are 1-based inclusive: a one-pixel box at pixel (0,0) is xmin=xmax=1 ↔ x=0, w=1', () => {
  assert.deepEqual(boxFromVoc({ xmin: 1, ymin: 1, xmax: 1, ymax: 1 }), [0, 0, 1, 1]);
  assert.deepEqual(boxToVoc(0, 0, 1, 1), { xmin: 1, ymin: 1, xmax: 1, ymax: 1 });
  // Pixel columns 47..194 (0-based) are xmin=48, xmax=195 and span [47, 195) continuously.
  assert.deepEqual(boxFromVoc({ xmin: 48, ymin: 240, xmax: 195, ymax: 371 }), [47, 239, 148, 132]);
  assert.deepEqual(boxToVoc(47, 239, 148, 132), { xmin: 48, ymin: 240, xmax: 195, ymax: 371 });
});

test('VOC read: images, sizes, splits from ImageSets/Main, categories as sorted names, non-default depth and segmented kept', async () => {
  const { dir, dataset } = await readFixture();
  assert.deepEqual(dataset.categories, [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
    { id: 3, name: 'person' },
  ]);
  assert.deepEqual(dataset.images, [
    {
      id: 1,
      file: '000001.jpg',
      width: 353,
      height: 500,
      split: 'train',
      extra: { segmented: 1, folder: 'VOC2007' },
    },
    { id: 2, file: '000002.jpg', width: 335, height: 500, split: 'val', extra: { depth: 1 } },
    // <size> 0×0: the size comes from the JPEG header.
    { id: 3, file: '000003.jpg', width: 40, height: 30, split: 'test' },
  ]);
  assert.equal(dataset.info.imageRoot, join(dir, 'JPEGImages'));
});

test('VOC read: boxes in the 0-based frame, flags and pose kept, floats at full precision', async () => {
  const { dataset } = await readFixture();
  assert.deepEqual(
    [...dataset.annotations],
    [
      { id: 1, imageId: 1, categoryId: 2, bbox: [47, 239, 148, 132], attributes: { truncated: true, pose: 'Left' } },
      {
        id: 2,
        imageId: 1,
        categoryId: 3,
        bbox: [7.5, 11.25, 344.5, 487.5],
        attributes: { difficult: true, occluded: true },
      },
      { id: 3, imageId: 3, categoryId: 1, bbox: [0, 0, 1, 1] },
    ],
  );
});

test('VOC read: an XML without <object> is a negative and is kept', async () => {
  const { dataset } = await readFixture();
  const image = dataset.images.find((im) => im.file === '000002.jpg')!;
  assert.equal(dataset.annotations.filterRows((r) => dataset.annotations.imageIds[r] === image.id).length, 0);
});

test('VOC read: the categories option keeps known ids and adds unknown names after them', async () => {
  const dir = await fixtureCopy('voc/read', { 'JPEGImages/000003.jpg': [40, 30] });
  const dataset = await voc.read(nodeFiles, dir, {
    categories: [
      { id: 18, name: 'dog', supercategory: 'animal' },
      { id: 1, name: 'person' },
      { id: 90, name: 'toothbrush' },
    ],
  });
  assert.deepEqual(dataset.categories, [
    { id: 18, name: 'dog', supercategory: 'animal' },
    { id: 1, name: 'person' },
    { id: 90, name: 'toothbrush' },
    { id: 91, name: 'cat' },
  ]);
  assert.deepEqual([...dataset.annotations.categoryIds.subarray(0, 3)], [18, 1, 91]);
});

test('VOC read: a folder of bare XMLs reads without ImageSets', async () => {
  const dir = await fixtureCopy('voc/read/Annotations', { '000003.jpg': [8, 6] });
  const dataset = await voc.read(nodeFiles, dir);
  assert.deepEqual(
    dataset.images.map((im) => [im.file, im.width, im.height, im.split]),
    [
      ['000001.jpg', 353, 500, undefined],
      ['000002.jpg', 335, 500, undefined],
      ['000003.jpg', 8, 6, undefined],
    ],
  );
});

test('VOC detect recognises the standard layout and a folder of XMLs, not other folders', async () => {
  assert.equal((await voc.detect(nodeFiles, join(FIXTURES, 'voc/read')))?.confidence, 0.95);
  assert.equal((await voc.detect(nodeFiles, join(FIXTURES, 'voc/read/Annotations')))?.confidence, 0.7);
  assert.equal(await voc.detect(nodeFiles, join(FIXTURES, 'voc/read/ImageSets')), null);
});

/** The dataset the golden files in fixtures/voc/write were written by hand for. */
function writeSample(): Dataset {
  const d = new Dataset();
  d.categories = [
    { id: 7, name: 'bird' },
    { id: 3, name: 'car & truck' },
  ];
  d.images = [
    { id: 10, file: 'photos/a.jpg', width: 64, height: 48, split: 'train' },
    { id: 11, file: 'b.png', width: 20, height: 10, split: 'val' },
    { id: 12, file: 'c.jpg', width: 5, height: 5 },
  ];
  d.annotations.add({ imageId: 10, categoryId: 7, bbox: [0, 0, 1, 1], attributes: { difficult: true } });
  d.annotations.add({
    imageId: 10,
    categoryId: 3,
    bbox: [10.5, 20.25, 30, 5.125],
    attributes: { truncated: true, occluded: true, pose: 'Frontal' },
  });
  d.annotations.add({ imageId: 12, categoryId: 7, bbox: [1, 2, 3, 2] });
  return d;
}

test('VOC write: one XML per image, split lists with trainval, byte-identical to the golden files', async () => {
  const out = tempDir();
  const result = await voc.write(writeSample(), nodeFiles, out);
  assertSameTree(out, join(FIXTURES, 'voc/write'));
  assert.deepEqual(result.files, [
    'Annotations/a.xml',
    'Annotations/b.xml',
    'Annotations/c.xml',
    'ImageSets/Main/train.txt',
    'ImageSets/Main/val.txt',
    'ImageSets/Main/trainval.txt',
  ]);
});

test('VOC write reports category ids it cannot keep and categories without boxes', async () => {
  const d = writeSample();
  d.categories.push({ id: 1, name: 'unused' });
  const { loss } = await voc.write(d, nodeFiles, tempDir());
  assert.deepEqual(
    loss?.map((l) => [l.what, l.count]),
    [
      ['unused-categories', 1],
      ['category-ids', 2],
    ],
  );
});

test('VOC write copies images into JPEGImages when asked', async () => {
  const src = await fixtureCopy(null, { 'photos/a.jpg': [64, 48], 'b.png': [20, 10], 'c.jpg': [5, 5] });
  const out = tempDir();
  await voc.write(writeSample(), nodeFiles, out, { copyImages: true, imageRoot: src });
  const back = await voc.read(nodeFiles, out);
  assert.deepEqual(
    await Promise.all(back.images.map(async (im) => (await nodeFiles.stat(join(out, 'JPEGImages', im.file)))?.size)),
    await Promise.all(['photos/a.jpg', 'b.png', 'c.jpg'].map(async (f) => (await nodeFiles.stat(join(src, f)))?.size)),
  );
});

test('VOC → VOC keeps boxes, names, flags, pose, sizes, splits and negatives', async () => {
  const { dataset } = await readFixture();
  const out = tempDir();
  await voc.write(dataset, nodeFiles, out);
  const back = await voc.read(nodeFiles, out);
  assert.deepEqual(back.categories, dataset.categories);
  assert.deepEqual(back.images, dataset.images);
  assert.deepEqual([...back.annotations], [...dataset.annotations]);
});

test('COCO-frame → VOC → COCO-frame keeps random float boxes within 1e-9 px and restores ids via categories/images', async () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const d = new Dataset();
  d.categories = [
    { id: 1, name: 'person' },
    { id: 5, name: 'airplane' },
    { id: 90, name: 'toothbrush' },
  ];
  for (let k = 1; k <= 20; k++) d.images.push({ id: 100 + k, file: `${k}.jpg`, width: 641, height: 479 });
  for (let i = 0; i < 200; i++) {
    const x = random() * 600;
    const y = random() * 400;
    d.annotations.add({
      imageId: 101 + (i % 19), // image 120 stays a negative
      categoryId: d.categories[i % 3].id,
      bbox: [x, y, random() * (641 - x), random() * (479 - y)],
    });
  }
  const out = tempDir();
  await voc.write(d, nodeFiles, out);
  const back = await voc.read(nodeFiles, out, { categories: d.categories, images: d.images });
  assert.deepEqual(back.categories, d.categories);
  // Image records come back whole (in file-name order): no defaults turn into noise.
  assert.deepEqual(
    back.images,
    [...d.images].sort((a, b) => (a.file < b.file ? -1 : 1)),
  );
  const idOf = new Map(d.images.map((im) => [im.file, im.id]));
  const key = (ds: Dataset, r: number) => `${ds.images.find((im) => im.id === ds.annotations.imageIds[r])!.file}`;
  const sourceRows = [...Array(d.annotations.length).keys()].sort((a, b) =>
    key(d, a) < key(d, b) ? -1 : key(d, a) > key(d, b) ? 1 : a - b,
  );
  assert.equal(back.annotations.length, d.annotations.length);
  sourceRows.forEach((row, i) => {
    assert.equal(back.annotations.imageIds[i], idOf.get(key(d, row)));
    assert.equal(back.annotations.categoryIds[i], d.annotations.categoryIds[row]);
    for (let c = 0; c < 4; c++) {
      assert.ok(Math.abs(back.annotations.boxes[i * 4 + c] - d.annotations.boxes[row * 4 + c]) < 1e-9);
    }
  });
});

test('VOC read: invalid XML names the file and line', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'broken.xml'), '<annotation>\n\t<filename>a.jpg</filename>\n\t<size>\n</annotation>\n');
  await assert.rejects(voc.read(nodeFiles, dir), (e: Error) => {
    assert.match(e.message, /broken\.xml:4: invalid XML: .*'size'/);
    return true;
  });
});

const withBox = (bndbox: string) =>
  `<annotation><filename>a.jpg</filename><size><width>9</width><height>9</height></size>
<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>
<object><name>dog</name>${bndbox}</object></annotation>`;

test('VOC read: a missing <bndbox> field names the file, object index and field', async () => {
  await assert.rejects(parseVocXml(withBox('<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax></bndbox>'), 'x/a.xml'), {
    message: 'x/a.xml:3 (object[1]) field "bndbox.ymax": <bndbox> has no <ymax>',
  });
});

test('VOC read: a non-numeric <bndbox> field names the file, object index and field', async () => {
  await assert.rejects(
    parseVocXml(withBox('<bndbox><xmin>1</xmin><ymin>one</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>'), 'a.xml'),
    { message: 'a.xml:3 (object[1]) field "bndbox.ymin": <ymin> "one" is not a number' },
  );
});

test('VOC read: an object without <bndbox> or <name> is an error naming it', async () => {
  await assert.rejects(parseVocXml(withBox(''), 'a.xml'), {
    message: 'a.xml:3 (object[1]) field "bndbox": object has no <bndbox>',
  });
  await assert.rejects(parseVocXml('<annotation><object><bndbox/></object></annotation>', 'a.xml'), {
    message: 'a.xml:1 (object[0]) field "name": object has no <name>',
  });
});

test('VOC read: a bad <size> value names the file and its line (fuzz case)', async () => {
  const xml =
    '<annotation>\n<filename>a.jpg</filename>\n<size>\n<width>9</width>\n<height>abc</height>\n</size>\n</annotation>';
  await assert.rejects(parseVocXml(xml, 'a.xml'), {
    message: 'a.xml:5 field "size.height": <size><height> "abc" is not a size',
  });
});

test('VOC read: a missing <size> whose image cannot be sized names the XML too (fuzz case)', async () => {
  const files = new MemoryFiles({ '/v/Annotations/a.xml': '<annotation><filename>gone.jpg</filename></annotation>' });
  await assert.rejects(voc.read(files, '/v'), {
    message:
      '/v/Annotations/a.xml: <size> is missing or 0 and its image cannot be sized: /v/JPEGImages/gone.jpg: no such file or folder',
  });
});

test('VOC read: a document that is not an <annotation> is an error', async () => {
  await assert.rejects(parseVocXml('<svg></svg>', 'a.xml'), { message: 'a.xml: no <annotation> root element' });
});

test('VOC read: the split option reads only the images of one list', async () => {
  const dir = await fixtureCopy('voc/read', { 'JPEGImages/000003.jpg': [40, 30] });
  const d = await voc.read(nodeFiles, dir, { split: 'trainval' });
  assert.deepEqual(
    d.images.map((im) => [im.file, im.split]),
    [
      ['000001.jpg', 'train'],
      ['000002.jpg', 'val'],
    ],
  );
  await assert.rejects(voc.read(nodeFiles, dir, { split: 'minival' }), {
    message: `${dir}: no split list "minival.txt" in ImageSets/Main`,
  });
});
