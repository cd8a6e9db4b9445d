/**
 * The decoding tail of CenterNet and NanoDet: candidate boxes in model-input pixels → NMS
 * (per class unless class-agnostic) → the best `maxDetections` → original-image pixels.
 */
import { createDetections, type Detections } from '../core/detections.js';
import { batchedNms } from '../postprocess/nms.js';
import type { DetectOptions, ImageMapping } from './family.js';
import { mapBoxesToImage } from './letterbox.js';

export const DEFAULTS = { scoreThreshold: 0.25, iouThreshold: 0.45, maxDetections: 100 } as const;

/** Growable columns of candidates (boxes xyxy in model-input pixels). */
export class CandidateList {
  private boxes = new Float32Array(256);
  private scores = new Float32Array(64);
  private classIds = new Int32Array(64);
  length = 0;

  push(x1: number, y1: number, x2: number, y2: number, score: number, classId: number): void {
    if (this.length === this.scores.length) this.grow();
    const b = this.length * 4;
    this.boxes[b] = x1;
    this.boxes[b + 1] = y1;
    this.boxes[b + 2] = x2;
    this.boxes[b + 3] = y2;
    this.scores[this.length] = score;
    this.classIds[this.length] = classId;
    this.length++;
  }

  private grow(): void {
    const grow = <T extends Float32Array | Int32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.boxes = grow(this.boxes, this.boxes.length * 2);
    this.scores = grow(this.scores, this.scores.length * 2);
    this.classIds = grow(this.classIds, this.classIds.length * 2);
  }

  /** NMS, top-k and mapping back to the original image. */
  finish(mapping: ImageMapping, options: DetectOptions, labels: string[] | undefined): Detections {
    const n = this.length;
    const kept = batchedNms(
      this.boxes.subarray(0, n * 4),
      this.scores.subarray(0, n),
      options.classAgnostic ? null : this.classIds.subarray(0, n),
      options.iouThreshold ?? DEFAULTS.iouThreshold,
      { maxDetections: options.maxDetections ?? DEFAULTS.maxDetections },
    );
    const out = createDetections(kept.length, { labels: options.labels ?? labels });
    kept.forEach((k, i) => {
      out.boxes.set(this.boxes.subarray(k * 4, k * 4 + 4), i * 4);
      out.scores[i] = this.scores[k]!;
      out.classIds[i] = this.classIds[k]!;
    });
    mapBoxesToImage(out.boxes as Float32Array, mapping, kept.length);
    return out;
  }
}
