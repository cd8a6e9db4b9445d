import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InferenceSession, Tensor } from '../runtime/tensor.js';
import { decodeDetr, hfDetrFamily, hfRtdetrFamily, shortestEdgeSize } from './detr.js';
import type { DetectOptions, ModelFamily } from './family.js';
import { resizeTo } from './letterbox.js';
import { assertDetections, gradientImage } from './testing/expect.js';
import { openFixture } from './testing/ort-session.js';

const image = gradientImage(1280, 720);
const sessions: Record<string, InferenceSession> = {};
const FIXTURES = ['detr-hf', 'rtdetr-hf', 'yolov8', 'rtdetr-ultralytics', 'torchvision', 'tfod', 'tflite-ssd'];
before(async () => {
  for (const name of FIXTURES) sessions[name] = await openFixture(`${name}.onnx`);
});
after(async () => {
  for (const s of Object.values(sessions)) await s.dispose();
});

async function run(family: ModelFamily, session: InferenceSession, options: DetectOptions = {}) {
  const prepared = family.preprocess(image, session.signature, options);
  const outputs = await session.run(prepared.feeds);
  return {
    prepared,
    outputs,
    detections: family.postprocess(outputs, prepared.mapping, session.signature, options, 0),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Softmax probability of logit `x` in a row of `others` plus (92 − 1 − others.length) logits of −10. */
const softmax = (x: number, others: number[]) => {
  const rest = 92 - 1 - others.length;
  return Math.exp(x) / (Math.exp(x) + others.reduce((s, o) => s + Math.exp(o), 0) + rest * Math.exp(-10));
};

describe('DETR recognition', () => {
  test('hf-detr recognises the DETR export (92 = 91 COCO ids + no-object) best', () => {
    const sig = sessions['detr-hf']!.signature;
    assert.ok(hfDetrFamily.recognise(sig) > hfRtdetrFamily.recognise(sig));
  });

  test('hf-rtdetr recognises the RT-DETR export (80 classes, 300 queries) best', () => {
    const sig = sessions['rtdetr-hf']!.signature;
    assert.ok(hfRtdetrFamily.recognise(sig) > hfDetrFamily.recognise(sig));
  });

  test('neither claims Ultralytics, torchvision or TF layouts', () => {
    for (const name of ['yolov8', 'rtdetr-ultralytics', 'torchvision', 'tfod', 'tflite-ssd']) {
      assert.equal(hfDetrFamily.recognise(sessions[name]!.signature), 0, name);
      assert.equal(hfRtdetrFamily.recognise(sessions[name]!.signature), 0, name);
    }
  });
});

describe('DETR pre-processing', () => {
  test("shortest edge 800 capped by longest 1333, as transformers' get_size_with_aspect_ratio", () => {
    assert.deepEqual(shortestEdgeSize(720, 1280, 800, 1333), [750, 1333]);
    assert.deepEqual(shortestEdgeSize(480, 640, 800, 1333), [800, 1066]);
    assert.deepEqual(shortestEdgeSize(1000, 500, 800, 1333), [1333, 666]);
    assert.deepEqual(shortestEdgeSize(800, 900, 800), [800, 900]);
  });

  test('a dynamic-size DETR input gets the resized image with ImageNet mean/std', async () => {
    const { prepared } = await run(hfDetrFamily, sessions['detr-hf']!);
    const t = prepared.feeds.pixel_values!;
    assert.deepEqual(t.dims, [1, 3, 750, 1333]);
    assert.ok(Math.abs(Number(t.data[0]) - (0 / 255 - 0.485) / 0.229) < 1e-6);
  });

  test('a fixed-size RT-DETR input is stretched to 640 × 640 and scaled to 0..1', async () => {
    const { prepared } = await run(hfRtdetrFamily, sessions['rtdetr-hf']!);
    assert.deepEqual(prepared.feeds.pixel_values!.dims, [1, 3, 640, 640]);
    assert.deepEqual([prepared.mapping.scaleX, prepared.mapping.scaleY], [0.5, 640 / 720]);
  });
});

describe('DETR softmax decoding', () => {
  test('per query, the best real class of the softmax (no-object excluded), boxes to image pixels', async () => {
    const { detections } = await run(hfDetrFamily, sessions['detr-hf']!);
    // q0: class 17 (cat) 4 vs no-object 0; q1: class 1 (person) 2 vs 1.5 and no-object 1;
    // q2: no-object 5 dominates class 5 → 0.018, dropped.
    assertDetections(detections, [
      { box: [320, 180, 960, 540], score: softmax(4, [0]), classId: 17, label: 'cat' },
      { box: [256, 108, 384, 252], score: softmax(2, [1.5, 1]), classId: 1, label: 'person' },
    ]);
  });
});

describe('RT-DETR sigmoid decoding', () => {
  test('top-k over queries × classes: one query can give several classes', async () => {
    const { detections } = await run(hfRtdetrFamily, sessions['rtdetr-hf']!);
    const box: [number, number, number, number] = [480, 324, 800, 396];
    assertDetections(detections, [
      { box, score: sigmoid(3), classId: 0, label: 'person' },
      { box, score: sigmoid(1), classId: 15, label: 'cat' },
      { box: [320, 180, 448, 252], score: 0.5, classId: 2, label: 'car' },
    ]);
  });

  test('score threshold and maxDetections', async () => {
    assert.equal((await run(hfRtdetrFamily, sessions['rtdetr-hf']!, { scoreThreshold: 0.6 })).detections.length, 2);
    assert.equal((await run(hfRtdetrFamily, sessions['rtdetr-hf']!, { maxDetections: 1 })).detections.length, 1);
  });

  test('k is the number of queries even when more query × class scores pass', () => {
    const logits: Tensor = { type: 'float32', dims: [1, 2, 3], data: new Float32Array(6).fill(5) };
    const boxes: Tensor = { type: 'float32', dims: [1, 2, 4], data: new Float32Array(8).fill(0.5) };
    const { mapping } = resizeTo(gradientImage(10, 10), 10, 10);
    const c = decodeDetr('sigmoid', logits, boxes, mapping, 0, 0.25);
    assert.equal(c.length, 2);
    assert.deepEqual(c.classIds, [0, 1]); // ties keep flat order: query 0 classes 0 and 1
  });
});

describe('the same logits: DETR softmax vs RT-DETR sigmoid', () => {
  test('softmax yields one detection per query, sigmoid reads the no-object slot as a class', async () => {
    const { prepared, outputs, detections: softmaxed } = await run(hfDetrFamily, sessions['detr-hf']!);
    const sig = sessions['detr-hf']!.signature;
    const sigmoided = hfRtdetrFamily.postprocess(outputs, prepared.mapping, sig, {}, 0);
    assert.deepEqual(Array.from(softmaxed.classIds), [17, 1]);
    // q2/91 sigmoid(5), q0/17 sigmoid(4), q1/1, q1/2, q1/91 and q2/5 tie at sigmoid(1) (flat order),
    // then q0/91 sigmoid(0) = 0.5.
    assert.deepEqual(Array.from(sigmoided.classIds), [91, 17, 1, 2, 91, 5, 91]);
    const expected = [5, 4, 2, 1.5, 1, 1, 0].map((x) => Math.fround(sigmoid(x)));
    Array.from(sigmoided.scores).forEach((s, i) => assert.ok(Math.abs(s - expected[i]!) < 1e-6));
    assert.ok(softmaxed.scores[0]! > 0.98 && softmaxed.scores[1]! < 0.6);
  });
});
