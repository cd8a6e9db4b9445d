import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InferenceSession, ModelSignature } from '../runtime/tensor.js';
import { getFamily, listFamilies, rankFamilies, recogniseFamily, registerFamily } from './index.js';
import { openFixture } from './testing/ort-session.js';

const EXPECTED: Record<string, string> = {
  yolov8: 'yolov8',
  yolov5: 'yolov5',
  'yolo-end2end': 'yolo-end2end',
  'rtdetr-ultralytics': 'ultralytics-rtdetr',
  'detr-hf': 'hf-detr',
  'rtdetr-hf': 'hf-rtdetr',
  torchvision: 'torchvision',
  tfod: 'tf-object-detection',
  'tflite-ssd': 'tflite-ssd',
};

const sessions: Record<string, InferenceSession> = {};
before(async () => {
  for (const name of Object.keys(EXPECTED)) sessions[name] = await openFixture(`${name}.onnx`);
});
after(async () => {
  for (const s of Object.values(sessions)) await s.dispose();
});

describe('family registry', () => {
  for (const [fixture, family] of Object.entries(EXPECTED)) {
    test(`${fixture}.onnx is recognised as ${family}, with a reason`, () => {
      const best = recogniseFamily(sessions[fixture]!.signature);
      assert.equal(best?.family.name, family);
      assert.ok(best.confidence > 0 && best.confidence <= 1);
      assert.ok(best.reason.length > 0);
    });
  }

  test('a classifier signature is recognised by no family', () => {
    const classifier: ModelSignature = {
      inputs: [{ name: 'input', type: 'float32', dims: [1, 3, 224, 224] }],
      outputs: [{ name: 'logits', type: 'float32', dims: [1, 1000] }],
      metadata: {},
      format: 'onnx',
    };
    assert.equal(recogniseFamily(classifier), undefined);
    assert.deepEqual(rankFamilies(classifier), []);
  });

  test('families are listed and found by name; a name registers once', () => {
    const names = listFamilies().map((f) => f.name);
    for (const name of Object.values(EXPECTED)) assert.ok(names.includes(name), name);
    assert.equal(getFamily('yolov8')?.name, 'yolov8');
    assert.equal(getFamily('nope'), undefined);
    assert.throws(() => registerFamily(getFamily('yolov8')!), /registered twice/);
  });
});
