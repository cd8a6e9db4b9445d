/** TF OD API instance masks (`image/object/mask`) against a fixture made without detkit. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Dataset, type RLE } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { MemoryFiles } from '../../core/memory-files.js';
import { rleToString, segmentationToRle } from '../../eval/mask/index.js';
import { nodeFiles } from '../../io/node-files.js';
import { coco } from '../coco.js';
import { fixture, scratch } from '../shared/golden.js';
import { decodeExample, encodeExample, type Features } from './example.js';
import { frameRecord, readRecords } from './framing.js';
import { tfrecord } from './index.js';

const DIR = fixture('tfrecord-masks');
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'instances.json'), 'utf8'));

/** The segmentations of a dataset, row by row. */
function segmentations(ds: Dataset) {
  return Array.from({ length: ds.annotations.length }, (_, row) => ds.annotations.segmentations.get(row));
}

test('PNG masks (0/1 and 0/255) and float-list masks read as the COCO RLE of their pixels', async () => {
  const ds = await tfrecord.read(nodeFiles, join(DIR, 'masks.tfrecord'));
  assert.deepEqual(
    ds.images.map((im) => [im.file, im.width, im.height]),
    EXPECTED.images.map((im: { file_name: string; width: number; height: number }) => [
      im.file_name,
      im.width,
      im.height,
    ]),
  );
  assert.deepEqual(
    segmentations(ds),
    EXPECTED.annotations.map((a: { segmentation: RLE }) => a.segmentation),
  );
});

test('COCO RLE → TFRecord → COCO gives identical RLE strings', async () => {
  const source = await coco.read(nodeFiles, join(DIR, 'instances.json'));
  const tf = scratch();
  await tfrecord.write(source, nodeFiles, tf);
  const back = scratch();
  await coco.write(await tfrecord.read(nodeFiles, tf), nodeFiles, join(back, 'instances.json'));
  const written = JSON.parse(readFileSync(join(back, 'instances.json'), 'utf8'));
  assert.deepEqual(
    written.annotations.map((a: { segmentation: unknown; area: number }) => [a.segmentation, a.area]),
    EXPECTED.annotations.map((a: { segmentation: unknown; area: number }) => [a.segmentation, a.area]),
  );
});

test('written masks are image-sized 8-bit grey PNGs of 0/1, as create_coco_tf_record.py writes', async () => {
  const source = await coco.read(nodeFiles, join(DIR, 'instances.json'));
  const out = scratch();
  await tfrecord.write(source, nodeFiles, join(out, 'all.tfrecord'));
  const pngs: Uint8Array[] = [];
  for await (const ev of readRecords(nodeFiles.readChunks(join(out, 'all.tfrecord')))) {
    if (ev.kind !== 'record') continue;
    const mask = decodeExample(ev.data).get('image/object/mask');
    if (mask?.kind === 'bytes') pngs.push(...mask.value);
  }
  assert.equal(pngs.length, 3);
  // sharp (libvips), not detkit's decoder, reads them back.
  const meta = await sharp(pngs[0]).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels, meta.depth], ['png', 8, 6, 1, 'uchar']);
  const first = await sharp(pngs[0]).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const expected = Array.from({ length: 48 }, (_, p) => {
    const [x, y] = [p % 8, Math.floor(p / 8)];
    return x >= 1 && x < 4 && y >= 1 && y < 5 && !(x === 2 && y === 2) ? 1 : 0;
  });
  assert.deepEqual([...first.data], expected);
});

test('polygons are rasterised into the mask (pycocotools frPyObjects) and read back as its RLE', async () => {
  const src = scratch();
  const ds = new Dataset();
  ds.info.imageRoot = DIR;
  ds.addCategory({ id: 1, name: 'cat' });
  ds.addImage({ id: 1, file: 'a.png', width: 8, height: 6 });
  const polygon = [[1, 1, 6.5, 1, 6.5, 4, 1, 5]];
  ds.annotations.add({ imageId: 1, categoryId: 1, bbox: [1, 1, 5.5, 4], segmentation: polygon });
  await tfrecord.write(ds, nodeFiles, src);
  const back = await tfrecord.read(nodeFiles, src);
  const rle = segmentationToRle(polygon, 6, 8);
  assert.deepEqual(back.annotations.segmentations.get(0), { size: [6, 8], counts: rleToString(rle) });
});

test('when some objects have masks, the others get an empty mask and a warning', async () => {
  const ds = await coco.read(nodeFiles, join(DIR, 'instances.json'));
  ds.annotations.segmentations.delete(1);
  const out = scratch();
  const warnings: string[] = [];
  await tfrecord.write(ds, nodeFiles, out, { warn: (m) => warnings.push(m) });
  assert.ok(
    warnings.some((w) => /^1 objects without a segmentation got an empty mask/.test(w)),
    warnings.join(),
  );
  const back = await tfrecord.read(nodeFiles, out);
  assert.deepEqual(back.annotations.segmentations.get(1), {
    size: [6, 8],
    counts: rleToString(segmentationToRle({ size: [6, 8], counts: [48] }, 6, 8)),
  });
});

test('a dataset without segmentations writes no mask key', async () => {
  const ds = await coco.read(nodeFiles, join(DIR, 'instances.json'));
  ds.annotations.segmentations.clear();
  const out = scratch();
  await tfrecord.write(ds, nodeFiles, join(out, 'all.tfrecord'));
  for await (const ev of readRecords(nodeFiles.readChunks(join(out, 'all.tfrecord')))) {
    if (ev.kind === 'record') assert.equal(decodeExample(ev.data).has('image/object/mask'), false);
  }
});

/** A one-record TFRecord of a 4×3 image with one object and the given mask feature. */
async function oneRecord(mask: Features extends Map<string, infer V> ? V : never): Promise<MemoryFiles> {
  const f: Features = new Map();
  f.set('image/width', { kind: 'int64', value: [4] });
  f.set('image/height', { kind: 'int64', value: [3] });
  f.set('image/object/bbox/xmin', { kind: 'float', value: [0] });
  f.set('image/object/bbox/xmax', { kind: 'float', value: [1] });
  f.set('image/object/bbox/ymin', { kind: 'float', value: [0] });
  f.set('image/object/bbox/ymax', { kind: 'float', value: [1] });
  f.set('image/object/class/label', { kind: 'int64', value: [1] });
  f.set('image/object/mask', mask);
  const files = new MemoryFiles();
  await files.writeBytes('/d/x.tfrecord', frameRecord(encodeExample(f)));
  return files;
}

async function maskError(mask: Parameters<typeof oneRecord>[0]): Promise<string> {
  const files = await oneRecord(mask);
  try {
    await tfrecord.read(files, '/d/x.tfrecord');
  } catch (e) {
    assert.ok(e instanceof DetkitError, String(e));
    return e.message;
  }
  assert.fail('the read should have failed');
}

test('bad masks name the file, record and key: count, size, not a PNG, float count', async () => {
  const where = '/d/x.tfrecord (record 0) field "image/object/mask"';
  const { encodePng } = await import('../pixels/png.js');
  const png = (w: number, h: number) => encodePng({ data: new Uint8Array(w * h), width: w, height: h, channels: 1 });
  assert.equal(
    await maskError({ kind: 'bytes', value: [png(4, 3), png(4, 3)] }),
    `${where}: 2 masks for 1 objects (one PNG per object)`,
  );
  assert.equal(
    await maskError({ kind: 'bytes', value: [png(3, 4)] }),
    `${where}: mask of object 0 is 3×4; masks are image-sized (4×3)`,
  );
  assert.equal(
    await maskError({ kind: 'bytes', value: [new Uint8Array([1, 2, 3])] }),
    `${where}: mask of object 0 is not a PNG`,
  );
  const cut = png(4, 3).subarray(0, 40);
  assert.match(
    await maskError({ kind: 'bytes', value: [cut] }),
    /^\/d\/x\.tfrecord \(record 0\) field "image\/object\/mask": mask of object 0 is a PNG this reader cannot decode: /,
  );
  assert.equal(
    await maskError({ kind: 'float', value: [0, 1, 0] }),
    `${where}: 3 mask values; 1 objects of 3×4 pixels need 12`,
  );
  assert.equal(
    await maskError({ kind: 'int64', value: [0] }),
    `${where}: masks must be a bytes list of PNGs or a float list, not int64`,
  );
});
