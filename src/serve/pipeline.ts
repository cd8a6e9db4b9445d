/**
 * One image through a served model, whatever the protocol: pixel limit from the header, decode,
 * the model's batching queue, and the per-stage timings every protocol reports.
 */
import type { Detections } from '../core/detections.js';
import { isDetkitError } from '../core/errors.js';
import type { RawImage } from '../core/image.js';
import type { DetectOptions } from '../families/family.js';
import { decodeImage } from '../io/decode-image.js';
import { checkImageHeader, HttpError, type Limits } from './limits.js';
import type { ModelRepository, ModelVersion } from './repository.js';

export interface DetectionTimings {
  queue_ms: number;
  decode_ms: number;
  preprocess_ms: number;
  inference_ms: number;
  postprocess_ms: number;
  total_ms: number;
}

export interface ImageDetections {
  model: string;
  version: string;
  image: { width: number; height: number };
  detections: Detections;
  labels: string[] | undefined;
  categoryIds: readonly number[] | undefined;
  timings: DetectionTimings;
}

export interface DetectRequest {
  bytes: Uint8Array;
  /** Request overrides; the model config's values otherwise. */
  scoreThreshold?: number;
  maxDetections?: number;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export async function decodeForServing(bytes: Uint8Array, limits: Limits): Promise<RawImage> {
  checkImageHeader(bytes, limits.maxPixels);
  try {
    const image = await decodeImage(bytes, 'request image');
    if (image.width * image.height > limits.maxPixels) {
      throw new HttpError(
        413,
        `image of ${image.width}×${image.height} pixels exceeds the limit of ${limits.maxPixels}`,
      );
    }
    return image;
  } catch (e) {
    if (isDetkitError(e)) throw new HttpError(400, e.message);
    throw e;
  }
}

/** Runs images through one model version already acquired by the caller. */
export async function detectWith(
  v: ModelVersion,
  requests: DetectRequest[],
  limits: Limits,
  started = performance.now(),
): Promise<ImageDetections[]> {
  return Promise.all(
    requests.map(async (r) => {
      const t = performance.now();
      // Queued requests wait for this one while it decodes (and only then: see Batcher).
      const expected = v.batcher.expect();
      let image: RawImage;
      try {
        image = await decodeForServing(r.bytes, limits);
      } catch (e) {
        v.batcher.withdraw(expected);
        throw e;
      }
      const decodeMs = performance.now() - t;
      const options: DetectOptions = {
        scoreThreshold: r.scoreThreshold ?? v.config.scoreThreshold ?? 0.25,
        maxDetections: r.maxDetections ?? v.config.maxDetections ?? 100,
      };
      const remaining = Math.max(1, limits.timeoutMs - (performance.now() - started));
      const result = await v.batcher.submit(image, options, remaining, expected);
      return {
        model: v.model,
        version: v.version,
        image: { width: image.width, height: image.height },
        detections: result.detections,
        labels: v.detector.labels,
        categoryIds: v.detector.categoryIds,
        timings: {
          queue_ms: round(result.queueMs),
          decode_ms: round(decodeMs),
          preprocess_ms: round(result.timings.preprocess),
          inference_ms: round(result.timings.inference),
          postprocess_ms: round(result.timings.postprocess),
          total_ms: round(performance.now() - started),
        },
      };
    }),
  );
}

/** Acquires the model (by name, from the loaded registry), detects, releases. */
export async function detectImages(
  repository: ModelRepository,
  model: string,
  version: string | undefined,
  requests: DetectRequest[],
  limits: Limits,
): Promise<ImageDetections[]> {
  const started = performance.now();
  const v = repository.acquire(model, version);
  try {
    return await detectWith(v, requests, limits, started);
  } finally {
    repository.release(v);
  }
}

/** `[{box, score, class_id, label}]`: the JSON rows of /v1/detect. */
export function detectionRows(d: Detections, labels: string[] | undefined) {
  const rows: { box: number[]; score: number; class_id: number; label: string | null }[] = [];
  const names = d.labels ?? labels;
  for (let i = 0; i < d.length; i++) {
    const box = Array.from(d.boxes.subarray(i * 4, i * 4 + 4), (x) => Math.round(x * 100) / 100);
    const classId = d.classIds[i]!;
    rows.push({ box, score: Math.round(d.scores[i]! * 1e5) / 1e5, class_id: classId, label: names?.[classId] ?? null });
  }
  return rows;
}
