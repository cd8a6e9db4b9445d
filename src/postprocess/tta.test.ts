import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDetections } from '../core/detections.js';
import { flipDetectionsHorizontally, flipPixelsHorizontally, mergeFlipTta } from './tta.js';

test('horizontal flip maps x1 to W - x2 and x2 to W - x1, y unchanged', () => {
  const d = createDetections(1, { boxes: 'float64' });
  d.boxes.set([10, 20, 30, 40]);
  const flipped = flipDetectionsHorizontally(d, 100);
  assert.deepEqual([...flipped.boxes], [70, 20, 90, 40]);
  assert.deepEqual([...flipDetectionsHorizontally(flipped, 100).boxes], [10, 20, 30, 40]);
  assert.deepEqual([...d.boxes], [10, 20, 30, 40], 'input untouched');
});

test('pixel rows are mirrored channel-group by channel-group', () => {
  const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
  flipPixelsHorizontally(rgb, 3, 2, 3);
  assert.deepEqual([...rgb], [7, 8, 9, 4, 5, 6, 1, 2, 3, 16, 17, 18, 13, 14, 15, 10, 11, 12]);
});

function pair() {
  const original = createDetections(1, { boxes: 'float64' });
  original.boxes.set([10, 10, 50, 50]);
  original.scores[0] = 0.75;
  original.classIds[0] = 2;
  // The same object seen in the mirror of a 100-wide image, slightly shifted.
  const flipped = createDetections(1, { boxes: 'float64' });
  flipped.boxes.set([48, 10, 88, 50]);
  flipped.scores[0] = 0.25;
  flipped.classIds[0] = 2;
  return { original, flipped };
}

test('flip TTA by WBF fuses the original and the mapped-back mirror boxes', () => {
  const { original, flipped } = pair();
  const merged = mergeFlipTta(original, flipped, { imageWidth: 100, imageHeight: 80 });
  // Mirror box maps back to [12, 10, 52, 50]; WBF weights corners by score: (0.75·10 + 0.25·12) / 1.
  assert.equal(merged.length, 1);
  const expected = [0.75 * 10 + 0.25 * 12, 10, 0.75 * 50 + 0.25 * 52, 50];
  expected.forEach((v, k) => assert.ok(Math.abs(merged.boxes[k] - v) < 1e-4, `${merged.boxes[k]} vs ${v}`));
  assert.equal(merged.scores[0], Math.fround(((0.75 + 0.25) / 2) * (2 / 2)));
  assert.equal(merged.classIds[0], 2);
});

test('flip TTA by NMS keeps the better of the two views', () => {
  const { original, flipped } = pair();
  flipped.scores[0] = 0.9;
  const merged = mergeFlipTta(original, flipped, { imageWidth: 100, imageHeight: 80, method: 'nms' });
  assert.equal(merged.length, 1);
  assert.deepEqual([...merged.boxes], [12, 10, 52, 50]);
  assert.equal(merged.scores[0], Math.fround(0.9));
});
