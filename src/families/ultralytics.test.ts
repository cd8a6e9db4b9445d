import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InferenceSession, ModelSignature } from '../runtime/tensor.js';
import type { DetectOptions, ModelFamily } from './family.js';
import { assertDetections, gradientImage } from './testing/expect.js';
import { openFixture } from './testing/ort-session.js';
import { ultralyticsRtdetrFamily, yoloEnd2EndFamily, yolov5Family, yolov8Family } from './ultralytics.js';

// Every fixture is run on a 1280 × 720 image: letterboxed to 640 × 640 that is scale 0.5 and
// padY 140, so an input-pixel box (x1, y1, x2, y2) is ((x1) / 0.5, (y1 − 140) / 0.5, …) in the image.
const image = gradientImage(1280, 720);

async function detect(family: ModelFamily, session: InferenceSession, options: DetectOptions = {}) {
  const prepared = family.preprocess(image, session.signature, options);
  const outputs = await session.run(prepared.feeds);
  return family.postprocess(outputs, prepared.mapping, session.signature, options, 0);
}

const sessions: Record<string, InferenceSession> = {};
const FIXTURES = ['yolov8', 'yolov5', 'yolo-end2end', 'rtdetr-ultralytics', 'detr-hf', 'torchvision', 'tfod'];
before(async () => {
  for (const name of FIXTURES) sessions[name] = await openFixture(`${name}.onnx`);
});
after(async () => {
  for (const s of Object.values(sessions)) await s.dispose();
});

// Expected detections in original-image pixels (see scripts/make-onnx-fixtures.ts for the rows).
const A = { box: [540, 310, 740, 410] as [number, number, number, number], classId: 0, label: 'person' };
const C = { box: [550, 314, 750, 414] as [number, number, number, number], classId: 2, label: 'car' };
const D = { box: [0, 0, 100, 60] as [number, number, number, number], classId: 5, label: 'truck' };
const F = { box: [920, 440, 1080, 600] as [number, number, number, number], classId: 4, label: 'bus' };

describe('Ultralytics recognition', () => {
  const cases: [string, ModelFamily][] = [
    ['yolov8', yolov8Family],
    ['yolov5', yolov5Family],
    ['yolo-end2end', yoloEnd2EndFamily],
    ['rtdetr-ultralytics', ultralyticsRtdetrFamily],
  ];
  for (const [fixture, family] of cases) {
    test(`${family.name} recognises ${fixture}.onnx and no other fixture`, () => {
      for (const name of FIXTURES) {
        const score = family.recognise(sessions[name]!.signature);
        if (name === fixture) assert.ok(score >= 0.9, `${name}: ${score}`);
        else assert.equal(score, 0, `${family.name} on ${name}`);
      }
    });
  }

  test('v8 vs v5 is told by layout alone when there is no metadata', () => {
    const v8 = { ...sessions.yolov8!.signature, metadata: {} };
    const v5 = { ...sessions.yolov5!.signature, metadata: {} };
    assert.ok(yolov8Family.recognise(v8) > 0);
    assert.equal(yolov5Family.recognise(v8), 0);
    assert.ok(yolov5Family.recognise(v5) > 0);
    assert.equal(yolov8Family.recognise(v5), 0);
  });

  test('an end-to-end head of any class count, [1, 300, 6], is end-to-end', () => {
    const sig = sessions['yolo-end2end']!.signature;
    const twoClasses = { ...sig, metadata: { ...sig.metadata, names: "{0: 'a', 1: 'b'}" } };
    assert.ok(yoloEnd2EndFamily.recognise(twoClasses) > 0);
    assert.equal(yolov8Family.recognise(twoClasses), 0);
  });

  test('a dynamic anchor axis: the fixed axis tells channels-first (v8) from channels-last (v5)', () => {
    const withOutput = (dims: (number | null)[]) => ({
      ...sessions.yolov8!.signature,
      metadata: {},
      outputs: [{ name: 'output0', type: 'float32' as const, dims }],
    });
    assert.ok(yolov8Family.recognise(withOutput([1, 84, null])) > 0);
    assert.equal(yolov5Family.recognise(withOutput([1, 84, null])), 0);
    assert.ok(yolov5Family.recognise(withOutput([1, null, 85])) > 0);
    assert.equal(yolov8Family.recognise(withOutput([1, null, 85])), 0);
  });

  test('a non-detect task (pose, segment) is not claimed', () => {
    const pose = { ...sessions.yolov8!.signature, metadata: { ...sessions.yolov8!.signature.metadata, task: 'pose' } };
    assert.equal(yolov8Family.recognise(pose), 0);
  });
});

describe('YOLOv8 [1, 84, 8400]', () => {
  test('letterboxes to 640 × 640 with 114 padding, RGB / 255, NCHW', () => {
    const { feeds, mapping } = yolov8Family.preprocess(image, sessions.yolov8!.signature, {});
    const t = feeds.images!;
    assert.deepEqual(t.dims, [1, 3, 640, 640]);
    assert.equal(mapping.padY, 140);
    assert.equal(mapping.scaleX, 0.5);
    assert.equal(t.data[0], Math.fround(114 / 255));
    // Green plane, row 140 (first content row) → original rows 0..1 → (0 + 0 + 1 + 1 + 2) >> 2 = 1.
    assert.equal(t.data[640 * 640 + 140 * 640], Math.fround(1 / 255));
  });

  test('transposes, takes the best class, thresholds and runs per-class NMS', async () => {
    const d = await detect(yolov8Family, sessions.yolov8!);
    // B (0.8, same class as A, IoU 0.84) is suppressed; E (0.2) is under the 0.25 threshold;
    // F's best class is 4 (0.55 over 0.5).
    assertDetections(d, [
      { ...A, score: 0.9 },
      { ...C, score: 0.7 },
      { ...D, score: 0.6 },
      { ...F, score: 0.55 },
    ]);
  });

  test('class-agnostic NMS also suppresses the other-class box over A', async () => {
    const d = await detect(yolov8Family, sessions.yolov8!, { classAgnostic: true });
    assertDetections(d, [
      { ...A, score: 0.9 },
      { ...D, score: 0.6 },
      { ...F, score: 0.55 },
    ]);
  });

  test('a looser IoU threshold keeps the overlapping box', async () => {
    const d = await detect(yolov8Family, sessions.yolov8!, { iouThreshold: 0.9 });
    assert.equal(d.length, 5);
    assert.deepEqual(Array.from(d.scores), [0.9, 0.8, 0.7, 0.6, 0.55].map(Math.fround));
  });

  test('score threshold and maxDetections', async () => {
    assert.equal((await detect(yolov8Family, sessions.yolov8!, { scoreThreshold: 0.65 })).length, 2);
    assert.equal((await detect(yolov8Family, sessions.yolov8!, { scoreThreshold: 0.1 })).length, 5);
    assertDetections(await detect(yolov8Family, sessions.yolov8!, { maxDetections: 2 }), [
      { ...A, score: 0.9 },
      { ...C, score: 0.7 },
    ]);
  });

  test('class names come from the names metadata (a Python dict literal)', () => {
    const labels = yolov8Family.labels!(sessions.yolov8!.signature)!;
    assert.equal(labels.length, 80);
    assert.deepEqual(labels.slice(0, 6), ['person', 'class1', 'car', "driver's seat", 'bus', 'truck']);
  });

  test('without names metadata an 80-class head is taken as COCO (names and category ids)', () => {
    const bare = { ...sessions.yolov8!.signature, metadata: {} };
    assert.equal(yolov8Family.labels!(bare)![79], 'toothbrush');
    assert.equal(yolov8Family.categoryIds!(bare)![79], 90);
    assert.equal(yolov8Family.categoryIds!(sessions.yolov8!.signature), undefined);
  });

  test('options.labels overrides the metadata names', async () => {
    const labels = Array.from({ length: 80 }, (_, i) => `c${i}`);
    const d = await detect(yolov8Family, sessions.yolov8!, { labels });
    assert.equal(d.labels, labels);
  });
});

describe('YOLOv5 [1, 25200, 85]', () => {
  test('score = objectness × class score, then per-class NMS', async () => {
    const d = await detect(yolov5Family, sessions.yolov5!);
    // A 0.95·0.9, B 0.9·0.8 suppressed by A, C 0.9·0.7, D 0.8·0.75;
    // G 0.5·0.4 = 0.2 and H (objectness 0.2) fall under the threshold.
    assertDetections(d, [
      { ...A, score: Math.fround(0.95) * Math.fround(0.9) },
      { ...C, score: Math.fround(0.9) * Math.fround(0.7) },
      { ...D, score: Math.fround(0.8) * Math.fround(0.75) },
    ]);
  });

  test('yolov5 repo metadata (stride + names) gives the names', () => {
    assert.equal(yolov5Family.labels!(sessions.yolov5!.signature)![3], "driver's seat");
  });
});

describe('End-to-end [1, 300, 6] (YOLOv10, YOLO26)', () => {
  test('xyxy rows are only thresholded: overlapping boxes are both kept', async () => {
    const d = await detect(yoloEnd2EndFamily, sessions['yolo-end2end']!);
    assertDetections(d, [
      { ...A, score: 0.9 },
      { ...A, box: [550, 314, 750, 414], score: 0.8 },
      { ...D, score: 0.6 },
    ]);
  });
});

describe('Ultralytics RT-DETR [1, 300, 84]', () => {
  test('stretches the image to 640 × 640 (scaleFill), no padding', () => {
    const { mapping } = ultralyticsRtdetrFamily.preprocess(image, sessions['rtdetr-ultralytics']!.signature, {});
    assert.deepEqual([mapping.scaleX, mapping.scaleY, mapping.padX, mapping.padY], [0.5, 640 / 720, 0, 0]);
  });

  test('normalised cxcywh scale to the image, scores used as they are, no NMS', async () => {
    const d = await detect(ultralyticsRtdetrFamily, sessions['rtdetr-ultralytics']!);
    assertDetections(d, [
      { box: [480, 324, 800, 396], score: 0.9, classId: 0, label: 'person' },
      { box: [0, 540, 320, 720], score: 0.7, classId: 7, label: 'class7' },
    ]);
  });
});

describe('batches and layouts', () => {
  const signature: ModelSignature = {
    inputs: [{ name: 'images', type: 'float32', dims: [null, 640, 640, 3] }],
    outputs: [{ name: 'output0', type: 'float32', dims: [null, 6, 3] }],
    metadata: {},
    format: 'tfjs',
  };

  test('an NHWC input (TF.js export) gets an NHWC letterboxed tensor', () => {
    const { feeds } = yolov8Family.preprocess(image, signature, {});
    assert.deepEqual(feeds.images!.dims, [1, 640, 640, 3]);
    assert.equal(feeds.images!.data[0], Math.fround(114 / 255));
  });

  test('postprocess decodes the requested batch item only', () => {
    // Two images, 2 classes, 3 anchors, channels first: anchor 1 of image 1 holds the only box.
    const data = new Float32Array(2 * 6 * 3);
    const set = (b: number, k: number, i: number, v: number) => (data[b * 18 + k * 3 + i] = v);
    [320, 320, 100, 50].forEach((v, k) => set(1, k, 1, v));
    set(1, 5, 1, 0.8);
    const outputs = { output0: { type: 'float32' as const, dims: [2, 6, 3], data } };
    const { mapping } = yolov8Family.preprocess(image, signature, {});
    assert.equal(yolov8Family.postprocess(outputs, mapping, signature, {}, 0).length, 0);
    assertDetections(yolov8Family.postprocess(outputs, mapping, signature, {}, 1), [
      { box: [540, 310, 740, 410], score: 0.8, classId: 1 },
    ]);
  });
});
