import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Detections } from './core/detections.js';
import { DetkitError } from './core/errors.js';
import { type Detector, loadDetector, stackFeeds } from './detector.js';
import type { Prepared } from './families/family.js';
import { humanModel, photo } from './families/testing/photos.js';
import { decodeImage } from './io/decode-image.js';
import { tempFilePath } from './io/temp-dirs.test.util.js';
import { tfjsWasm } from './runtime/tfjs.js';

let detector: Detector;
before(async () => {
  detector = await loadDetector(humanModel('nanodet.json'), { scoreThreshold: 0.2 });
});
after(() => detector.dispose());

function rows(d: Detections) {
  return {
    length: d.length,
    boxes: Array.from(d.boxes),
    scores: Array.from(d.scores),
    classIds: Array.from(d.classIds),
  };
}

test('a path and its encoded bytes give identical detections', async () => {
  const path = photo('chelsea.png');
  const fromPath = await detector.detect(path);
  const fromBytes = await detector.detect(readFileSync(path));
  assert.ok(fromPath.length > 0);
  assert.deepEqual(rows(fromBytes), rows(fromPath));
});

test('without resizing while decoding, a path and its decoded pixels give identical detections', async () => {
  const path = photo('chelsea.png');
  const fromPath = await detector.detect(path, { resizeWhileDecoding: false });
  const fromPixels = await detector.detect(await decodeImage(path));
  assert.ok(fromPath.length > 0);
  assert.deepEqual(rows(fromPixels), rows(fromPath));
});

test('resizing while decoding finds the same objects as the JS resize, boxes within 2 px', async () => {
  for (const name of ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg']) {
    const fitted = await detector.detect(photo(name));
    const reference = await detector.detect(photo(name), { resizeWhileDecoding: false });
    // Interpolation differs a little (sharp's linear kernel vs cv2.INTER_LINEAR): compare the
    // confident detections, each with the best-overlapping one of the same class.
    for (let i = 0; i < reference.length; i++) {
      if (reference.scores[i]! < 0.4) continue;
      const box = Array.from(reference.boxes.subarray(i * 4, i * 4 + 4));
      let nearest = Number.POSITIVE_INFINITY;
      for (let j = 0; j < fitted.length; j++) {
        if (fitted.classIds[j] !== reference.classIds[i]) continue;
        const other = fitted.boxes.subarray(j * 4, j * 4 + 4);
        nearest = Math.min(nearest, Math.max(...box.map((v, k) => Math.abs(v - other[k]!))));
      }
      assert.ok(nearest <= 2, `${name}: detection ${i} (class ${reference.classIds[i]}) moved ${nearest} px`);
    }
  }
});

test('detectBatch equals detect one image at a time', async () => {
  const names = ['astronaut.png', 'coffee.png', 'rocket.jpg'].map(photo);
  const batch = await detector.detectBatch(names);
  assert.equal(batch.length, 3);
  for (let i = 0; i < names.length; i++) assert.deepEqual(rows(batch[i]), rows(await detector.detect(names[i])));
});

test('timings split the last call into decode, preprocess, inference and postprocess', async () => {
  await detector.detect(photo('astronaut.png'));
  const t = detector.timings;
  for (const stage of ['decode', 'preprocess', 'inference', 'postprocess'] as const) {
    assert.ok(t[stage] >= 0 && Number.isFinite(t[stage]), stage);
  }
  assert.ok(t.inference > 0);
});

test('repeated detection holds no TF.js tensors', async () => {
  const tf = await tfjsWasm();
  const pixels = await decodeImage(photo('chelsea.png'));
  await detector.detect(pixels);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) await detector.detect(pixels);
  assert.equal(tf.memory().numTensors, before);
});

test('RGBA pixels give the same detections as RGB', async () => {
  const rgb = await decodeImage(photo('coffee.png'));
  const rgba = new Uint8Array(rgb.width * rgb.height * 4);
  for (let i = 0, j = 0; i < rgb.data.length; i += 3, j += 4) {
    rgba.set(rgb.data.subarray(i, i + 3), j);
    rgba[j + 3] = 255;
  }
  const a = await detector.detect(rgb);
  const b = await detector.detect({ data: rgba, width: rgb.width, height: rgb.height, channels: 4 });
  assert.deepEqual(rows(b), rows(a));
});

test('raw pixels whose size does not match width × height × channels are refused', async () => {
  const bad = { data: new Uint8Array(100), width: 10, height: 10, channels: 3 as const };
  await assert.rejects(detector.detect(bad), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.equal(e.message, 'raw image 0: has 100 bytes, but 10×10×3 needs 300');
    return true;
  });
});

test('an unreadable image is refused, naming the file', async () => {
  const path = tempFilePath('broken.jpg');
  writeFileSync(path, 'not a jpeg');
  await assert.rejects(detector.detect(path), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.ok(e.message.startsWith(`${path}: not a readable image`), e.message);
    return true;
  });
  await assert.rejects(detector.detect('no/such/photo.jpg'), /no\/such\/photo\.jpg: no such file/);
});

test('a model no family recognises is refused, naming the file and listing its tensors', async () => {
  const model = join(process.cwd(), 'src', 'runtime', 'fixtures', 'add-relu', 'model.json');
  await assert.rejects(loadDetector(model), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.ok(e.message.startsWith(`${model}: no model family recognises this model`), e.message);
    assert.match(e.message, /inputs: x float32 \[\?,4\] — outputs: y float32 \[\?,4\]/);
    return true;
  });
});

test('a JSON file that is not a model is refused', async () => {
  await assert.rejects(loadDetector(join(process.cwd(), 'package.json')), /package\.json: not a TF\.js model/);
});

test('the family option overrides detection; an unknown name lists the known ones', async () => {
  await assert.rejects(
    loadDetector(humanModel('nanodet.json'), { family: 'nope' }),
    /unknown model family "nope"; known families: .*nanodet/,
  );
});

test('an input size the model does not take is refused with both shapes', async () => {
  await assert.rejects(detector.detect(photo('coffee.png'), { inputSize: [320, 320] }), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.match(e.message, /nanodet\.json: model input "input_1" expects shape \[1,3,416,416\], got \[1,3,320,320\]/);
    return true;
  });
});

test('a family forced onto a model it does not fit is refused, naming the model', async () => {
  await assert.rejects(loadDetector(humanModel('nanodet.json'), { family: 'centernet' }), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.match(
      e.message,
      /nanodet\.json: the centernet family does not fit this model \(inputs: input_1 float32 \[1,3,416,416\]/,
    );
    return true;
  });
});

test('batching stacks per-image feeds along the batch axis, in order', () => {
  const image = (fill: number): Prepared => ({
    feeds: { images: { type: 'float32', dims: [1, 3, 2, 2], data: new Float32Array(12).fill(fill) } },
    mapping: { width: 4, height: 4, inputWidth: 2, inputHeight: 2, scaleX: 0.5, scaleY: 0.5, padX: 0, padY: 0 },
  });
  const stacked = stackFeeds([image(1), image(2), image(3)])!;
  assert.deepEqual(stacked.images.dims, [3, 3, 2, 2]);
  assert.deepEqual(Array.from(stacked.images.data as Float32Array), [
    ...new Array(12).fill(1),
    ...new Array(12).fill(2),
    ...new Array(12).fill(3),
  ]);
});

test('images whose inputs differ in size are not stacked (they run one at a time)', () => {
  const a: Prepared = {
    feeds: { images: { type: 'float32', dims: [1, 3, 2, 2], data: new Float32Array(12) } },
    mapping: { width: 2, height: 2, inputWidth: 2, inputHeight: 2, scaleX: 1, scaleY: 1, padX: 0, padY: 0 },
  };
  const b: Prepared = { ...a, feeds: { images: { type: 'float32', dims: [1, 3, 4, 2], data: new Float32Array(24) } } };
  assert.equal(stackFeeds([a, b]), undefined);
});
