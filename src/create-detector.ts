/**
 * The environment-free half of the detector: a runtime session, a model family and an image
 * decoder make a Detector. Node (`detector.ts`) and the browser (`browser/index.ts`) each
 * bring their own session and decoder.
 */
import type { Detections } from './core/detections.js';
import { DetkitError } from './core/errors.js';
import type { RawImage } from './core/image.js';
import type { DetectOptions, InputPlan, ModelFamily, Prepared } from './families/family.js';
import { findFamily, listFamilies } from './families/index.js';
import type { RuntimeName } from './runtime/load.js';
import {
  checkFeeds,
  describeSignature,
  type InferenceSession,
  type ModelSignature,
  type Tensor,
} from './runtime/tensor.js';

/** A file path, encoded image bytes (JPEG, PNG, WebP…), or decoded pixels. */
export type ImageInput = string | Uint8Array | RawImage;

export interface DetectorOptions extends DetectOptions {
  /** Family name, overriding auto-detection (see `listFamilies()`). */
  family?: string;
  /** Intra-op threads (ONNX Runtime). */
  threads?: number;
  runtime?: RuntimeName;
  /** Milliseconds clock the stage timings read (default performance.now; a benchmark may pass CPU time). */
  clock?: () => number;
}

/** Milliseconds spent in each stage by the last `detect` / `detectBatch` call. */
export interface StageTimings {
  decode: number;
  preprocess: number;
  inference: number;
  postprocess: number;
}

export interface Detector {
  readonly model: string;
  readonly family: ModelFamily;
  readonly signature: ModelSignature;
  /** Class names by class id, when known (model metadata, family convention or the `labels` option). */
  readonly labels: string[] | undefined;
  /** Official dataset category ids by class id when the family knows them (COCO's 80 → 1..90). */
  readonly categoryIds: readonly number[] | undefined;
  readonly timings: StageTimings;
  detect(image: ImageInput, options?: DetectOptions): Promise<Detections>;
  /** One runtime call over the whole batch when the model's batch dimension is dynamic, else one a image. */
  detectBatch(images: ImageInput[], options?: DetectOptions): Promise<Detections[]>;
  dispose(): Promise<void>;
}

/**
 * Turns a path or bytes into pixels (Node: sharp; a browser supplies its own). A decoder that
 * honours `plan` returns a FittedImage at the model's input size; one that ignores it, full size.
 */
export type ImageDecoder = (source: string | Uint8Array, plan?: InputPlan) => Promise<RawImage>;

/** The family that explains the model best (or the one named), or a DetkitError naming the model's tensors. */
export function chooseFamily(signature: ModelSignature, model: string, name?: string): ModelFamily {
  const known = listFamilies().map((f) => f.name);
  if (name !== undefined) {
    const family = findFamily(name);
    if (!family) throw new DetkitError(`unknown model family "${name}"; known families: ${known.join(', ')}`);
    if (family.recognise(signature) <= 0) {
      throw new DetkitError(`the ${name} family does not fit this model (${describeSignature(signature)})`, {
        file: model,
      });
    }
    return family;
  }
  let best: ModelFamily | undefined;
  let bestScore = 0;
  for (const family of listFamilies()) {
    const score = family.recognise(signature);
    if (score > bestScore) {
      best = family;
      bestScore = score;
    }
  }
  if (!best) {
    throw new DetkitError(
      `no model family recognises this model (${describeSignature(signature)}); known families: ${known.join(', ')}`,
      { file: model },
    );
  }
  return best;
}

export function createDetector(
  session: InferenceSession,
  model: string,
  options: DetectorOptions = {},
  decode?: ImageDecoder,
): Detector {
  const { signature } = session;
  const family = chooseFamily(signature, model, options.family);
  const labels = options.labels ?? family.labels?.(signature);
  const outputNames = family.outputNames?.(signature);
  // Stack only when outputs can carry a batch too (an export may free the input's batch axis alone).
  const batchDynamic =
    signature.inputs.every((i) => i.dims[0] === null) && signature.outputs.every((o) => o.dims[0] !== 1);
  const timings: StageTimings = { decode: 0, preprocess: 0, inference: 0, postprocess: 0 };
  const now = options.clock ?? (() => performance.now());
  // Input buffers lent to pre-processing, taken back after the run (see TensorScratch).
  const spare: Float32Array[] = [];
  const lent = new Set<Float32Array>();
  const scratch = (length: number): Float32Array => {
    const at = spare.findIndex((b) => b.length === length);
    const buffer = at >= 0 ? spare.splice(at, 1)[0]! : new Float32Array(length);
    lent.add(buffer);
    return buffer;
  };
  const giveBack = (prepared: Prepared[]) => {
    for (const p of prepared) {
      for (const t of Object.values(p.feeds)) {
        if (!(t.data instanceof Float32Array) || !lent.delete(t.data)) continue;
        if (spare.length < 8) spare.push(t.data);
      }
    }
  };

  async function pixels(image: ImageInput, index: number, plan: InputPlan | undefined): Promise<RawImage> {
    if (typeof image === 'string' || image instanceof Uint8Array) {
      if (!decode) throw new DetkitError('no image decoder: pass decoded pixels (RawImage)');
      return decode(image, plan);
    }
    return checkRaw(image, index);
  }

  async function run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const problem = checkFeeds(signature, feeds);
    if (problem) throw new DetkitError(problem, { file: model });
    return session.run(feeds, outputNames);
  }

  async function detectBatch(images: ImageInput[], overrides: DetectOptions = {}): Promise<Detections[]> {
    const opts: DetectOptions = { ...options, labels, ...overrides };
    Object.assign(timings, { decode: 0, preprocess: 0, inference: 0, postprocess: 0 });
    const prepared: Prepared[] = [];
    try {
      const plan = opts.resizeWhileDecoding === false ? undefined : family.inputPlan?.(signature, opts);
      for (let i = 0; i < images.length; i++) {
        let t = now();
        const image = await pixels(images[i]!, i, plan);
        timings.decode += now() - t;
        t = now();
        prepared.push(family.preprocess(image, signature, opts, scratch));
        timings.preprocess += now() - t;
      }
      const results: Detections[] = [];
      const stacked = images.length > 1 && batchDynamic ? stackFeeds(prepared) : undefined;
      if (stacked) {
        let t = now();
        const outputs = await run(stacked);
        timings.inference += now() - t;
        t = now();
        prepared.forEach((p, b) => results.push(family.postprocess(outputs, p.mapping, signature, opts, b)));
        timings.postprocess += now() - t;
        return results;
      }
      for (const p of prepared) {
        let t = now();
        const outputs = await run(p.feeds);
        timings.inference += now() - t;
        t = now();
        results.push(family.postprocess(outputs, p.mapping, signature, opts, 0));
        timings.postprocess += now() - t;
      }
      return results;
    } finally {
      // The runtime has read the inputs (TF.js copies them; ONNX Runtime is done with them).
      giveBack(prepared);
    }
  }

  return {
    model,
    family,
    signature,
    labels,
    categoryIds: family.categoryIds?.(signature),
    timings,
    async detect(image, overrides) {
      return (await detectBatch([image], overrides))[0]!;
    },
    detectBatch,
    dispose: () => session.dispose(),
  };
}

function checkRaw(image: RawImage, index: number): RawImage {
  const name = `raw image ${index}`;
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new DetkitError(`size must be positive integers, got ${width}×${height}`, { file: name });
  }
  if (channels !== 3 && channels !== 4) {
    throw new DetkitError(`must have 3 (RGB) or 4 (RGBA) channels, got ${channels}`, { file: name });
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    const need = width * height * channels;
    throw new DetkitError(`has ${data?.length ?? 0} bytes, but ${width}×${height}×${channels} needs ${need}`, {
      file: name,
    });
  }
  return image;
}

/** Concatenates per-image feeds along the batch axis; undefined when their shapes or types differ. */
export function stackFeeds(prepared: Prepared[]): Record<string, Tensor> | undefined {
  const first = prepared[0]!.feeds;
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(first)) {
    const parts = prepared.map((p) => p.feeds[name]!);
    const same = parts.every((p) => p.type === t.type && p.dims.join() === t.dims.join());
    if (!same || t.dims[0] !== 1) return undefined;
    const data = new (t.data.constructor as new (n: number) => Tensor['data'])(t.data.length * parts.length);
    parts.forEach((p, i) => (data as Float32Array).set(p.data as Float32Array, i * t.data.length));
    out[name] = { type: t.type, dims: [parts.length, ...t.dims.slice(1)], data };
  }
  return out;
}
