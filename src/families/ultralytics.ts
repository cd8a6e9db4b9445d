/**
 * Ultralytics exports (and the yolov5 repository's): one image input (letterboxed with 114,
 * RGB / 255, NCHW) and one output whose layout names the head:
 * - YOLOv5   [1, anchors, 5 + nc]: cx, cy, w, h (input px), objectness, class scores; NMS outside.
 * - YOLOv8/11 [1, 4 + nc, anchors]: cx, cy, w, h (input px), class scores; NMS outside.
 * - end-to-end (YOLOv10, YOLO26, nms=True exports) [1, N, 6]: x1, y1, x2, y2 (input px), score, class.
 * - RT-DETR  [1, 300, 4 + nc]: cx, cy, w, h normalised 0..1, sigmoid scores; input stretched to
 *   the square size (LetterBox scaleFill), no NMS (ultralytics/models/rtdetr/predict.py).
 * Metadata written by the exporter: `names` (a Python dict literal), `imgsz`, `task`, `stride`.
 */
import type { Detections } from '../core/detections.js';
import type { RawImage } from '../core/image.js';
import type { ModelSignature, Tensor, TensorInfo } from '../runtime/tensor.js';
import { COCO_CATEGORY_IDS, COCO_LABELS, isCocoLabels } from './coco-labels.js';
import { Candidates, finishDetections, outputTensor, scoreThreshold } from './decode.js';
import type { DetectOptions, ImageMapping, Prepared } from './family.js';
import { inputGeometry, letterbox, resizeTo, toTensor } from './letterbox.js';
import { parseClassNames, parseImageSize } from './python-literal.js';
import type { ExplainingFamily } from './recognition.js';

export type UltralyticsHead = 'yolov5' | 'yolov8' | 'end2end' | 'rtdetr';

const namesCache = new WeakMap<ModelSignature, string[] | undefined>();

/** Class names from the `names` metadata, if the exporter wrote it. */
export function ultralyticsNames(signature: ModelSignature): string[] | undefined {
  if (!namesCache.has(signature)) {
    const text = signature.metadata.names;
    namesCache.set(signature, text ? parseClassNames(text) : undefined);
  }
  return namesCache.get(signature);
}

function isUltralyticsMetadata(meta: Record<string, string>): boolean {
  return meta.author === 'Ultralytics' || (meta.description ?? '').startsWith('Ultralytics');
}

function imageInput(signature: ModelSignature): TensorInfo | undefined {
  const input = signature.inputs[0];
  if (signature.inputs.length !== 1 || !input || input.dims.length !== 4) return undefined;
  return input.dims[1] === 3 || input.dims[3] === 3 ? input : undefined;
}

/** Which head the model's single output and metadata describe, and how sure that is. */
export function recogniseUltralyticsHead(
  signature: ModelSignature,
): { head: UltralyticsHead; confidence: number; reason: string } | undefined {
  const meta = signature.metadata;
  const output = signature.outputs[0];
  if (!imageInput(signature) || signature.outputs.length !== 1 || !output || output.dims.length !== 3) return undefined;
  if (meta.task !== undefined && meta.task !== 'detect') return undefined;
  const official = isUltralyticsMetadata(meta);
  const yolov5Repo = !official && meta.stride !== undefined && meta.names !== undefined;
  let nc: number | undefined;
  try {
    nc = ultralyticsNames(signature)?.length;
  } catch {
    nc = undefined;
  }
  const rtdetrNamed = /RT-?DETR/i.test(meta.description ?? '');
  const [, a, b] = output.dims;
  const shape = `[${output.dims.map((d) => d ?? '?').join(', ')}]`;
  const sure = official || yolov5Repo ? 0.95 : 0.6;
  const by = official ? ' and Ultralytics metadata' : yolov5Repo ? ' and yolov5 metadata' : '';

  // [1, N, 6] rows; a one-class YOLOv5 head is [1, ≥ 2520, 6] and says so in its metadata.
  if (b === 6 && (a === null || a! <= 1000) && !(yolov5Repo && nc === 1)) {
    return { head: 'end2end', confidence: sure, reason: `output ${shape}: end-to-end rows (xyxy, score, class)${by}` };
  }
  if (a != null && b != null) {
    if (a < b) {
      if (nc !== undefined && a - 4 !== nc) return undefined;
      return { head: 'yolov8', confidence: sure, reason: `output ${shape}: 4 box + ${a - 4} class channels${by}` };
    }
    const rtdetr = rtdetrNamed || (nc !== undefined ? b - 4 === nc : a === 300);
    if (rtdetr) {
      return {
        head: 'rtdetr',
        confidence: sure,
        reason: `output ${shape}: RT-DETR queries (cxcywh 0..1, scores)${by}`,
      };
    }
    if (nc !== undefined && b - 5 !== nc) return undefined;
    return {
      head: 'yolov5',
      confidence: sure,
      reason: `output ${shape}: anchors × (4 box + objectness + ${b - 5})${by}`,
    };
  }
  // Dynamic output sizes: metadata, else which axis is fixed (the class axis is).
  if (rtdetrNamed) return { head: 'rtdetr', confidence: 0.9, reason: 'RT-DETR named in Ultralytics metadata' };
  if (official) return { head: 'yolov8', confidence: 0.8, reason: 'Ultralytics metadata, dynamic output' };
  if (yolov5Repo) return { head: 'yolov5', confidence: 0.8, reason: 'yolov5 metadata (stride, names), dynamic output' };
  if (a != null && a > 4)
    return { head: 'yolov8', confidence: 0.4, reason: `output ${shape}: fixed channel axis first` };
  if (b != null && b > 5)
    return { head: 'yolov5', confidence: 0.4, reason: `output ${shape}: fixed channel axis last` };
  return undefined;
}

function decode(head: UltralyticsHead, out: Tensor, mapping: ImageMapping, batch: number, threshold: number) {
  const [, a, b] = out.dims as [number, number, number];
  const data = out.data as Float32Array;
  const base = batch * a * b;
  const c = new Candidates();
  if (head === 'yolov8') {
    // Channels first: channel k of anchor i at k·anchors + i. Scan channel rows in memory order
    // for each anchor's best class, then read the boxes of the anchors that pass.
    const anchors = b;
    const best = new Float32Array(anchors).fill(Number.NEGATIVE_INFINITY);
    const bestClass = new Int32Array(anchors);
    for (let k = 4; k < a; k++) {
      const row = base + k * anchors;
      for (let i = 0; i < anchors; i++) {
        const s = data[row + i]!;
        if (s > best[i]!) {
          best[i] = s;
          bestClass[i] = k - 4;
        }
      }
    }
    for (let i = 0; i < anchors; i++) {
      if (best[i]! < threshold) continue;
      const at = (k: number) => data[base + k * anchors + i]!;
      c.addCenter(at(0), at(1), at(2), at(3), best[i]!, bestClass[i]!);
    }
    return c;
  }
  for (let i = 0; i < a; i++) {
    const r = base + i * b;
    if (head === 'end2end') {
      const score = data[r + 4]!;
      if (score >= threshold)
        c.add(data[r]!, data[r + 1]!, data[r + 2]!, data[r + 3]!, score, Math.round(data[r + 5]!));
      continue;
    }
    const first = head === 'yolov5' ? 5 : 4;
    const objectness = head === 'yolov5' ? data[r + 4]! : 1;
    if (objectness < threshold) continue;
    let best = -1;
    let score = Number.NEGATIVE_INFINITY;
    for (let k = first; k < b; k++) {
      const s = data[r + k]! * objectness;
      if (s > score) {
        score = s;
        best = k - first;
      }
    }
    if (score < threshold) continue;
    if (head === 'rtdetr') {
      const w = mapping.inputWidth;
      const h = mapping.inputHeight;
      c.addCenter(data[r]! * w, data[r + 1]! * h, data[r + 2]! * w, data[r + 3]! * h, score, best);
    } else {
      c.addCenter(data[r]!, data[r + 1]!, data[r + 2]!, data[r + 3]!, score, best);
    }
  }
  return c;
}

const descriptions: Record<UltralyticsHead, string> = {
  yolov5: 'YOLOv5 export [1, anchors, 5 + nc]: objectness × class score, letterbox 114, NMS outside',
  yolov8: 'Ultralytics YOLOv8 / YOLO11 export [1, 4 + nc, anchors], letterbox 114, NMS outside',
  end2end: 'Ultralytics end-to-end export (YOLOv10, YOLO26, nms=True) [1, N, 6], no NMS',
  rtdetr: 'Ultralytics RT-DETR export [1, 300, 4 + nc], normalised cxcywh, stretched input, no NMS',
};

export function ultralyticsFamily(head: UltralyticsHead) {
  const family: ExplainingFamily = {
    name: head === 'rtdetr' ? 'ultralytics-rtdetr' : head === 'end2end' ? 'yolo-end2end' : head,
    description: descriptions[head],
    explain(signature) {
      const r = recogniseUltralyticsHead(signature);
      if (!r) return { confidence: 0, reason: 'not a single-output Ultralytics/YOLO detection layout' };
      if (r.head !== head) return { confidence: 0, reason: `looks like ${r.head}, not ${head}` };
      return { confidence: r.confidence, reason: r.reason };
    },
    recognise(signature) {
      return family.explain(signature).confidence;
    },
    preprocess(image: RawImage, signature: ModelSignature, options: DetectOptions): Prepared {
      const input = signature.inputs[0]!;
      const imgsz = signature.metadata.imgsz ? parseImageSize(signature.metadata.imgsz) : undefined;
      const geo = inputGeometry(input, imgsz ?? [640, 640], options.inputSize);
      const resized =
        head === 'rtdetr' ? resizeTo(image, geo.height, geo.width) : letterbox(image, geo.height, geo.width);
      const tensor = toTensor(resized.pixels, {
        layout: geo.layout,
        type: input.type === 'uint8' ? 'uint8' : 'float32',
        unbatched: geo.unbatched,
      });
      return { feeds: { [input.name]: tensor }, mapping: resized.mapping };
    },
    postprocess(outputs, mapping, signature, options, batch): Detections {
      const out = outputTensor(outputs, signature.outputs[0]?.name, family.name);
      if (out.dims.length !== 3) throw new Error(`${family.name}: expected a rank-3 output, got [${out.dims}]`);
      const candidates = decode(head, out, mapping, batch, scoreThreshold(options));
      return finishDetections(candidates, mapping, options, {
        nms: head === 'yolov5' || head === 'yolov8',
        labels: family.labels?.(signature),
      });
    },
    labels(signature) {
      const names = ultralyticsNames(signature);
      if (names) return names;
      // No metadata: an 80-class head is almost always COCO.
      const dims = signature.outputs[0]?.dims ?? [];
      const channels = head === 'yolov8' ? dims[1] : dims[2];
      const nc = channels == null ? undefined : channels - (head === 'yolov5' ? 5 : 4);
      return nc === 80 ? [...COCO_LABELS] : undefined;
    },
    categoryIds: (signature) => (isCocoLabels(family.labels?.(signature)) ? COCO_CATEGORY_IDS : undefined),
  };
  return family;
}

export const yolov5Family = ultralyticsFamily('yolov5');
export const yolov8Family = ultralyticsFamily('yolov8');
export const yoloEnd2EndFamily = ultralyticsFamily('end2end');
export const ultralyticsRtdetrFamily = ultralyticsFamily('rtdetr');
