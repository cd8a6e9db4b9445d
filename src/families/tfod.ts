/**
 * TensorFlow detectors whose graph ends in post-processing:
 * - TF Object Detection API SavedModels (and their tf2onnx / TF.js conversions): uint8 NHWC
 *   `input_tensor` in (any size; the graph resizes), `detection_boxes` [1, N, 4] as ymin, xmin,
 *   ymax, xmax normalised, `detection_classes` 1-based COCO ids as floats, `detection_scores`,
 *   `num_detections` out.
 * - TFLite SSDs with TFLite_Detection_PostProcess: outputs `…PostProcess` (boxes, same order),
 *   `:1` (classes, 0-based), `:2` (scores), `:3` (count); fixed input, float in −1..1 or uint8.
 * Class ids come out 1-based (COCO category ids for COCO models) for both, so one label map
 * (index = id) serves; NMS already ran in the graph.
 */
import type { RawImage } from '../core/image.js';
import type { ModelSignature, Tensor, TensorInfo } from '../runtime/tensor.js';
import { COCO91_IDS, COCO91_LABELS } from './coco91.js';
import { Candidates, finishDetections, numberAt, scoreThreshold } from './decode.js';
import type { DetectOptions, ImageMapping, Prepared } from './family.js';
import { inputGeometry, resizeTo, toTensor } from './letterbox.js';
import type { ExplainingFamily, Recognition } from './recognition.js';

type Variant = 'tfod' | 'tflite';

const ROLES = ['boxes', 'classes', 'scores', 'count'] as const;
type Role = (typeof ROLES)[number];

/** Output names (without a `:0` tensor suffix) per variant and role. */
function roleOf(variant: Variant, name: string): Role | undefined {
  if (variant === 'tfod') {
    const base = name.replace(/:0$/, '');
    const found = ['detection_boxes', 'detection_classes', 'detection_scores', 'num_detections'].indexOf(base);
    return found < 0 ? undefined : ROLES[found];
  }
  const m = /^TFLite_Detection_PostProcess(?::(\d))?$/.exec(name);
  return m ? ROLES[Number(m[1] ?? 0)] : undefined;
}

function findOutputs(signature: ModelSignature, variant: Variant): Partial<Record<Role, TensorInfo>> {
  const found: Partial<Record<Role, TensorInfo>> = {};
  for (const o of signature.outputs) {
    const role = roleOf(variant, o.name);
    if (role) found[role] = o;
  }
  return found;
}

function recognise(signature: ModelSignature, variant: Variant): Recognition {
  const found = findOutputs(signature, variant);
  const label = variant === 'tfod' ? 'detection_boxes/classes/scores' : 'TFLite_Detection_PostProcess outputs';
  if (!found.boxes || !found.classes || !found.scores) return { confidence: 0, reason: `no ${label}` };
  const input = signature.inputs[0];
  const nhwc = input?.dims.length === 4 && input.dims[3] === 3;
  return {
    confidence: nhwc ? 0.95 : 0.8,
    reason: `${label}${found.count ? ' with a count' : ''}${nhwc ? ', NHWC image input' : ''}`,
  };
}

function decode(
  variant: Variant,
  outputs: Record<string, Tensor>,
  names: Partial<Record<Role, TensorInfo>>,
  mapping: ImageMapping,
  batch: number,
  threshold: number,
): Candidates {
  const get = (role: Role) => outputs[names[role]?.name ?? ''];
  const boxes = get('boxes');
  const classes = get('classes');
  const scores = get('scores');
  if (!boxes || !classes || !scores) throw new Error(`${variant}: the model returned no boxes / classes / scores`);
  const slots = scores.dims[scores.dims.length - 1]!;
  const count = get('count');
  const n = count ? Math.min(slots, Math.floor(numberAt(count, batch))) : slots;
  const offset = variant === 'tflite' ? 1 : 0;
  const b = boxes.data as Float32Array;
  const c = new Candidates();
  const w = mapping.inputWidth;
  const h = mapping.inputHeight;
  for (let i = 0; i < n; i++) {
    const at = batch * slots + i;
    const score = numberAt(scores, at);
    if (score < threshold) continue;
    const r = at * 4;
    // ymin, xmin, ymax, xmax, normalised to the input image.
    c.add(b[r + 1]! * w, b[r]! * h, b[r + 3]! * w, b[r + 2]! * h, score, Math.round(numberAt(classes, at)) + offset);
  }
  return c;
}

function tfFamily(variant: Variant) {
  const family: ExplainingFamily = {
    name: variant === 'tfod' ? 'tf-object-detection' : 'tflite-ssd',
    description:
      variant === 'tfod'
        ? 'TF Object Detection API export: detection_boxes (ymin, xmin, ymax, xmax 0..1), 1-based classes, uint8 NHWC'
        : 'TFLite SSD with TFLite_Detection_PostProcess: boxes, 0-based classes, scores, count',
    explain: (signature) => recognise(signature, variant),
    recognise: (signature) => recognise(signature, variant).confidence,
    preprocess(image: RawImage, signature: ModelSignature, options: DetectOptions): Prepared {
      const input = signature.inputs[0]!;
      // Dynamic inputs resize inside the graph: feed the image as it is.
      const geo = inputGeometry(input, [image.height, image.width], options.inputSize);
      const resized = resizeTo(image, geo.height, geo.width);
      const uint8 = input.type === 'uint8';
      const tensor = toTensor(resized.pixels, {
        layout: geo.layout,
        type: uint8 ? 'uint8' : 'float32',
        normalisation: { kind: uint8 || variant === 'tfod' ? 'none' : 'symmetric' },
      });
      return { feeds: { [input.name]: tensor }, mapping: resized.mapping };
    },
    postprocess(outputs, mapping, signature, options, batch) {
      const names = findOutputs(signature, variant);
      const candidates = decode(variant, outputs, names, mapping, batch, scoreThreshold(options));
      return finishDetections(candidates, mapping, options, { nms: false, labels: [...COCO91_LABELS] });
    },
    labels: () => [...COCO91_LABELS],
    categoryIds: () => COCO91_IDS,
    // SavedModels also return raw anchors and multiclass scores; decoding reads only these.
    outputNames(signature) {
      const names = Object.values(findOutputs(signature, variant)).map((o) => o.name);
      return names.length > 0 ? names : undefined;
    },
  };
  return family;
}

export const tfodFamily = tfFamily('tfod');
export const tfliteSsdFamily = tfFamily('tflite');
