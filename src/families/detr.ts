/**
 * Hugging Face DETR-style exports (optimum / transformers.js ONNX): `pixel_values` in, `logits`
 * [B, queries, classes] and `pred_boxes` [B, queries, 4] (cxcywh, normalised to the resized
 * image) out. Decoding follows transformers' `post_process_object_detection`:
 * - DETR / YOLOS (softmax): the last class is "no object"; per query, score = max softmax over
 *   the real classes (image_processing_detr.py).
 * - RT-DETR (sigmoid, focal loss): no no-object class; sigmoid over every query × class and the
 *   top-k (k = number of queries) over that flat list, label = index mod classes, so one query can
 *   yield several detections (image_processing_rt_detr.py).
 * Neither runs NMS. Boxes scale to the original image (target_sizes = original sizes).
 */
import type { RawImage } from '../core/image.js';
import type { ModelSignature, Tensor, TensorInfo } from '../runtime/tensor.js';
import { COCO_CATEGORY_IDS, COCO_LABELS } from './coco-labels.js';
import { COCO91_DETR_LABELS, COCO91_IDS } from './coco91.js';
import { Candidates, finishDetections, scoreThreshold } from './decode.js';
import type { DetectOptions, ImageMapping, Prepared } from './family.js';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  inputGeometry,
  type Normalisation,
  resizeTo,
  roundHalfEven,
  toTensor,
} from './letterbox.js';
import type { ExplainingFamily, Recognition } from './recognition.js';

export type DetrScoring = 'softmax' | 'sigmoid';

export type DetrResize =
  /** Shortest edge to `shortestEdge`, longest capped at `longestEdge` (DETR: 800 / 1333). */
  | { shortestEdge: number; longestEdge?: number }
  /** Fixed size (RT-DETR: 640 × 640). */
  | { height: number; width: number };

export interface DetrFamilyConfig {
  name: string;
  description: string;
  scoring: DetrScoring;
  /** Used when the model's input size is dynamic; a fixed input size is always honoured. */
  resize: DetrResize;
  normalisation: Normalisation;
  /** Default class names when the caller gives none (index = class id). */
  labels?: (classes: number) => string[] | undefined;
  /** Official dataset category id by class id, when the head's classes are a known dataset's. */
  categoryIds?: (classes: number) => readonly number[] | undefined;
}

/** transformers' get_size_with_aspect_ratio: (height, width) after a shortest-edge resize. */
export function shortestEdgeSize(
  height: number,
  width: number,
  shortestEdge: number,
  longestEdge?: number,
): [number, number] {
  let size = shortestEdge;
  let rawSize: number | undefined;
  if (longestEdge !== undefined) {
    const minOriginal = Math.min(height, width);
    const maxOriginal = Math.max(height, width);
    if ((maxOriginal / minOriginal) * size > longestEdge) {
      rawSize = (longestEdge * minOriginal) / maxOriginal;
      size = roundHalfEven(rawSize);
    }
  }
  if ((height <= width && height === size) || (width <= height && width === size)) return [height, width];
  if (width < height) return [Math.trunc(((rawSize ?? size) * height) / width), size];
  return [size, Math.trunc(((rawSize ?? size) * width) / height)];
}

function findOutputs(signature: ModelSignature): { logits: TensorInfo; boxes: TensorInfo } | undefined {
  const rank3 = signature.outputs.filter((o) => o.dims.length === 3);
  const boxes = rank3.find((o) => o.name === 'pred_boxes') ?? rank3.find((o) => o.dims[2] === 4);
  const logits = rank3.find((o) => o.name === 'logits') ?? rank3.find((o) => o !== boxes && o.dims[2] !== 4);
  return boxes && logits ? { logits, boxes } : undefined;
}

/** How well a signature matches an HF DETR-style export with the given scoring. */
export function recogniseDetr(signature: ModelSignature, scoring: DetrScoring): Recognition {
  const outputs = findOutputs(signature);
  const input = signature.inputs.find((i) => i.dims.length === 4);
  if (!outputs || !input || signature.outputs.length > 3) {
    return { confidence: 0, reason: 'no logits [B, Q, C] + pred_boxes [B, Q, 4] outputs' };
  }
  const queries = outputs.logits.dims[1];
  const classes = outputs.logits.dims[2];
  let confidence = 0.5;
  const why: string[] = [`logits [?, ${queries ?? '?'}, ${classes ?? '?'}] + pred_boxes`];
  if (outputs.logits.name === 'logits' && outputs.boxes.name === 'pred_boxes') {
    confidence += 0.2;
    why.push('HF output names');
  }
  if (input.name === 'pixel_values') confidence += 0.1;
  // COCO DETR/YOLOS have 91 ids + no-object; RT-DETR-style (focal loss) heads have no extra class
  // and usually 300 queries.
  const softmaxHint = classes === 92 || (queries === 100 && classes !== 80);
  const sigmoidHint = classes === 80 || classes === 91 || queries === 300;
  if (scoring === 'softmax' ? softmaxHint : sigmoidHint) {
    confidence += 0.15;
    why.push(scoring === 'softmax' ? 'no-object class layout (DETR/YOLOS)' : 'focal-loss layout (RT-DETR)');
  } else if (scoring === 'softmax' ? sigmoidHint : softmaxHint) {
    confidence -= 0.2;
  }
  return { confidence, reason: why.join(', ') };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Candidates from one image's logits/boxes; boxes scaled to model-input pixels. */
export function decodeDetr(
  scoring: DetrScoring,
  logits: Tensor,
  boxes: Tensor,
  mapping: ImageMapping,
  batch: number,
  threshold: number,
): Candidates {
  const [, queries, classes] = logits.dims as [number, number, number];
  const l = logits.data as Float32Array;
  const b = boxes.data as Float32Array;
  const lBase = batch * queries * classes;
  const bBase = batch * queries * 4;
  const c = new Candidates();
  const add = (q: number, score: number, label: number) => {
    const r = bBase + q * 4;
    const w = mapping.inputWidth;
    const h = mapping.inputHeight;
    c.addCenter(b[r]! * w, b[r + 1]! * h, b[r + 2]! * w, b[r + 3]! * h, score, label);
  };
  if (scoring === 'softmax') {
    for (let q = 0; q < queries; q++) {
      const r = lBase + q * classes;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes; k++) max = Math.max(max, l[r + k]!);
      let sum = 0;
      let best = 0;
      for (let k = 0; k < classes; k++) {
        sum += Math.exp(l[r + k]! - max);
        if (k < classes - 1 && l[r + k]! > l[r + best]!) best = k;
      }
      const score = Math.exp(l[r + best]! - max) / sum;
      if (score >= threshold) add(q, score, best);
    }
    return c;
  }
  // Top-k over all query × class scores, k = queries; only those can pass, so keep the ones
  // above the threshold and cut to k after sorting.
  const flat: { index: number; score: number }[] = [];
  for (let i = 0; i < queries * classes; i++) {
    const score = sigmoid(l[lBase + i]!);
    if (score >= threshold) flat.push({ index: i, score });
  }
  flat.sort((x, y) => y.score - x.score || x.index - y.index);
  for (const { index, score } of flat.slice(0, queries)) add(Math.floor(index / classes), score, index % classes);
  return c;
}

export function createDetrFamily(config: DetrFamilyConfig) {
  const family: ExplainingFamily = {
    name: config.name,
    description: config.description,
    explain: (signature) => recogniseDetr(signature, config.scoring),
    recognise: (signature) => recogniseDetr(signature, config.scoring).confidence,
    preprocess(image: RawImage, signature: ModelSignature, options: DetectOptions): Prepared {
      const input = signature.inputs.find((i) => i.dims.length === 4) ?? signature.inputs[0]!;
      let target: [number, number];
      if ('height' in config.resize) target = [config.resize.height, config.resize.width];
      else target = shortestEdgeSize(image.height, image.width, config.resize.shortestEdge, config.resize.longestEdge);
      const geo = inputGeometry(input, target, options.inputSize);
      const resized = resizeTo(image, geo.height, geo.width);
      const feeds: Record<string, Tensor> = {
        [input.name]: toTensor(resized.pixels, {
          layout: geo.layout,
          type: 'float32',
          normalisation: config.normalisation,
        }),
      };
      // DETR exports may take a pixel_mask (1 = real pixel); a single unpadded image is all ones.
      const mask = signature.inputs.find((i) => i.name === 'pixel_mask');
      if (mask) {
        const n = geo.height * geo.width;
        feeds[mask.name] = { type: 'int64', dims: [1, geo.height, geo.width], data: new BigInt64Array(n).fill(1n) };
      }
      return { feeds, mapping: resized.mapping };
    },
    postprocess(outputs, mapping, signature, options, batch) {
      const names = findOutputs(signature);
      const logits = outputs[names?.logits.name ?? 'logits'];
      const boxes = outputs[names?.boxes.name ?? 'pred_boxes'];
      if (!logits || !boxes) throw new Error(`${config.name}: the model returned no logits / pred_boxes`);
      const candidates = decodeDetr(config.scoring, logits, boxes, mapping, batch, scoreThreshold(options));
      return finishDetections(candidates, mapping, options, { nms: false, labels: family.labels?.(signature) });
    },
    labels(signature) {
      const classes = findOutputs(signature)?.logits.dims[2];
      return classes == null ? undefined : config.labels?.(classes);
    },
    categoryIds(signature) {
      const classes = findOutputs(signature)?.logits.dims[2];
      return classes == null ? undefined : config.categoryIds?.(classes);
    },
  };
  return family;
}

export const hfDetrFamily = createDetrFamily({
  name: 'hf-detr',
  description: 'Hugging Face DETR / YOLOS export: softmax with a no-object class, shortest edge 800, ImageNet mean/std',
  scoring: 'softmax',
  resize: { shortestEdge: 800, longestEdge: 1333 },
  normalisation: { kind: 'meanStd', mean: IMAGENET_MEAN, std: IMAGENET_STD },
  labels: (classes) => (classes === 92 ? [...COCO91_DETR_LABELS] : undefined),
  categoryIds: (classes) => (classes === 92 ? COCO91_IDS : undefined),
});

export const hfRtdetrFamily = createDetrFamily({
  name: 'hf-rtdetr',
  description: 'Hugging Face RT-DETR export: sigmoid, top-k over queries × classes, 640 × 640, / 255',
  scoring: 'sigmoid',
  resize: { height: 640, width: 640 },
  normalisation: { kind: 'unit' },
  labels: (classes) => (classes === 80 ? [...COCO_LABELS] : undefined),
  categoryIds: (classes) => (classes === 80 ? COCO_CATEGORY_IDS : undefined),
});
