import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TensorInfo } from '../runtime/tensor.js';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  inputGeometry,
  letterbox,
  letterboxGeometry,
  mapBoxesToImage,
  resizeBilinear,
  resizeTo,
  roundHalfEven,
  toTensor,
} from './letterbox.js';
import { gradientImage, textureImage } from './testing/expect.js';

const rgb = (width: number, height: number, values: number[]) => ({ data: Uint8Array.from(values), width, height });

describe('roundHalfEven', () => {
  test('rounds halves to the even neighbour like Python round()', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 139.9, 140.1, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 4, 140, 140, 2, 3]);
  });
});

describe('resizeBilinear (cv2.INTER_LINEAR)', () => {
  test('upscaling aligns pixel centres and clamps at the borders: [0, 100] → [0, 25, 75, 100]', () => {
    const out = resizeBilinear(rgb(2, 1, [0, 0, 0, 100, 100, 100]), 4, 1);
    assert.deepEqual(Array.from(out.data.filter((_, i) => i % 3 === 0)), [0, 25, 75, 100]);
  });

  test('an exact 2x downscale averages each 2 × 2 block with rounding, as cv2 (INTER_AREA path) does', () => {
    const src = rgb(2, 2, [10, 0, 0, 20, 0, 0, 30, 0, 0, 41, 0, 0]);
    assert.equal(resizeBilinear(src, 1, 1).data[0], 25); // (10 + 20 + 30 + 41 + 2) >> 2
  });

  test('same size returns the pixels untouched', () => {
    const src = rgb(1, 1, [1, 2, 3]);
    assert.equal(resizeBilinear(src, 1, 1), src);
  });
});

describe('resizeBilinear against OpenCV (scripts/make-cv2-resize-golden.py)', () => {
  const golden = JSON.parse(readFileSync(join(process.cwd(), 'src/families/fixtures/cv2-resize.json'), 'utf8')) as {
    opencv: string;
    cases: { source: [number, number]; size: [number, number]; rgb: string }[];
  };
  for (const { source, size, rgb: expected } of golden.cases) {
    test(`${source.join('×')} → ${size.join('×')} equals cv2.resize(INTER_LINEAR) ${golden.opencv} byte for byte`, () => {
      const src = textureImage(source[0], source[1]);
      const out = resizeBilinear({ data: src.data, width: source[0], height: source[1] }, size[0], size[1]).data;
      const want = Buffer.from(expected, 'base64');
      assert.equal(out.length, want.length);
      const differing = out.reduce((n, v, i) => n + (v === want[i] ? 0 : 1), 0);
      const first = out.findIndex((v, i) => v !== want[i]);
      assert.equal(differing, 0, `first difference at byte ${first}: ${out[first]} vs cv2 ${want[first]}`);
    });
  }
});

describe('letterbox (Ultralytics LetterBox)', () => {
  test('an image a decoder already fitted to the input size passes through with its mapping', () => {
    const { mapping } = letterboxGeometry(1280, 720, 640, 640);
    const fitted = { ...gradientImage(640, 640), mapping };
    const out = letterbox(fitted, 640, 640);
    assert.equal(out.pixels.data, fitted.data);
    assert.equal(out.mapping, mapping);
    assert.equal(resizeTo(fitted, 640, 640).mapping, mapping);
  });

  test('a fitted image of another size is letterboxed afresh from its own pixels', () => {
    const fitted = { ...gradientImage(320, 320), mapping: letterboxGeometry(1280, 720, 320, 320).mapping };
    assert.deepEqual(letterbox(fitted, 640, 640).mapping, letterboxGeometry(320, 320, 640, 640).mapping);
  });

  test('1280 × 720 into 640 × 640: scale 0.5, 140 rows of 114 above and below', () => {
    const { pixels, mapping } = letterbox(gradientImage(1280, 720), 640, 640);
    assert.deepEqual(mapping, {
      width: 1280,
      height: 720,
      inputWidth: 640,
      inputHeight: 640,
      scaleX: 0.5,
      scaleY: 0.5,
      padX: 0,
      padY: 140,
    });
    const at = (x: number, y: number) => Array.from(pixels.data.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3));
    assert.deepEqual(at(10, 139), [114, 114, 114]);
    assert.deepEqual(at(10, 500), [114, 114, 114]);
    // Input pixel (10, 140) averages original pixels x 20..21, y 0..1: (20.5, 0.5, 20.5 + 0.5) rounded.
    assert.deepEqual(at(10, 140), [21, 1, 21]);
    // Last content row: original rows 718..719 (gradient 206..207).
    assert.deepEqual(at(10, 499), [21, 207, 227]);
  });

  test('new size uses Python rounding and an odd padding puts the extra column after', () => {
    // 5 × 8 into 5 wide × 4 high: scale 0.5, width round(2.5) = 2, dw = 1.5 → left round(1.4) = 1, right 2.
    const { pixels, mapping } = letterbox(gradientImage(5, 8), 4, 5);
    assert.equal(mapping.padX, 1);
    assert.equal(mapping.padY, 0);
    const row = Array.from({ length: 5 }, (_, x) => pixels.data[x * 3]);
    assert.deepEqual(
      row.map((v) => v === 114),
      [true, false, false, true, true],
    );
  });

  test('scaleUp false keeps small images at their size, centred', () => {
    const { mapping } = letterbox(gradientImage(100, 50), 640, 640, { scaleUp: false });
    assert.equal(mapping.scaleX, 1);
    assert.equal(mapping.padX, 270);
    assert.equal(mapping.padY, 295);
  });

  test('RGBA images lose their alpha channel', () => {
    const { pixels } = letterbox(gradientImage(4, 4, 4), 4, 4);
    assert.equal(pixels.data.length, 4 * 4 * 3);
    assert.deepEqual(Array.from(pixels.data.subarray(3, 6)), [1, 0, 1]);
  });
});

describe('mapBoxesToImage', () => {
  test('round trip: a box letterboxed forward maps back exactly', () => {
    const { mapping } = letterbox(gradientImage(1280, 720), 640, 640);
    const original = [100.25, 50.5, 700.75, 719];
    const input = Float32Array.from(original, (v, i) =>
      i % 2 === 0 ? v * mapping.scaleX + mapping.padX : v * mapping.scaleY + mapping.padY,
    );
    assert.deepEqual(Array.from(mapBoxesToImage(input, mapping)), original);
  });

  test('boxes reaching into the padding are clipped to the image', () => {
    const { mapping } = letterbox(gradientImage(1280, 720), 640, 640);
    const boxes = mapBoxesToImage(Float32Array.from([-10, 130, 650, 520]), mapping);
    assert.deepEqual(Array.from(boxes), [0, 0, 1280, 720]);
  });

  test('a stretched resize maps each axis with its own scale', () => {
    const { mapping } = resizeTo(gradientImage(1280, 720), 640, 640);
    const boxes = mapBoxesToImage(Float32Array.from([320, 320, 640, 640]), mapping);
    assert.deepEqual(Array.from(boxes), [640, 360, 1280, 720]);
  });
});

describe('toTensor', () => {
  const pixels = rgb(2, 1, [255, 0, 51, 0, 102, 255]);

  test('NCHW float32 /255 puts each channel in its own plane', () => {
    const t = toTensor(pixels, { layout: 'nchw', type: 'float32' });
    assert.deepEqual(t.dims, [1, 3, 1, 2]);
    [1, 0, 0, 0.4, 0.2, 1].forEach((v, i) => assert.ok(Math.abs(Number(t.data[i]) - v) < 1e-7));
  });

  test('NHWC uint8 keeps the bytes interleaved', () => {
    const t = toTensor(pixels, { layout: 'nhwc', type: 'uint8' });
    assert.equal(t.type, 'uint8');
    assert.deepEqual(t.dims, [1, 1, 2, 3]);
    assert.deepEqual(Array.from(t.data as Float32Array), [255, 0, 51, 0, 102, 255]);
  });

  test('BGR swaps the first and last channel', () => {
    const t = toTensor(pixels, { layout: 'nhwc', type: 'uint8', channelOrder: 'bgr' });
    assert.deepEqual(Array.from(t.data as Float32Array), [51, 0, 255, 255, 102, 0]);
  });

  test('ImageNet mean/std normalisation', () => {
    const t = toTensor(pixels, {
      layout: 'nchw',
      type: 'float32',
      normalisation: { kind: 'meanStd', mean: IMAGENET_MEAN, std: IMAGENET_STD },
    });
    const expected = [
      (1 - 0.485) / 0.229,
      (0 - 0.485) / 0.229,
      (0 - 0.456) / 0.224,
      (0.4 - 0.456) / 0.224,
      (0.2 - 0.406) / 0.225,
      (1 - 0.406) / 0.225,
    ];
    Array.from(t.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(Number(v) - expected[i]!) < 1e-5));
  });

  test('symmetric normalisation maps 0..255 to −1..1', () => {
    const t = toTensor(rgb(1, 1, [0, 255, 51]), {
      layout: 'nhwc',
      type: 'float32',
      normalisation: { kind: 'symmetric' },
    });
    assert.deepEqual(Array.from(t.data as Float32Array), [-1, 1, Math.fround(51 / 127.5 - 1)]);
  });

  test('unbatched drops the batch axis (torchvision [3, H, W])', () => {
    assert.deepEqual(toTensor(pixels, { layout: 'nchw', type: 'float32', unbatched: true }).dims, [3, 1, 2]);
  });
});

describe('inputGeometry', () => {
  const info = (dims: (number | null)[]): TensorInfo => ({ name: 'x', type: 'float32', dims });

  test('fixed dims win over the caller override', () => {
    assert.deepEqual(inputGeometry(info([1, 3, 640, 640]), [320, 320], [480, 480]), {
      layout: 'nchw',
      height: 640,
      width: 640,
      unbatched: false,
    });
  });

  test('dynamic dims take the override, then the fallback; NHWC is told by the last axis', () => {
    assert.deepEqual(inputGeometry(info([1, null, null, 3]), [300, 400], [480, 512]), {
      layout: 'nhwc',
      height: 480,
      width: 512,
      unbatched: false,
    });
    assert.deepEqual(inputGeometry(info([3, null, null]), [300, 400]).height, 300);
  });
});
