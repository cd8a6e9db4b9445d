import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Dataset } from '../../core/dataset.js';
import { MemoryFiles } from '../../core/memory-files.js';
import { nodeFiles } from '../../io/node-files.js';
import { tempDir } from '../../io/temp-dirs.test.util.js';
import { crc32c, maskedCrc32c } from './crc32c.js';
import { decodeExample, encodeExample } from './example.js';
import { frameRecord, readRecords } from './framing.js';
import { tfrecord } from './index.js';
import { formatLabelMap, parseLabelMap } from './label-map.js';

const tmp = () => tempDir('detkit-tfrecord-');

test('CRC-32C matches the standard check value and TFRecord masking', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  // 32 zero bytes: 0x8a9136aa (RFC 3720 B.4); masking rotates right by 15 and adds 0xa282ead8.
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  const c = 0x8a9136aa;
  assert.equal(maskedCrc32c(new Uint8Array(32)), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
});

/** A tf.train.Example assembled byte by byte from the protobuf wire format. */
function handMadeExample(): Uint8Array {
  const str = (s: string) => [...new TextEncoder().encode(s)];
  const len = (bytes: number[]) => [bytes.length, ...bytes]; // all lengths here are < 128
  const entry = (key: string, feature: number[]) => [0x0a, ...len([0x0a, ...len(str(key)), 0x12, ...len(feature)])];
  const int64 = (v: number) => [0x1a, ...len([0x0a, ...len([v])])]; // Feature.int64_list, packed
  const bytesF = (s: string) => [0x0a, ...len([0x0a, ...len(str(s))])]; // Feature.bytes_list
  const floatF = (v: number) => {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return [0x12, ...len([0x0a, ...len([...b])])]; // Feature.float_list, packed
  };
  const features = [
    ...entry('image/width', int64(100)),
    ...entry('image/height', int64(50)),
    ...entry('image/filename', bytesF('a.jpg')),
    ...entry('image/object/bbox/xmin', floatF(0.25)),
  ];
  return new Uint8Array([0x0a, ...len(features)]);
}

test('tf.train.Example decodes from its wire format', () => {
  const f = decodeExample(handMadeExample());
  assert.deepEqual(f.get('image/width'), { kind: 'int64', value: [100] });
  assert.deepEqual(f.get('image/height'), { kind: 'int64', value: [50] });
  assert.equal(new TextDecoder().decode((f.get('image/filename') as { value: Uint8Array[] }).value[0]), 'a.jpg');
  assert.deepEqual(f.get('image/object/bbox/xmin'), { kind: 'float', value: [0.25] });
});

test('record framing is length, masked length CRC, data, masked data CRC', () => {
  const data = new TextEncoder().encode('hello');
  const framed = frameRecord(data);
  const view = new DataView(framed.buffer);
  assert.equal(framed.length, 8 + 4 + 5 + 4);
  assert.equal(view.getBigUint64(0, true), 5n);
  assert.equal(view.getUint32(8, true), maskedCrc32c(framed.subarray(0, 8)));
  assert.deepEqual(framed.subarray(12, 17), data);
  assert.equal(view.getUint32(17, true), maskedCrc32c(data));
});

async function* chunked(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

test('records split across chunks are reassembled', async () => {
  const records = ['a', 'bb', 'x'.repeat(1000)].map((s) => frameRecord(new TextEncoder().encode(s)));
  const all = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  let o = 0;
  for (const r of records) {
    all.set(r, o);
    o += r.length;
  }
  const seen: string[] = [];
  for await (const ev of readRecords(chunked(all, 7))) {
    assert.equal(ev.kind, 'record');
    if (ev.kind === 'record') seen.push(new TextDecoder().decode(ev.data));
  }
  assert.deepEqual(seen, ['a', 'bb', 'x'.repeat(1000)]);
});

async function sampleDataset(dir: string): Promise<Dataset> {
  const ds = new Dataset();
  ds.info.imageRoot = dir;
  ds.addCategory({ id: 1, name: 'person' });
  ds.addCategory({ id: 18, name: 'dog' });
  for (const [id, w, h, split] of [
    [1, 64, 48, 'train'],
    [2, 33, 17, 'train'],
    [3, 20, 20, 'val'],
  ] as const) {
    const file = `img${id}.png`;
    await sharp({ create: { width: w, height: h, channels: 3, background: '#336699' } })
      .png()
      .toFile(join(dir, file));
    ds.addImage({ id, file, width: w, height: h, split });
  }
  ds.annotations.add({ imageId: 1, categoryId: 1, bbox: [1.5, 2.25, 30, 20], area: 400.5 });
  ds.annotations.add({
    imageId: 1,
    categoryId: 18,
    bbox: [0, 0, 64, 48],
    iscrowd: true,
    attributes: { difficult: true },
  });
  ds.annotations.add({
    imageId: 2,
    categoryId: 18,
    bbox: [3, 4, 5, 6],
    attributes: { truncated: true, group_of: true, weight: 0.5 },
  });
  return ds;
}

test('write then read keeps boxes (float32), labels, flags, area, splits and image bytes', async () => {
  const src = tmp();
  const out = tmp();
  const ds = await sampleDataset(src);
  const result = await tfrecord.write(ds, nodeFiles, out);
  assert.deepEqual(readdirSync(out).sort(), ['label_map.pbtxt', 'train.tfrecord', 'val.tfrecord']);
  assert.ok(result.loss?.some((l) => l.what === 'float32-boxes' && l.count === 3));
  const back = await tfrecord.read(nodeFiles, out, { keepImageBytes: true });
  assert.deepEqual(
    back.categories.map((c) => [c.id, c.name]),
    [
      [1, 'person'],
      [18, 'dog'],
    ],
  );
  assert.deepEqual(
    back.images.map((im) => [im.id, im.file, im.width, im.height, im.split]),
    [
      [1, 'img1.png', 64, 48, 'train'],
      [2, 'img2.png', 33, 17, 'train'],
      [3, 'img3.png', 20, 20, 'val'],
    ],
  );
  assert.equal(back.annotations.length, 3);
  for (let row = 0; row < 3; row++) {
    const a = ds.annotations.get(row);
    const b = back.annotations.get(row);
    assert.equal(b.categoryId, a.categoryId);
    b.bbox.forEach((v, i) => assert.ok(Math.abs(v - a.bbox[i]) < 1e-4, `box ${row}: ${b.bbox} vs ${a.bbox}`));
    assert.equal(b.iscrowd, a.iscrowd);
    assert.deepEqual(b.attributes, a.attributes);
  }
  assert.equal(back.annotations.areas[0], 400.5);
  assert.deepEqual(back.info.embeddedImages?.get(2), new Uint8Array(readFileSync(join(src, 'img2.png'))));
});

test('the sha256 key is the hex digest of the encoded image', async () => {
  const src = tmp();
  const out = tmp();
  await tfrecord.write(await sampleDataset(src), nodeFiles, join(out, 'all.tfrecord'));
  const { createHash } = await import('node:crypto');
  for await (const ev of readRecords(nodeFiles.readChunks(join(out, 'all.tfrecord')))) {
    assert.equal(ev.kind, 'record');
    if (ev.kind !== 'record') continue;
    const f = decodeExample(ev.data);
    const encoded = (f.get('image/encoded') as { value: Uint8Array[] }).value[0];
    const key = new TextDecoder().decode((f.get('image/key/sha256') as { value: Uint8Array[] }).value[0]);
    assert.equal(key, createHash('sha256').update(encoded).digest('hex'));
  }
});

test('shards are named name-0000k-of-0000n and one shard path reads the whole set', async () => {
  const src = tmp();
  const out = tmp();
  await tfrecord.write(await sampleDataset(src), nodeFiles, join(out, 'coco.tfrecord'), { shards: 2 });
  assert.deepEqual(readdirSync(out).sort(), [
    'coco-00000-of-00002.tfrecord',
    'coco-00001-of-00002.tfrecord',
    'label_map.pbtxt',
  ]);
  const back = await tfrecord.read(nodeFiles, join(out, 'coco-00001-of-00002.tfrecord'));
  assert.equal(back.images.length, 3);
  assert.ok(await tfrecord.detect(nodeFiles, out));
});

test('a corrupt record is reported with file and index, and the rest is read', async () => {
  const src = tmp();
  const out = tmp();
  const file = join(out, 'all.tfrecord');
  await tfrecord.write(await sampleDataset(src), nodeFiles, file);
  const bytes = readFileSync(file);
  const firstLength = Number(bytes.readBigUInt64LE(0));
  bytes[16 + firstLength + 12 + 40] ^= 0xff; // inside record 1's data
  writeFileSync(file, bytes);
  const warnings: string[] = [];
  const back = await tfrecord.read(nodeFiles, file, { warn: (m) => warnings.push(m) });
  assert.deepEqual(
    back.images.map((im) => im.id),
    [1, 3],
  );
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /all\.tfrecord \(record 1\): data CRC mismatch/);
});

test('a file cut short keeps the records before the cut', async () => {
  const src = tmp();
  const out = tmp();
  const file = join(out, 'all.tfrecord');
  await tfrecord.write(await sampleDataset(src), nodeFiles, file);
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, bytes.length - 10));
  const warnings: string[] = [];
  const back = await tfrecord.read(nodeFiles, file, { warn: (m) => warnings.push(m) });
  assert.equal(back.images.length, 2);
  assert.match(warnings[0], /\(record 2\): file is cut short/);
});

test('label_map.pbtxt: comments, both quote styles, display_name; errors name the line', () => {
  const text =
    '# COCO\nitem {\n  id: 1\n  name: \'person\'\n}\nitem { name: "traffic light" id: 10 display_name: "Traffic light" }\n';
  assert.deepEqual(parseLabelMap(text), [
    { id: 1, name: 'person', displayName: undefined },
    { id: 10, name: 'traffic light', displayName: 'Traffic light' },
  ]);
  assert.deepEqual(parseLabelMap(formatLabelMap(parseLabelMap(text))), parseLabelMap(text));
  assert.throws(() => parseLabelMap('item {\n  id: x\n}', 'map.pbtxt'), /map\.pbtxt:2: id must be an integer/);
  assert.throws(() => parseLabelMap('item {\n  id: 3\n', 'map.pbtxt'), /map\.pbtxt:3: file ends inside an item/);
});

test('a record without sizes whose image/encoded header is broken is a located DetkitError (fuzz case)', async () => {
  const features = new Map([
    ['image/encoded', { kind: 'bytes' as const, value: [new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02])] }],
  ]);
  const files = new MemoryFiles({ '/t/data.tfrecord': frameRecord(encodeExample(features)) });
  await assert.rejects(tfrecord.read(files, '/t/data.tfrecord'), {
    name: 'DetkitError',
    message:
      '/t/data.tfrecord (record 0): image/width and image/height are missing and image/encoded is broken: JPEG has no frame header before its image data',
  });
});

test('a length field declaring exabytes (with a valid CRC) ends the read with a warning, allocating nothing', async () => {
  const framed = frameRecord(new Uint8Array([1, 2, 3]));
  const view = new DataView(framed.buffer);
  view.setBigUint64(0, 2n ** 62n, true);
  view.setUint32(8, maskedCrc32c(framed, 0, 8), true);
  const warnings: string[] = [];
  const d = await tfrecord.read(new MemoryFiles({ '/t/x.tfrecord': framed }), '/t/x.tfrecord', {
    warn: (m) => warnings.push(m),
  });
  assert.equal(d.images.length, 0);
  assert.deepEqual(warnings, [
    `/t/x.tfrecord (record 0): file is cut short: the record needs ${Number(2n ** 62n)} bytes, 7 remain`,
  ]);
});
