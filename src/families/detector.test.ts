import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadDetector } from '../detector.js';
import { assertDetections, gradientImage } from './testing/expect.js';
import { fixturePath } from './testing/ort-session.js';

// The families through the real runtime (src/runtime/onnx-node.ts, its metadata reader) and
// loadDetector's family choice: the same numbers as the per-family tests.
describe('loadDetector with the family fixtures', () => {
  test('yolov8.onnx: Ultralytics family chosen, names from metadata, letterbox undone', async () => {
    const detector = await loadDetector(fixturePath('yolov8.onnx'));
    try {
      assert.equal(detector.family.name, 'yolov8');
      const d = await detector.detect(gradientImage(1280, 720), { classAgnostic: true });
      assertDetections(d, [
        { box: [540, 310, 740, 410], score: 0.9, classId: 0, label: 'person' },
        { box: [0, 0, 100, 60], score: 0.6, classId: 5, label: 'truck' },
        { box: [920, 440, 1080, 600], score: 0.55, classId: 4, label: 'bus' },
      ]);
    } finally {
      await detector.dispose();
    }
  });

  test('tfod.onnx: TF OD API family chosen, uint8 input fed at the image size', async () => {
    const detector = await loadDetector(fixturePath('tfod.onnx'));
    try {
      assert.equal(detector.family.name, 'tf-object-detection');
      const d = await detector.detect(gradientImage(1280, 720));
      assert.deepEqual(Array.from(d.classIds), [1, 18, 3]);
    } finally {
      await detector.dispose();
    }
  });
});
