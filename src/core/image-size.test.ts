import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { nodeFiles } from '../io/node-files.js';
import { tempDir } from '../io/temp-dirs.test.util.js';
import { imageSizeFromHeader, readImageSize } from './image-size.js';

const blank = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#808080' } });

for (const [format, encode] of [
  ['png', (w: number, h: number) => blank(w, h).png().toBuffer()],
  ['jpeg', (w: number, h: number) => blank(w, h).jpeg().toBuffer()],
  ['webp', (w: number, h: number) => blank(w, h).webp().toBuffer()],
  ['webp', (w: number, h: number) => blank(w, h).webp({ lossless: true }).toBuffer()],
  ['tiff', (w: number, h: number) => blank(w, h).tiff().toBuffer()],
  ['gif', (w: number, h: number) => blank(w, h).gif().toBuffer()],
] as const) {
  test(`${format} size comes from the header`, async () => {
    const bytes = await encode(321, 123);
    assert.deepEqual(imageSizeFromHeader(new Uint8Array(bytes).subarray(0, 4096)), {
      width: 321,
      height: 123,
      format,
    });
  });
}

test('bmp size, bottom-up and top-down', () => {
  const bmp = new Uint8Array(54);
  const v = new DataView(bmp.buffer);
  bmp[0] = 0x42;
  bmp[1] = 0x4d;
  v.setUint32(14, 40, true);
  v.setInt32(18, 640, true);
  v.setInt32(22, -480, true);
  assert.deepEqual(imageSizeFromHeader(bmp), { width: 640, height: 480, format: 'bmp' });
});

test('a JPEG whose frame header lies past the first block asks for more bytes', async () => {
  const exif = Buffer.alloc(20000, 0x20);
  const bytes = await blank(50, 40)
    .jpeg()
    .withMetadata({ exif: { IFD0: { ImageDescription: exif.toString() } } })
    .toBuffer();
  assert.equal(imageSizeFromHeader(new Uint8Array(bytes).subarray(0, 4096)), 'need-more');
  const dir = tempDir('detkit-');
  writeFileSync(join(dir, 'big-exif.jpg'), bytes);
  assert.deepEqual(await readImageSize(nodeFiles, join(dir, 'big-exif.jpg')), {
    width: 50,
    height: 40,
    format: 'jpeg',
  });
});

test('an unknown or truncated file is an error naming it', async () => {
  const dir = tempDir('detkit-');
  writeFileSync(join(dir, 'notes.jpg'), 'hello');
  await assert.rejects(readImageSize(nodeFiles, join(dir, 'notes.jpg')), /notes\.jpg: not an image detkit can size/);
  const png = await blank(10, 10).png().toBuffer();
  writeFileSync(join(dir, 'cut.png'), png.subarray(0, 12));
  await assert.rejects(readImageSize(nodeFiles, join(dir, 'cut.png')), /cut\.png: not an image/);
});
