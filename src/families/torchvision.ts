/**
 * torchvision detection exports (Faster R-CNN, RetinaNet, SSD, SSDlite, FCOS; Mask/Keypoint R-CNN
 * add outputs we ignore): a float32 RGB 0..1 image [3, H, W] (or [1, 3, H, W]) in — the model
 * normalises and resizes internally — and `boxes` [N, 4] xyxy in the pixels of the tensor given,
 * `labels` [N] int64 (COCO category ids, 0 = background) and `scores` [N] out, already NMSed
 * and thresholded by the model's own box_score_thresh.
 */
import type { RawImage } from '../core/image.js';
import type { ModelSignature, TensorInfo } from '../runtime/tensor.js';
import { COCO91_IDS, COCO91_LABELS } from './coco91.js';
import { Candidates, finishDetections, numberAt, scoreThreshold } from './decode.js';
import type { DetectOptions, Prepared } from './family.js';
import { inputGeometry, resizeTo, toRgb, toTensor } from './letterbox.js';
import type { ExplainingFamily, Recognition } from './recognition.js';

interface TorchvisionOutputs {
  boxes: TensorInfo;
  labels: TensorInfo;
  scores: TensorInfo;
}

function findOutputs(signature: ModelSignature): TorchvisionOutputs | undefined {
  const outs = signature.outputs;
  // Names help only when the type agrees: exporters name outputs by position, and the R-CNNs
  // return (boxes, labels, scores) where SSD / RetinaNet / FCOS return (boxes, scores, labels).
  const isBoxes = (o: TensorInfo) => o.dims.length === 2 && o.dims[1] === 4 && o.type === 'float32';
  const isLabels = (o: TensorInfo) => o.dims.length === 1 && (o.type === 'int64' || o.type === 'int32');
  const isScores = (o: TensorInfo) => o.dims.length === 1 && o.type === 'float32';
  const pick = (name: string, fits: (o: TensorInfo) => boolean) =>
    outs.find((o) => o.name === name && fits(o)) ?? outs.find(fits);
  const boxes = pick('boxes', isBoxes);
  const labels = pick('labels', isLabels);
  const scores = pick('scores', isScores);
  return boxes && labels && scores ? { boxes, labels, scores } : undefined;
}

function imageInput(signature: ModelSignature): TensorInfo | undefined {
  const input = signature.inputs[0];
  if (!input || signature.inputs.length !== 1 || input.type !== 'float32') return undefined;
  const d = input.dims;
  if (d.length === 3 && d[0] === 3) return input;
  if (d.length === 4 && d[1] === 3) return input;
  return undefined;
}

export function recogniseTorchvision(signature: ModelSignature): Recognition {
  const outputs = findOutputs(signature);
  const input = imageInput(signature);
  if (!outputs || !input)
    return { confidence: 0, reason: 'no float [3, H, W] input with boxes [N, 4] / labels / scores' };
  let confidence = 0.75;
  const why = ['boxes [N, 4] + int64 labels [N] + scores [N]'];
  if (outputs.boxes.name === 'boxes' && outputs.labels.name === 'labels' && outputs.scores.name === 'scores') {
    confidence += 0.1;
    why.push('torchvision output names');
  }
  if (input.dims.length === 3) {
    confidence += 0.1;
    why.push('unbatched [3, H, W] input');
  }
  return { confidence, reason: why.join(', ') };
}

export const torchvisionFamily: ExplainingFamily = {
  name: 'torchvision',
  description: 'torchvision detector export (Faster R-CNN, RetinaNet, SSD, FCOS): boxes/labels/scores, COCO ids',
  explain: recogniseTorchvision,
  recognise: (signature) => recogniseTorchvision(signature).confidence,
  preprocess(image: RawImage, signature: ModelSignature, options: DetectOptions): Prepared {
    const input = imageInput(signature) ?? signature.inputs[0]!;
    // The model resizes internally: feed the image at its own size unless the export fixed one.
    const geo = inputGeometry(input, [image.height, image.width], options.inputSize);
    const resized =
      geo.height === image.height && geo.width === image.width
        ? { pixels: toRgb(image), mapping: identityMapping(image) }
        : resizeTo(image, geo.height, geo.width);
    const tensor = toTensor(resized.pixels, {
      layout: 'nchw',
      type: 'float32',
      normalisation: { kind: 'unit' },
      unbatched: geo.unbatched,
    });
    return { feeds: { [input.name]: tensor }, mapping: resized.mapping };
  },
  postprocess(outputs, mapping, signature, options) {
    const names = findOutputs(signature);
    const boxes = outputs[names?.boxes.name ?? 'boxes'];
    const labels = outputs[names?.labels.name ?? 'labels'];
    const scores = outputs[names?.scores.name ?? 'scores'];
    if (!boxes || !labels || !scores) throw new Error('torchvision: the model returned no boxes / labels / scores');
    const threshold = scoreThreshold(options);
    const c = new Candidates();
    const b = boxes.data as Float32Array;
    for (let i = 0; i < scores.dims[0]!; i++) {
      const label = numberAt(labels, i);
      const score = numberAt(scores, i);
      if (label === 0 || score < threshold) continue;
      c.add(b[i * 4]!, b[i * 4 + 1]!, b[i * 4 + 2]!, b[i * 4 + 3]!, score, label);
    }
    return finishDetections(c, mapping, options, { nms: false, labels: [...COCO91_LABELS] });
  },
  labels: () => [...COCO91_LABELS],
  categoryIds: () => COCO91_IDS,
  // Mask R-CNN's masks are large; decoding reads only these.
  outputNames(signature) {
    const o = findOutputs(signature);
    return o ? [o.boxes.name, o.labels.name, o.scores.name] : undefined;
  },
};

function identityMapping(image: RawImage) {
  const { width, height } = image;
  return { width, height, inputWidth: width, inputHeight: height, scaleX: 1, scaleY: 1, padX: 0, padY: 0 };
}
