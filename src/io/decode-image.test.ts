import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { DetkitError } from '../core/errors.js';
import { decodeImage } from './decode-image.js';

/** A 4×2 JPEG whose left half is red and right half blue, with the given EXIF orientation. */
async function twoColourJpeg(orientation: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(4 * 2 * 3);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 4; x++) pixels.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
  }
  return sharp(pixels, { raw: { width: 4, height: 2, channels: 3 } })
    .jpeg({ quality: 100 })
    .withMetadata({ orientation })
    .toBuffer();
}

test('decodes to tightly packed RGB with the image size', async () => {
  const image = await decodeImage(await twoColourJpeg(1));
  assert.deepEqual([image.width, image.height, image.channels, image.data.length], [4, 2, 3, 24]);
  assert.ok(image.data[0] > 200 && image.data[2] < 50, 'top-left is red');
});

test('applies the EXIF orientation (6: rotate 90° clockwise)', async () => {
  const image = await decodeImage(await twoColourJpeg(6));
  assert.deepEqual([image.width, image.height], [2, 4]);
  // Rotated clockwise, the red left half becomes the top.
  assert.ok(image.data[0] > 200 && image.data[2] < 50, 'top-left is red');
  const last = image.data.length - 3;
  assert.ok(image.data[last + 2] > 200 && image.data[last] < 50, 'bottom-right is blue');
});

test('grey and RGBA images come out as RGB', async () => {
  const grey = await sharp(Buffer.alloc(9, 128), { raw: { width: 3, height: 3, channels: 1 } })
    .png()
    .toBuffer();
  const rgba = await sharp(Buffer.alloc(36, 200), { raw: { width: 3, height: 3, channels: 4 } })
    .png()
    .toBuffer();
  for (const bytes of [grey, rgba]) {
    const image = await decodeImage(bytes);
    assert.equal(image.channels, 3);
    assert.equal(image.data.length, 27);
  }
});

test('bytes that are no image are refused, named by the caller', async () => {
  await assert.rejects(decodeImage(new TextEncoder().encode('hello'), 'upload.jpg'), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.match(e.message, /^upload\.jpg: not a readable image/);
    return true;
  });
});
