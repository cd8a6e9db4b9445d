/**
 * Writes the model-family test fixtures (src/families/fixtures/*.onnx): tiny ONNX graphs with
 * each exporter's input and output signature whose outputs are known constants, so the tests
 * can check decoding and the mapping back to image pixels number by number.
 *
 *   npm run build && node dist/scripts/make-onnx-fixtures.js
 *
 * The rows below are what the tests' expected boxes are computed from; change both together.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attr, OnnxGraph } from '../src/families/testing/onnx-builder.js';

const outDir = join(process.cwd(), 'src', 'families', 'fixtures');

/** Python's repr of {0: 'a', 1: "b's"} — what Ultralytics writes as the `names` metadata. */
function pythonDictRepr(names: string[]): string {
  const repr = (s: string) => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`);
  return `{${names.map((n, i) => `${i}: ${repr(n)}`).join(', ')}}`;
}

/** 80 class names, not COCO's, so tests can tell metadata names from a default label map. */
const NAMES = Array.from({ length: 80 }, (_, i) => `class${i}`);
NAMES[0] = 'person';
NAMES[2] = 'car';
NAMES[3] = "driver's seat";
NAMES[4] = 'bus';
NAMES[5] = 'truck';

const ultralyticsMeta = (description: string, extra: Record<string, string> = {}) => ({
  description,
  author: 'Ultralytics',
  version: '8.3.0',
  license: 'AGPL-3.0 License (https://ultralytics.com/license)',
  stride: '32',
  task: 'detect',
  batch: '1',
  imgsz: '[640, 640]',
  names: pythonDictRepr(NAMES),
  ...extra,
});

/** One candidate row: box, optional objectness, and sparse class scores. */
function row(box: number[], classScores: Record<number, number>, nc: number, objectness?: number): number[] {
  const scores = new Array<number>(nc).fill(0);
  for (const [c, s] of Object.entries(classScores)) scores[Number(c)] = s;
  return objectness === undefined ? [...box, ...scores] : [...box, objectness, ...scores];
}

function yolov8(): Uint8Array {
  const g = new OnnxGraph();
  const images = g.input('images', 'float32', [1, 3, 640, 640]);
  const anchorsFirst = g.sparseRows(
    [1, 8400, 84],
    [
      { at: [0, 100], values: row([320, 320, 100, 50], { 0: 0.9 }, 80) },
      { at: [0, 101], values: row([325, 322, 100, 50], { 0: 0.8 }, 80) },
      { at: [0, 102], values: row([325, 322, 100, 50], { 2: 0.7 }, 80) },
      { at: [0, 5000], values: row([20, 150, 60, 40], { 5: 0.6 }, 80) },
      { at: [0, 7000], values: row([500, 400, 80, 80], { 3: 0.5, 4: 0.55 }, 80) },
      { at: [0, 8399], values: row([100, 100, 20, 20], { 1: 0.2 }, 80) },
    ],
  );
  const channelsFirst = g.op('Transpose', [anchorsFirst], [attr.ints('perm', [0, 2, 1])]);
  g.output('output0', 'float32', [1, 84, 8400], g.op('Add', [channelsFirst, g.zeroFrom(images)]));
  return g.encode(ultralyticsMeta('Ultralytics YOLOv8n model trained on coco.yaml'));
}

function yolov5(): Uint8Array {
  const g = new OnnxGraph();
  const images = g.input('images', 'float32', [1, 3, 640, 640]);
  const out = g.sparseRows(
    [1, 25200, 85],
    [
      { at: [0, 10], values: row([320, 320, 100, 50], { 0: 0.9 }, 80, 0.95) },
      { at: [0, 11], values: row([325, 322, 100, 50], { 0: 0.8 }, 80, 0.9) },
      { at: [0, 12], values: row([325, 322, 100, 50], { 2: 0.7 }, 80, 0.9) },
      { at: [0, 20000], values: row([20, 150, 60, 40], { 5: 0.75 }, 80, 0.8) },
      { at: [0, 25199], values: row([100, 100, 20, 20], { 1: 0.4 }, 80, 0.5) },
      { at: [0, 15000], values: row([200, 200, 20, 20], { 1: 1 }, 80, 0.2) },
    ],
  );
  g.output('output0', 'float32', [1, 25200, 85], g.op('Add', [out, g.zeroFrom(images)]));
  // The yolov5 repository's export.py writes only stride and names.
  return g.encode({ stride: '32', names: pythonDictRepr(NAMES) });
}

function yoloEnd2End(): Uint8Array {
  const g = new OnnxGraph();
  const images = g.input('images', 'float32', [1, 3, 640, 640]);
  const out = g.sparseRows(
    [1, 300, 6],
    [
      { at: [0, 0], values: [270, 295, 370, 345, 0.9, 0] },
      { at: [0, 1], values: [275, 297, 375, 347, 0.8, 0] },
      { at: [0, 2], values: [-10, 130, 50, 170, 0.6, 5] },
      { at: [0, 3], values: [100, 100, 120, 120, 0.1, 1] },
    ],
  );
  g.output('output0', 'float32', [1, 300, 6], g.op('Add', [out, g.zeroFrom(images)]));
  return g.encode(ultralyticsMeta('Ultralytics YOLO26n model trained on coco.yaml', { end2end: 'True' }));
}

function ultralyticsRtdetr(): Uint8Array {
  const g = new OnnxGraph();
  const images = g.input('images', 'float32', [1, 3, 640, 640]);
  const out = g.sparseRows(
    [1, 300, 84],
    [
      { at: [0, 0], values: row([0.5, 0.5, 0.25, 0.1], { 0: 0.9 }, 80) },
      { at: [0, 1], values: row([0.1, 0.9, 0.3, 0.3], { 7: 0.7 }, 80) },
      { at: [0, 2], values: row([0.5, 0.5, 0.2, 0.2], { 3: 0.1 }, 80) },
    ],
  );
  g.output('output0', 'float32', [1, 300, 84], g.op('Add', [out, g.zeroFrom(images)]));
  return g.encode(ultralyticsMeta('Ultralytics RT-DETR-l model trained on coco.yaml'));
}

/** HF DETR: logits [batch, 100, 92] (91 COCO ids + no-object), pred_boxes cxcywh normalised. */
function detr(): Uint8Array {
  const g = new OnnxGraph();
  const pixels = g.input('pixel_values', 'float32', ['batch_size', 3, 'height', 'width']);
  const zero = g.zeroFrom(pixels);
  const logits = new Array(92).fill(-10);
  const q0 = [...logits];
  q0[17] = 4;
  q0[91] = 0;
  const q1 = [...logits];
  q1[1] = 2;
  q1[2] = 1.5;
  q1[91] = 1;
  const q2 = [...logits];
  q2[5] = 1;
  q2[91] = 5;
  const l = g.sparseRows(
    [1, 100, 92],
    [
      { at: [0, 0], values: q0 },
      { at: [0, 1], values: q1 },
      { at: [0, 2], values: q2 },
    ],
    -10,
  );
  const b = g.sparseRows(
    [1, 100, 4],
    [
      { at: [0, 0], values: [0.5, 0.5, 0.5, 0.5] },
      { at: [0, 1], values: [0.25, 0.25, 0.1, 0.2] },
      { at: [0, 2], values: [0.75, 0.75, 0.2, 0.2] },
    ],
  );
  g.output('logits', 'float32', ['batch_size', 100, 92], g.op('Add', [l, zero]));
  g.output('pred_boxes', 'float32', ['batch_size', 100, 4], g.op('Add', [b, zero]));
  return g.encode();
}

/** HF RT-DETR: logits [1, 300, 80] (sigmoid, no no-object class), pred_boxes cxcywh normalised. */
function hfRtdetr(): Uint8Array {
  const g = new OnnxGraph();
  const pixels = g.input('pixel_values', 'float32', [1, 3, 640, 640]);
  const zero = g.zeroFrom(pixels);
  const q0 = new Array(80).fill(-10);
  q0[0] = 3;
  q0[15] = 1;
  const q5 = new Array(80).fill(-10);
  q5[2] = 0;
  const l = g.sparseRows(
    [1, 300, 80],
    [
      { at: [0, 0], values: q0 },
      { at: [0, 5], values: q5 },
    ],
    -10,
  );
  const b = g.sparseRows(
    [1, 300, 4],
    [
      { at: [0, 0], values: [0.5, 0.5, 0.25, 0.1] },
      { at: [0, 5], values: [0.3, 0.3, 0.1, 0.1] },
    ],
  );
  g.output('logits', 'float32', [1, 300, 80], g.op('Add', [l, zero]));
  g.output('pred_boxes', 'float32', [1, 300, 4], g.op('Add', [b, zero]));
  return g.encode();
}

/** torchvision detection export: one [3, H, W] image in, boxes/labels/scores of dynamic length out. */
function torchvision(): Uint8Array {
  const g = new OnnxGraph();
  const images = g.input('images', 'float32', [3, 'height', 'width']);
  const boxes = [100, 200, 300, 400, 500, 100, 700, 300, -5, 600, 100, 730, 50, 50, 60, 60, 10, 10, 20, 20];
  const labels = [1, 0, 3, 12, 2];
  const scores = [0.95, 0.9, 0.8, 0.5, 0.1];
  const b = g.op('Add', [g.constant(boxes, [5, 4]), g.zeroFrom(images)]);
  const lab = g.op('Add', [g.constant(labels, [5], 'int64'), g.zeroFrom(images, 'int64')]);
  const s = g.op('Add', [g.constant(scores, [5]), g.zeroFrom(images)]);
  g.output('boxes', 'float32', ['N', 4], b);
  g.output('labels', 'int64', ['N'], lab);
  g.output('scores', 'float32', ['N'], s);
  return g.encode();
}

/** TF Object Detection API SavedModel (via tf2onnx): uint8 NHWC in, normalised ymin-first boxes out. */
function tfod(): Uint8Array {
  const g = new OnnxGraph();
  const input = g.input('input_tensor', 'uint8', [1, 'height', 'width', 3]);
  const zero = g.zeroFrom(input);
  const rows = (values: number[][]) => values.map((v, i) => ({ at: [0, i], values: v }));
  const boxes = g.sparseRows(
    [1, 100, 4],
    rows([
      [0.25, 0.1, 0.5, 0.3],
      [0.5, 0.5, 1.0, 0.75],
      [0.0, 0.0, 0.1, 0.1],
      [0.2, 0.2, 0.4, 0.4],
    ]),
  );
  const classes = g.constant([1, 18, 3, 1, ...new Array(96).fill(1)], [1, 100]);
  const scores = g.constant([0.9, 0.7, 0.3, 0.99, ...new Array(96).fill(0)], [1, 100]);
  g.output('detection_boxes', 'float32', [1, 100, 4], g.op('Add', [boxes, zero]));
  g.output('detection_classes', 'float32', [1, 100], g.op('Add', [classes, zero]));
  g.output('detection_scores', 'float32', [1, 100], g.op('Add', [scores, zero]));
  g.output('num_detections', 'float32', [1], g.op('Add', [g.constant([3], [1]), zero]));
  return g.encode();
}

/** TFLite SSD with TFLite_Detection_PostProcess: float input in −1..1, 0-based classes. */
function tfliteSsd(): Uint8Array {
  const g = new OnnxGraph();
  const input = g.input('normalized_input_image_tensor', 'float32', [1, 300, 300, 3]);
  const zero = g.zeroFrom(input);
  const boxes = g.constant(
    [0.25, 0.1, 0.5, 0.3, 0.5, 0.5, 1.0, 0.75, 0.2, 0.2, 0.4, 0.4, ...new Array(28).fill(0)],
    [1, 10, 4],
  );
  const classes = g.constant([0, 17, 0, ...new Array(7).fill(0)], [1, 10]);
  const scores = g.constant([0.8, 0.6, 0.95, ...new Array(7).fill(0)], [1, 10]);
  g.output('TFLite_Detection_PostProcess', 'float32', [1, 10, 4], g.op('Add', [boxes, zero]));
  g.output('TFLite_Detection_PostProcess:1', 'float32', [1, 10], g.op('Add', [classes, zero]));
  g.output('TFLite_Detection_PostProcess:2', 'float32', [1, 10], g.op('Add', [scores, zero]));
  g.output('TFLite_Detection_PostProcess:3', 'float32', [1], g.op('Add', [g.constant([2], [1]), zero]));
  return g.encode();
}

const fixtures: Record<string, () => Uint8Array> = {
  'yolov8.onnx': yolov8,
  'yolov5.onnx': yolov5,
  'yolo-end2end.onnx': yoloEnd2End,
  'rtdetr-ultralytics.onnx': ultralyticsRtdetr,
  'detr-hf.onnx': detr,
  'rtdetr-hf.onnx': hfRtdetr,
  'torchvision.onnx': torchvision,
  'tfod.onnx': tfod,
  'tflite-ssd.onnx': tfliteSsd,
};

mkdirSync(outDir, { recursive: true });
for (const [name, build] of Object.entries(fixtures)) {
  const bytes = build();
  writeFileSync(join(outDir, name), bytes);
  console.log(`${name}: ${bytes.length} bytes`);
}
