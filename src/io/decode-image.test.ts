import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { DetkitError } from '../core/errors.js';
import type { FittedImage, InputPlan } from '../families/family.js';
import { letterbox } from '../families/letterbox.js';
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

describe('resizing while decoding (an InputPlan)', () => {
  const plan = (fit: 'letterbox' | 'stretch'): InputPlan => ({ height: 416, width: 416, fit, padValue: 0 });
  const photo = (name: string) => join(process.cwd(), 'test-data', 'photos', name);

  test('letterbox: the model-input size, with the mapping the JS letterbox computes', async () => {
    const full = await decodeImage(photo('rocket.jpg'));
    const fitted = (await decodeImage(photo('rocket.jpg'), undefined, plan('letterbox'))) as FittedImage;
    assert.deepEqual([fitted.width, fitted.height, fitted.data.length], [416, 416, 416 * 416 * 3]);
    assert.deepEqual(fitted.mapping, letterbox(full, 416, 416, { padValue: 0 }).mapping);
  });

  test('letterbox: the padding holds padValue, the image the resized pixels', async () => {
    const full = await decodeImage(photo('rocket.jpg'));
    const fitted = (await decodeImage(photo('rocket.jpg'), undefined, plan('letterbox'))) as FittedImage;
    const reference = letterbox(full, 416, 416, { padValue: 0 }).pixels.data;
    const { padY } = fitted.mapping;
    const row = (data: Uint8Array, y: number) => data.subarray(y * 416 * 3, (y + 1) * 416 * 3);
    assert.ok(padY > 0);
    for (const y of [0, padY - 1, 415])
      assert.ok(
        row(fitted.data, y).every((v) => v === 0),
        `row ${y} is padding`,
      );
    // Inside, sharp's linear kernel and cv2's INTER_LINEAR agree to within a few levels on average.
    let difference = 0;
    for (let y = padY + 1; y < 416 - padY - 1; y++) {
      const a = row(fitted.data, y);
      const b = row(reference, y);
      for (let i = 0; i < a.length; i++) difference += Math.abs(a[i]! - b[i]!);
    }
    const mean = difference / ((416 - 2 * padY - 2) * 416 * 3);
    assert.ok(mean < 4, `mean absolute difference ${mean.toFixed(2)}`);
  });

  test('letterbox follows the EXIF orientation: the mapping is in upright pixels', async () => {
    const fitted = (await decodeImage(await twoColourJpeg(6), undefined, plan('letterbox'))) as FittedImage;
    assert.deepEqual([fitted.mapping.width, fitted.mapping.height], [2, 4]);
    assert.deepEqual([fitted.mapping.scaleX, fitted.mapping.padX, fitted.mapping.padY], [104, 104, 0]);
  });

  test('stretch: exactly the plan size, scaled per axis, no padding', async () => {
    const fitted = (await decodeImage(photo('chelsea.png'), undefined, plan('stretch'))) as FittedImage;
    assert.deepEqual([fitted.width, fitted.height], [416, 416]);
    assert.deepEqual(fitted.mapping, {
      width: 451,
      height: 300,
      inputWidth: 416,
      inputHeight: 416,
      scaleX: 416 / 451,
      scaleY: 416 / 300,
      padX: 0,
      padY: 0,
    });
  });
});
