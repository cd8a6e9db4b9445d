import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InferenceSession, ModelSignature, Tensor } from '../runtime/tensor.js';
import type { DetectOptions } from './family.js';
import { assertDetections, gradientImage } from './testing/expect.js';
import { openFixture } from './testing/ort-session.js';
import { torchvisionFamily } from './torchvision.js';

const image = gradientImage(1280, 720);
const sessions: Record<string, InferenceSession> = {};
const FIXTURES = ['torchvision', 'yolov8', 'detr-hf', 'tfod', 'tflite-ssd'];
before(async () => {
  for (const name of FIXTURES) sessions[name] = await openFixture(`${name}.onnx`);
});
after(async () => {
  for (const s of Object.values(sessions)) await s.dispose();
});

async function run(options: DetectOptions = {}) {
  const session = sessions.torchvision!;
  const prepared = torchvisionFamily.preprocess(image, session.signature, options);
  const outputs = await session.run(prepared.feeds);
  return {
    prepared,
    detections: torchvisionFamily.postprocess(outputs, prepared.mapping, session.signature, options, 0),
  };
}

describe('torchvision detectors', () => {
  test('recognises boxes [N, 4] + int64 labels + scores from a [3, H, W] input, and nothing else', () => {
    assert.ok(torchvisionFamily.recognise(sessions.torchvision!.signature) >= 0.9);
    for (const name of ['yolov8', 'detr-hf', 'tfod', 'tflite-ssd']) {
      assert.equal(torchvisionFamily.recognise(sessions[name]!.signature), 0, name);
    }
  });

  test('feeds the image at its own size as float RGB 0..1, [3, H, W]', async () => {
    const { prepared } = await run();
    const t = prepared.feeds.images!;
    assert.deepEqual(t.dims, [3, 720, 1280]);
    assert.deepEqual([prepared.mapping.scaleX, prepared.mapping.padY], [1, 0]);
    // Pixel (1, 0) is (1, 0, 1): red plane [1], green plane [1].
    assert.equal(t.data[1], Math.fround(1 / 255));
    assert.equal(t.data[720 * 1280 + 1], 0);
  });

  test('drops background label 0, keeps COCO ids as class ids, clips to the image', async () => {
    const { detections } = await run();
    assertDetections(detections, [
      { box: [100, 200, 300, 400], score: 0.95, classId: 1, label: 'person' },
      { box: [0, 600, 100, 720], score: 0.8, classId: 3, label: 'car' },
      { box: [50, 50, 60, 60], score: 0.5, classId: 12, label: 'N/A' },
    ]);
    assert.equal(detections.labels?.length, 91);
  });

  test('score threshold and maxDetections', async () => {
    assert.equal((await run({ scoreThreshold: 0.05 })).detections.length, 4);
    assert.deepEqual(Array.from((await run({ maxDetections: 1 })).detections.classIds), [1]);
  });

  test('a forced input size resizes the image and maps boxes back', async () => {
    const { prepared, detections } = await run({ inputSize: [360, 640] });
    assert.deepEqual(prepared.feeds.images!.dims, [3, 360, 640]);
    // The model answers in the 640 × 360 tensor's pixels: everything doubles, then clips to 720.
    assertDetections(detections, [
      { box: [200, 400, 600, 720], score: 0.95, classId: 1 },
      { box: [0, 720, 200, 720], score: 0.8, classId: 3 },
      { box: [100, 100, 120, 120], score: 0.5, classId: 12 },
    ]);
  });

  test('outputs named by position (SSD / RetinaNet return boxes, scores, labels) are found by type', () => {
    const signature: ModelSignature = {
      inputs: [{ name: 'images', type: 'float32', dims: [3, null, null] }],
      outputs: [
        { name: 'boxes', type: 'float32', dims: [null, 4] },
        { name: 'labels', type: 'float32', dims: [null] },
        { name: 'scores', type: 'int64', dims: [null] },
      ],
      metadata: {},
      format: 'onnx',
    };
    assert.ok(torchvisionFamily.recognise(signature) > 0);
    const outputs: Record<string, Tensor> = {
      boxes: { type: 'float32', dims: [2, 4], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
      labels: { type: 'float32', dims: [2], data: Float32Array.from([0.5, 0.75]) },
      scores: { type: 'int64', dims: [2], data: BigInt64Array.from([18n, 1n]) },
    };
    const mapping = { width: 10, height: 10, inputWidth: 10, inputHeight: 10, scaleX: 1, scaleY: 1, padX: 0, padY: 0 };
    assertDetections(torchvisionFamily.postprocess(outputs, mapping, signature, {}, 0), [
      { box: [5, 6, 7, 8], score: 0.75, classId: 1, label: 'person' },
      { box: [1, 2, 3, 4], score: 0.5, classId: 18, label: 'dog' },
    ]);
  });
});
