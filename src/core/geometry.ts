/**
 * Box conventions and conversions. Function names say the convention on both sides:
 * - xyxy: corners `x1, y1, x2, y2`
 * - xywh: top-left corner + size (COCO, the dataset model)
 * - cxcywh: centre + size (YOLO heads, DETR)
 * Conversions are unit-agnostic (absolute pixels or normalised 0..1 alike).
 *
 * The `boxes…` functions convert interleaved arrays (4 numbers a box) into `out`, which may be
 * the input itself (in place) and defaults to a new array of the input's type.
 */
import type { BoxXYWH, BoxXYXY } from './dataset.js';

export type { BoxXYWH, BoxXYXY };
/** Centre + size. */
export type BoxCXCYWH = [cx: number, cy: number, w: number, h: number];

/** Interleaved box storage (4 numbers a box). */
export type BoxArray = Float32Array | Float64Array | number[];

export function xywhToXyxy([x, y, w, h]: BoxXYWH): BoxXYXY {
  return [x, y, x + w, y + h];
}

export function xyxyToXywh([x1, y1, x2, y2]: BoxXYXY): BoxXYWH {
  return [x1, y1, x2 - x1, y2 - y1];
}

export function cxcywhToXyxy([cx, cy, w, h]: BoxCXCYWH): BoxXYXY {
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

export function xyxyToCxcywh([x1, y1, x2, y2]: BoxXYXY): BoxCXCYWH {
  return [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1];
}

function outputFor<T extends BoxArray>(boxes: T, out: BoxArray | undefined): BoxArray {
  if (out) return out;
  return Array.isArray(boxes)
    ? new Array<number>(boxes.length)
    : new (boxes.constructor as new (n: number) => T)(boxes.length);
}

export function boxesXywhToXyxy<T extends BoxArray>(boxes: T, out?: BoxArray): T {
  const o = outputFor(boxes, out);
  for (let b = 0; b + 3 < boxes.length; b += 4) {
    const x = boxes[b];
    const y = boxes[b + 1];
    o[b] = x;
    o[b + 1] = y;
    o[b + 2] = x + boxes[b + 2];
    o[b + 3] = y + boxes[b + 3];
  }
  return o as T;
}

export function boxesXyxyToXywh<T extends BoxArray>(boxes: T, out?: BoxArray): T {
  const o = outputFor(boxes, out);
  for (let b = 0; b + 3 < boxes.length; b += 4) {
    const x1 = boxes[b];
    const y1 = boxes[b + 1];
    o[b] = x1;
    o[b + 1] = y1;
    o[b + 2] = boxes[b + 2] - x1;
    o[b + 3] = boxes[b + 3] - y1;
  }
  return o as T;
}

export function boxesCxcywhToXyxy<T extends BoxArray>(boxes: T, out?: BoxArray): T {
  const o = outputFor(boxes, out);
  for (let b = 0; b + 3 < boxes.length; b += 4) {
    const cx = boxes[b];
    const cy = boxes[b + 1];
    const hw = boxes[b + 2] / 2;
    const hh = boxes[b + 3] / 2;
    o[b] = cx - hw;
    o[b + 1] = cy - hh;
    o[b + 2] = cx + hw;
    o[b + 3] = cy + hh;
  }
  return o as T;
}

export function boxesXyxyToCxcywh<T extends BoxArray>(boxes: T, out?: BoxArray): T {
  const o = outputFor(boxes, out);
  for (let b = 0; b + 3 < boxes.length; b += 4) {
    const x1 = boxes[b];
    const y1 = boxes[b + 1];
    const x2 = boxes[b + 2];
    const y2 = boxes[b + 3];
    o[b] = (x1 + x2) / 2;
    o[b + 1] = (y1 + y2) / 2;
    o[b + 2] = x2 - x1;
    o[b + 3] = y2 - y1;
  }
  return o as T;
}

/**
 * IoU of boxes `i` and `j` of an interleaved xyxy array, computed as torchvision does:
 * area = (x2-x1)·(y2-y1), intersection clamped at 0, iou = inter / (area_i + area_j - inter).
 */
export function iouXyxy(boxes: ArrayLike<number>, i: number, j: number): number {
  const a = i * 4;
  const b = j * 4;
  const w = Math.max(0, Math.min(boxes[a + 2], boxes[b + 2]) - Math.max(boxes[a], boxes[b]));
  const h = Math.max(0, Math.min(boxes[a + 3], boxes[b + 3]) - Math.max(boxes[a + 1], boxes[b + 1]));
  const inter = w * h;
  const areaA = (boxes[a + 2] - boxes[a]) * (boxes[a + 3] - boxes[a + 1]);
  const areaB = (boxes[b + 2] - boxes[b]) * (boxes[b + 3] - boxes[b + 1]);
  return inter / (areaA + areaB - inter);
}
