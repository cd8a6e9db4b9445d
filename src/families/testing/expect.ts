/** Test helpers: synthetic images and number-by-number detection comparisons. */
import assert from 'node:assert/strict';
import type { Detections } from '../../core/detections.js';
import type { RawImage } from '../../core/image.js';

/** A w × h image whose pixel (x, y) is (x mod 256, y mod 256, (x + y) mod 256). */
export function gradientImage(width: number, height: number, channels: 3 | 4 = 3): RawImage {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * channels;
      data[p] = x % 256;
      data[p + 1] = y % 256;
      data[p + 2] = (x + y) % 256;
      if (channels === 4) data[p + 3] = 255;
    }
  }
  return { data, width, height, channels };
}

/**
 * Channel c of pixel (x, y) = (7x² + 13y² + 3xy + 101c) mod 256: texture at every scale, rebuilt
 * identically by the Python scripts that make golden outputs (cv2, torch).
 */
export function textureImage(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = (7 * x * x + 13 * y * y + 3 * x * y + 101 * c) % 256;
    }
  }
  return { data, width, height, channels: 3 };
}

export interface ExpectedDetection {
  box: [number, number, number, number];
  score: number;
  classId: number;
  label?: string;
}

/** Same detections in the same order; boxes within `tolerance` px, scores within 1e-5. */
export function assertDetections(actual: Detections, expected: ExpectedDetection[], tolerance = 1e-3): void {
  const got = Array.from({ length: actual.length }, (_, i) => ({
    box: Array.from(actual.boxes.subarray(i * 4, i * 4 + 4)),
    score: actual.scores[i]!,
    classId: actual.classIds[i]!,
  }));
  assert.equal(actual.length, expected.length, `detections: ${JSON.stringify(got)}`);
  expected.forEach((e, i) => {
    const g = got[i]!;
    assert.equal(g.classId, e.classId, `detection ${i} class`);
    assert.ok(Math.abs(g.score - e.score) < 1e-5, `detection ${i} score ${g.score} ≠ ${e.score}`);
    e.box.forEach((v, k) => {
      assert.ok(
        Math.abs(g.box[k]! - v) <= tolerance,
        `detection ${i} box ${JSON.stringify(g.box)} ≠ ${JSON.stringify(e.box)}`,
      );
    });
    if (e.label !== undefined) assert.equal(actual.labels?.[g.classId], e.label, `detection ${i} label`);
  });
}
