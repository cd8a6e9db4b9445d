import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InferenceSession } from '../runtime/tensor.js';
import type { DetectOptions, ModelFamily } from './family.js';
import { resizeTo } from './letterbox.js';
import { assertDetections, gradientImage } from './testing/expect.js';
import { openFixture } from './testing/ort-session.js';
import { tfliteSsdFamily, tfodFamily } from './tfod.js';

const image = gradientImage(1280, 720);
const sessions: Record<string, InferenceSession> = {};
const FIXTURES = ['tfod', 'tflite-ssd', 'yolov8', 'detr-hf', 'torchvision'];
before(async () => {
  for (const name of FIXTURES) sessions[name] = await openFixture(`${name}.onnx`);
});
after(async () => {
  for (const s of Object.values(sessions)) await s.dispose();
});

async function run(family: ModelFamily, session: InferenceSession, options: DetectOptions = {}) {
  const prepared = family.preprocess(image, session.signature, options);
  const outputs = await session.run(prepared.feeds);
  return { prepared, detections: family.postprocess(outputs, prepared.mapping, session.signature, options, 0) };
}

describe('recognition', () => {
  test('each TF family recognises its own outputs only', () => {
    for (const [family, own] of [
      [tfodFamily, 'tfod'],
      [tfliteSsdFamily, 'tflite-ssd'],
    ] as const) {
      for (const name of FIXTURES) {
        const score = family.recognise(sessions[name]!.signature);
        if (name === own) assert.ok(score >= 0.9, name);
        else assert.equal(score, 0, `${family.name} on ${name}`);
      }
    }
  });
});

describe('TF Object Detection API', () => {
  test('feeds uint8 NHWC at the image size (the graph resizes)', async () => {
    const { prepared } = await run(tfodFamily, sessions.tfod!);
    const t = prepared.feeds.input_tensor!;
    assert.equal(t.type, 'uint8');
    assert.deepEqual(t.dims, [1, 720, 1280, 3]);
    assert.deepEqual(Array.from(t.data.subarray(3, 6) as Uint8Array), [1, 0, 1]);
  });

  test('boxes are ymin, xmin, ymax, xmax; classes are 1-based COCO ids; num_detections bounds the rows', async () => {
    const { detections } = await run(tfodFamily, sessions.tfod!);
    // Row 3 (score 0.99) lies past num_detections = 3 and must be ignored.
    assertDetections(detections, [
      { box: [128, 180, 384, 360], score: 0.9, classId: 1, label: 'person' },
      { box: [640, 360, 960, 720], score: 0.7, classId: 18, label: 'dog' },
      { box: [0, 0, 128, 72], score: 0.3, classId: 3, label: 'car' },
    ]);
  });

  test('score threshold', async () => {
    assert.equal((await run(tfodFamily, sessions.tfod!, { scoreThreshold: 0.5 })).detections.length, 2);
  });
});

describe('TFLite SSD (TFLite_Detection_PostProcess)', () => {
  test('stretches to the fixed 300 × 300 input, float −1..1', async () => {
    const { prepared } = await run(tfliteSsdFamily, sessions['tflite-ssd']!);
    const t = prepared.feeds.normalized_input_image_tensor!;
    assert.deepEqual(t.dims, [1, 300, 300, 3]);
    const resized = resizeTo(image, 300, 300).pixels.data;
    for (const i of [0, 1, 2, 4500, 269999]) assert.equal(t.data[i], Math.fround(resized[i]! / 127.5 - 1));
    assert.deepEqual([prepared.mapping.scaleX, prepared.mapping.scaleY], [300 / 1280, 300 / 720]);
  });

  test('0-based classes become 1-based ids; the count output bounds the rows', async () => {
    const { detections } = await run(tfliteSsdFamily, sessions['tflite-ssd']!);
    // Row 2 (score 0.95) lies past count = 2.
    assertDetections(detections, [
      { box: [128, 180, 384, 360], score: 0.8, classId: 1, label: 'person' },
      { box: [640, 360, 960, 720], score: 0.6, classId: 18, label: 'dog' },
    ]);
  });
});
