import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { crc32, decodePng, encodePng } from './png.js';

async function sharpRaw(png: Uint8Array) {
  // sharp widens grey to RGB unless asked to stay in its b-w colour space.
  const grey = (await sharp(png).metadata()).channels === 1;
  const image = grey ? sharp(png).toColourspace('b-w') : sharp(png);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

test('CRC-32 matches the standard check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('greyscale pixels encode to a PNG that decodes to the same bytes', async () => {
  const data = Uint8Array.from({ length: 5 * 3 }, (_, i) => (i * 17) & 255);
  const png = encodePng({ data, width: 5, height: 3, channels: 1 });
  assert.deepEqual(await sharpRaw(png), { data, width: 5, height: 3, channels: 1 });
});

test('RGB pixels encode to a PNG that decodes to the same bytes', async () => {
  const data = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 31 + 7) & 255);
  const png = encodePng({ data, width: 4, height: 2, channels: 3 });
  assert.deepEqual(await sharpRaw(png), { data, width: 4, height: 2, channels: 3 });
});

test('the decoder reads PNGs written with every row filter (sharp / libpng adaptive filtering)', async () => {
  const width = 16;
  const height = 12;
  const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * i + (i >> 3)) & 255);
  const png = await sharp(Buffer.from(data), { raw: { width, height, channels: 3 } })
    .png({ adaptiveFiltering: true, compressionLevel: 9 })
    .toBuffer();
  assert.deepEqual(decodePng(new Uint8Array(png)), { data, width, height, channels: 3 });
});

test('an opaque alpha channel is dropped; a transparent one is refused', async () => {
  const rgba = Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 255]);
  const opaque = await sharp(Buffer.from(rgba), { raw: { width: 2, height: 1, channels: 4 } })
    .png()
    .toBuffer();
  assert.deepEqual(decodePng(new Uint8Array(opaque)).data, Uint8Array.from([10, 20, 30, 40, 50, 60]));
  rgba[7] = 0;
  const clear = await sharp(Buffer.from(rgba), { raw: { width: 2, height: 1, channels: 4 } })
    .png()
    .toBuffer();
  assert.throws(() => decodePng(new Uint8Array(clear)), /transparent/);
});

test('non-PNG bytes are refused', () => {
  assert.throws(() => decodePng(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0])), /not a PNG/);
});
