/**
 * Test-time augmentation by horizontal flip: run the model on the image and on its mirror, map the
 * mirror's boxes back (x1' = W - x2, x2' = W - x1; y unchanged) and merge both sets, by WBF
 * (two "models") or by class-aware NMS.
 */
import { concatDetections, createDetections, type Detections, selectDetections } from '../core/detections.js';
import { type WbfConfType, weightedBoxesFusion } from './ensemble.js';
import { batchedNms } from './nms.js';

/** Boxes mirrored across the vertical centre line of an image `imageWidth` wide (a new object). */
export function flipDetectionsHorizontally(d: Detections, imageWidth: number): Detections {
  const boxes = d.boxes.slice(0, d.length * 4);
  for (let b = 0; b < boxes.length; b += 4) {
    const x1 = boxes[b];
    boxes[b] = imageWidth - boxes[b + 2];
    boxes[b + 2] = imageWidth - x1;
  }
  return { ...d, boxes };
}

/** Mirrors interleaved pixel rows in place (`channels` values a pixel), to make the flipped input. */
export function flipPixelsHorizontally<T extends { [i: number]: number; length: number }>(
  pixels: T,
  width: number,
  height: number,
  channels: number,
): T {
  for (let y = 0; y < height; y++) {
    let left = y * width * channels;
    let right = left + (width - 1) * channels;
    while (left < right) {
      for (let c = 0; c < channels; c++) {
        const v = pixels[left + c];
        pixels[left + c] = pixels[right + c];
        pixels[right + c] = v;
      }
      left += channels;
      right -= channels;
    }
  }
  return pixels;
}

export interface FlipTtaOptions {
  imageWidth: number;
  imageHeight: number;
  /** Default 'wbf'. */
  method?: 'wbf' | 'nms';
  /** WBF: default 0.55; NMS: default 0.5. */
  iouThreshold?: number;
  /** WBF only: weights of [original, flipped]. Default [1, 1]. */
  weights?: [number, number];
  /** WBF only. Default 'avg'. */
  confType?: WbfConfType;
  /** WBF only: ignore boxes scoring below this. Default 0. */
  skipBoxThreshold?: number;
}

/**
 * Merges the predictions on the original image with those on its horizontal mirror (`flipped`
 * still in the mirror's coordinates). Boxes are absolute pixels; WBF works on them normalised by
 * the image size (boxes are clamped to the image, as ensemble_boxes does).
 */
export function mergeFlipTta(original: Detections, flipped: Detections, options: FlipTtaOptions): Detections {
  const unflipped = flipDetectionsHorizontally(flipped, options.imageWidth);
  const labels = original.labels ?? flipped.labels;
  if ((options.method ?? 'wbf') === 'nms') {
    const both = concatDetections([original, unflipped]);
    const kept = batchedNms(both.boxes, both.scores, both.classIds, options.iouThreshold ?? 0.5);
    return selectDetections(both, kept);
  }
  const { imageWidth: w, imageHeight: h } = options;
  const normalised = (d: Detections) => {
    const boxes = new Float64Array(d.length * 4);
    for (let b = 0; b < boxes.length; b += 4) {
      boxes[b] = d.boxes[b] / w;
      boxes[b + 1] = d.boxes[b + 1] / h;
      boxes[b + 2] = d.boxes[b + 2] / w;
      boxes[b + 3] = d.boxes[b + 3] / h;
    }
    return { boxes, scores: d.scores.subarray(0, d.length), labels: d.classIds.subarray(0, d.length) };
  };
  const fused = weightedBoxesFusion([normalised(original), normalised(unflipped)], {
    weights: options.weights,
    iouThr: options.iouThreshold ?? 0.55,
    skipBoxThr: options.skipBoxThreshold ?? 0,
    confType: options.confType,
  });
  const out = createDetections(fused.length, { labels });
  for (let b = 0; b < fused.length * 4; b += 4) {
    out.boxes[b] = fused.boxes[b] * w;
    out.boxes[b + 1] = fused.boxes[b + 1] * h;
    out.boxes[b + 2] = fused.boxes[b + 2] * w;
    out.boxes[b + 3] = fused.boxes[b + 3] * h;
  }
  out.scores.set(fused.scores);
  out.classIds.set(fused.labels);
  return out;
}
