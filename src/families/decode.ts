/**
 * The tail every family's decoding shares: candidates (xyxy boxes in model-input pixels) →
 * optional NMS → the best `maxDetections` → boxes mapped back to original-image pixels.
 */
import { createDetections, type Detections } from '../core/detections.js';
import { batchedNms, orderByScore } from '../postprocess/nms.js';
import type { Tensor } from '../runtime/tensor.js';
import type { DetectOptions, ImageMapping } from './family.js';
import { mapBoxesToImage } from './letterbox.js';

export const DEFAULT_SCORE_THRESHOLD = 0.25;
export const DEFAULT_IOU_THRESHOLD = 0.45;
export const DEFAULT_MAX_DETECTIONS = 100;

/** Growable columns of candidate detections, boxes xyxy in model-input pixels. */
export class Candidates {
  boxes: number[] = [];
  scores: number[] = [];
  classIds: number[] = [];

  get length(): number {
    return this.scores.length;
  }

  add(x1: number, y1: number, x2: number, y2: number, score: number, classId: number): void {
    this.boxes.push(x1, y1, x2, y2);
    this.scores.push(score);
    this.classIds.push(classId);
  }

  addCenter(cx: number, cy: number, w: number, h: number, score: number, classId: number): void {
    this.add(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, classId);
  }
}

export interface FinishOptions {
  /** Run NMS (per class unless options.classAgnostic) — for exports that leave it outside. */
  nms: boolean;
  labels?: string[];
}

export function finishDetections(
  candidates: Candidates,
  mapping: ImageMapping,
  options: DetectOptions,
  finish: FinishOptions,
): Detections {
  const maxDetections = options.maxDetections ?? DEFAULT_MAX_DETECTIONS;
  let kept: Int32Array;
  if (finish.nms && candidates.length > 0) {
    kept = batchedNms(
      candidates.boxes,
      candidates.scores,
      options.classAgnostic ? null : candidates.classIds,
      options.iouThreshold ?? DEFAULT_IOU_THRESHOLD,
      { maxDetections },
    );
  } else {
    kept = orderByScore(candidates.scores);
  }
  const n = Math.min(kept.length, maxDetections);
  const out = createDetections(n, { labels: options.labels ?? finish.labels });
  for (let i = 0; i < n; i++) {
    const k = kept[i]!;
    out.boxes.set(candidates.boxes.slice(k * 4, k * 4 + 4), i * 4);
    out.scores[i] = candidates.scores[k]!;
    out.classIds[i] = candidates.classIds[k]!;
  }
  mapBoxesToImage(out.boxes, mapping, n);
  return out;
}

/** The output named `name`, or the only output, or a clear error. */
export function outputTensor(outputs: Record<string, Tensor>, name: string | undefined, family: string): Tensor {
  const t = (name !== undefined ? outputs[name] : undefined) ?? Object.values(outputs)[0];
  if (!t) throw new Error(`${family}: the model returned no output${name ? ` named "${name}"` : ''}`);
  return t;
}

/** Reads element i of any numeric tensor as a number (int64 included). */
export function numberAt(t: Tensor, i: number): number {
  return Number(t.data[i]!);
}

export function scoreThreshold(options: DetectOptions): number {
  return options.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD;
}
