/**
 * Pascal VOC's coordinate rule, in one place.
 *
 * VOC pixel coordinates are 1-based and inclusive: a box covering pixel columns i..j (0-based
 * indices) is written xmin = i + 1, xmax = j + 1. detkit's frame (COCO's) is 0-based and
 * continuous: that box spans [i, j + 1), so x = i = xmin − 1 and w = j + 1 − i = xmax − xmin + 1.
 *
 *   read:  x = xmin − 1,  y = ymin − 1,  w = xmax − xmin + 1,  h = ymax − ymin + 1
 *   write: xmin = x + 1,  ymin = y + 1,  xmax = x + w,        ymax = y + h
 *
 * The two are exact inverses, so COCO→VOC→COCO keeps boxes to float precision (≪ 1e-9 px).
 * A one-pixel box at pixel (0, 0) is xmin = xmax = ymin = ymax = 1 in VOC and [0, 0, 1, 1] in
 * COCO. Values are kept at full precision (VOC files in the wild carry floats): nothing is floored.
 */
import type { BoxXYWH } from '../core/dataset.js';

export interface VocBndBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export function boxFromVoc(b: VocBndBox): BoxXYWH {
  return [b.xmin - 1, b.ymin - 1, b.xmax - b.xmin + 1, b.ymax - b.ymin + 1];
}

export function boxToVoc(x: number, y: number, w: number, h: number): VocBndBox {
  return { xmin: x + 1, ymin: y + 1, xmax: x + w, ymax: y + h };
}

/** Integers as integers, other values as the shortest string that reads back to the same double. */
export function formatNumber(value: number): string {
  return String(value);
}
