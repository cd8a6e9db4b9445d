/**
 * Shared pre-processing: letterbox (Ultralytics' conventions), plain resize, channel order,
 * normalisation and layout into a model input tensor, and the way back from model-input pixels
 * to original-image pixels (`mapBoxesToImage`).
 */
import type { RawImage } from '../core/image.js';
import type { Tensor, TensorInfo } from '../runtime/tensor.js';
import type { FittedImage, ImageMapping, TensorScratch } from './family.js';

/** Tightly packed RGB pixels (3 bytes a pixel), the working form of every resize here. */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Resized {
  pixels: RgbPixels;
  mapping: ImageMapping;
}

/** Python's round(): halves go to the even neighbour (Ultralytics sizes and pads depend on it). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // `+ 0` turns −0 (round(−0.1)) into 0.
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0;
}

export function toRgb(image: RawImage): RgbPixels {
  const { width, height, channels, data } = image;
  if (channels === 3) return { data, width, height };
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    out[i] = data[j]!;
    out[i + 1] = data[j + 1]!;
    out[i + 2] = data[j + 2]!;
  }
  return { data: out, width, height };
}

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/** Per destination index: source index and 11-bit fixed-point weights, as cv2.INTER_LINEAR computes them. */
/**
 * Per destination index: the two source indices and their 11-bit fixed-point weights, as
 * cv2.INTER_LINEAR computes them. Columns past a border clamp the position (weight 1 on the edge
 * pixel); rows do not — they keep the fractional weights and read the edge row twice, which
 * rounds differently in the fixed-point vertical pass.
 */
function linearTaps(
  srcSize: number,
  dstSize: number,
  clampPosition: boolean,
): { i0: Int32Array; i1: Int32Array; w0: Int32Array; w1: Int32Array } {
  const scale = 1 / (dstSize / srcSize);
  const i0 = new Int32Array(dstSize);
  const i1 = new Int32Array(dstSize);
  const w0 = new Int32Array(dstSize);
  const w1 = new Int32Array(dstSize);
  const last = srcSize - 1;
  for (let d = 0; d < dstSize; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (clampPosition && s < 0) {
      s = 0;
      f = 0;
    }
    if (clampPosition && s >= last) {
      s = last;
      f = 0;
    }
    i0[d] = Math.min(Math.max(s, 0), last);
    i1[d] = Math.min(Math.max(s + 1, 0), last);
    // Each weight rounded on its own with lrint (halves to even), as cv2's saturate_cast does.
    w0[d] = roundHalfEven(Math.fround(Math.fround(1 - f) * COEF_SCALE));
    w1[d] = roundHalfEven(Math.fround(f * COEF_SCALE));
  }
  return { i0, i1, w0, w1 };
}

/**
 * Bilinear resize as cv2.resize(INTER_LINEAR) does it on 8-bit images: half-pixel centres,
 * 11-bit fixed-point weights and the vectorised vertical pass's rounding. Byte-identical to
 * OpenCV 4.6 on the golden cases (src/families/fixtures/cv2-resize.json: down, up, 2x).
 */
export function resizeBilinear(src: RgbPixels, width: number, height: number): RgbPixels {
  if (src.width === width && src.height === height) return src;
  const xs = linearTaps(src.width, width, true);
  const ys = linearTaps(src.height, height, false);
  const pixels = src.data;
  const rowLength = width * 3;
  // Byte offsets of the two source pixels each destination column reads.
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    left[x] = xs.i0[x]! * 3;
    right[x] = xs.i1[x]! * 3;
  }
  const w0 = xs.w0;
  const w1 = xs.w1;
  // Horizontal pass results for two source rows, reused while the destination walks down.
  let rowA = new Int32Array(rowLength);
  let rowB = new Int32Array(rowLength);
  let rowAIndex = -1;
  let rowBIndex = -1;
  const horizontal = (sy: number, into: Int32Array) => {
    const base = sy * src.width * 3;
    for (let x = 0, o = 0; x < width; x++, o += 3) {
      const p = base + left[x]!;
      const q = base + right[x]!;
      const a0 = w0[x]!;
      const a1 = w1[x]!;
      into[o] = pixels[p]! * a0 + pixels[q]! * a1;
      into[o + 1] = pixels[p + 1]! * a0 + pixels[q + 1]! * a1;
      into[o + 2] = pixels[p + 2]! * a0 + pixels[q + 2]! * a1;
    }
  };
  const out = new Uint8Array(rowLength * height);
  for (let y = 0; y < height; y++) {
    const s0 = ys.i0[y]!;
    const s1 = ys.i1[y]!;
    if (rowAIndex !== s0) {
      if (rowBIndex === s0) {
        [rowA, rowB] = [rowB, rowA];
        rowBIndex = -1;
      } else horizontal(s0, rowA);
      rowAIndex = s0;
    }
    if (rowBIndex !== s1) {
      horizontal(s1, rowB);
      rowBIndex = s1;
    }
    const b0 = ys.w0[y]!;
    const b1 = ys.w1[y]!;
    const o = y * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const v = (((rowA[i]! >> 4) * b0) >> 16) + (((rowB[i]! >> 4) * b1) >> 16);
      out[o + i] = Math.min((v + 2) >> 2, 255); // weights may sum to 2049 after rounding
    }
  }
  return { data: out, width, height };
}

export interface LetterboxOptions {
  /** Fill value of the padding (Ultralytics: 114). */
  padValue?: number;
  /** Allow enlarging small images (Ultralytics' default: true). */
  scaleUp?: boolean;
}

/**
 * Ultralytics' LetterBox (auto=False, center=True): scale = min(H/h, W/w), new size
 * round(w·scale) × round(h·scale), padding split as round(d/2 − 0.1) before and round(d/2 + 0.1)
 * after; the mapping back is Ultralytics' scale_boxes (gain = scale, pad = left/top).
 */
export function letterboxGeometry(
  imageWidth: number,
  imageHeight: number,
  height: number,
  width: number,
  scaleUp = true,
): { newWidth: number; newHeight: number; mapping: ImageMapping } {
  let scale = Math.min(height / imageHeight, width / imageWidth);
  if (!scaleUp) scale = Math.min(scale, 1);
  const newWidth = roundHalfEven(imageWidth * scale);
  const newHeight = roundHalfEven(imageHeight * scale);
  const left = roundHalfEven((width - newWidth) / 2 - 0.1);
  const top = roundHalfEven((height - newHeight) / 2 - 0.1);
  return {
    newWidth,
    newHeight,
    mapping: {
      width: imageWidth,
      height: imageHeight,
      inputWidth: width,
      inputHeight: height,
      scaleX: scale,
      scaleY: scale,
      padX: left,
      padY: top,
    },
  };
}

/** The mapping of an image a decoder already fitted to height × width, if it is one. */
function alreadyFitted(image: RawImage | FittedImage, height: number, width: number): Resized | undefined {
  if (!('mapping' in image) || image.width !== width || image.height !== height) return undefined;
  return { pixels: toRgb(image), mapping: image.mapping };
}

/** Letterboxes with `letterboxGeometry`, resizing with `resizeBilinear` (cv2.INTER_LINEAR). */
export function letterbox(
  image: RawImage | FittedImage,
  height: number,
  width: number,
  options: LetterboxOptions = {},
): Resized {
  const fitted = alreadyFitted(image, height, width);
  if (fitted) return fitted;
  const padValue = options.padValue ?? 114;
  const { newWidth, newHeight, mapping } = letterboxGeometry(
    image.width,
    image.height,
    height,
    width,
    options.scaleUp !== false,
  );
  const resized = resizeBilinear(toRgb(image), newWidth, newHeight);
  const data = new Uint8Array(width * height * 3).fill(padValue);
  const rowBytes = newWidth * 3;
  for (let y = 0; y < newHeight; y++) {
    const from = y * rowBytes;
    data.set(resized.data.subarray(from, from + rowBytes), ((y + mapping.padY) * width + mapping.padX) * 3);
  }
  return { pixels: { data, width, height }, mapping };
}

/** Plain (aspect-changing) resize to exactly height × width: Ultralytics' scaleFill, HF fixed size, TF. */
export function resizeTo(image: RawImage | FittedImage, height: number, width: number): Resized {
  const fitted = alreadyFitted(image, height, width);
  if (fitted) return fitted;
  return {
    pixels: resizeBilinear(toRgb(image), width, height),
    mapping: {
      width: image.width,
      height: image.height,
      inputWidth: width,
      inputHeight: height,
      scaleX: width / image.width,
      scaleY: height / image.height,
      padX: 0,
      padY: 0,
    },
  };
}

export type Normalisation =
  /** Bytes as they are (uint8 inputs, or float 0..255). */
  | { kind: 'none' }
  /** x / 255 → 0..1. */
  | { kind: 'unit' }
  /** x / 127.5 − 1 → −1..1 (TFLite SSD float inputs). */
  | { kind: 'symmetric' }
  /** (x / 255 − mean) / std per channel, in the tensor's channel order. */
  | { kind: 'meanStd'; mean: [number, number, number]; std: [number, number, number] };

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

export interface TensorLayout {
  layout: 'nchw' | 'nhwc';
  type: 'float32' | 'uint8';
  channelOrder?: 'rgb' | 'bgr';
  normalisation?: Normalisation;
  /** Drop the batch axis (torchvision exports take a single [3, H, W] image). */
  unbatched?: boolean;
}

/** Lays RGB pixels out as a model input tensor (float32 into a buffer from `scratch` when given). */
export function toTensor(pixels: RgbPixels, layout: TensorLayout, scratch?: TensorScratch): Tensor {
  const { width, height } = pixels;
  const plane = width * height;
  const bgr = layout.channelOrder === 'bgr';
  const norm = layout.normalisation ?? { kind: layout.type === 'uint8' ? 'none' : 'unit' };
  const mul = [1, 1, 1];
  const add = [0, 0, 0];
  if (norm.kind === 'unit') mul.fill(1 / 255);
  else if (norm.kind === 'symmetric') {
    mul.fill(1 / 127.5);
    add.fill(-1);
  } else if (norm.kind === 'meanStd') {
    for (let c = 0; c < 3; c++) {
      mul[c] = 1 / (255 * norm.std[c]!);
      add[c] = -norm.mean[c]! / norm.std[c]!;
    }
  }
  // Every element is written below, so a lent buffer needs no clearing.
  const data =
    layout.type === 'uint8' ? new Uint8Array(plane * 3) : (scratch?.(plane * 3) ?? new Float32Array(plane * 3));
  const src = pixels.data;
  const identity = mul.every((m) => m === 1) && add.every((a) => a === 0);
  if (layout.layout === 'nhwc' && !bgr && identity) {
    // Bytes as they are, in place: one native uint8 → float conversion.
    data.set(src.subarray(0, plane * 3));
  } else {
    // Per-channel lookup tables (256 values instead of a multiply-add a pixel), one pass over the pixels.
    const tables = [0, 1, 2].map((c) => {
      const table = new Float32Array(256);
      for (let v = 0; v < 256; v++) table[v] = identity ? v : v * mul[c]! + add[c]!;
      return table;
    });
    const [t0, t1, t2] = tables as [Float32Array, Float32Array, Float32Array];
    // Source byte offset of each output channel within a pixel.
    const f0 = bgr ? 2 : 0;
    const f2 = bgr ? 0 : 2;
    if (layout.layout === 'nchw') {
      for (let i = 0, p = 0; i < plane; i++, p += 3) {
        data[i] = t0[src[p + f0]!]!;
        data[plane + i] = t1[src[p + 1]!]!;
        data[2 * plane + i] = t2[src[p + f2]!]!;
      }
    } else {
      for (let p = 0; p < plane * 3; p += 3) {
        data[p] = t0[src[p + f0]!]!;
        data[p + 1] = t1[src[p + 1]!]!;
        data[p + 2] = t2[src[p + f2]!]!;
      }
    }
  }
  const dims = layout.layout === 'nchw' ? [3, height, width] : [height, width, 3];
  return { type: layout.type, dims: layout.unbatched ? dims : [1, ...dims], data };
}

/** Where the channels sit and how big the image is, read from an image input's declared dims. */
export function inputGeometry(
  input: TensorInfo,
  fallback: [number, number],
  override?: [number, number],
): { layout: 'nchw' | 'nhwc'; height: number; width: number; unbatched: boolean } {
  const dims = input.dims;
  const unbatched = dims.length === 3;
  const d = unbatched ? [1, ...dims] : dims;
  const layout = d[3] === 3 && d[1] !== 3 ? 'nhwc' : 'nchw';
  const h = layout === 'nchw' ? d[2] : d[1];
  const w = layout === 'nchw' ? d[3] : d[2];
  // Fixed dims win: a dynamic size takes the caller's override, then the family's default.
  const height = h ?? override?.[0] ?? fallback[0];
  const width = w ?? override?.[1] ?? fallback[1];
  return { layout, height, width, unbatched };
}

/**
 * Undoes the pre-processing in place: model-input xyxy boxes → original-image pixels
 * (x = (x_in − padX) / scaleX), clipped to the image.
 */
export function mapBoxesToImage<B extends Float32Array | Float64Array>(
  boxes: B,
  mapping: ImageMapping,
  count = boxes.length / 4,
): B {
  const { scaleX, scaleY, padX, padY, width, height } = mapping;
  for (let i = 0; i < count * 4; i += 4) {
    boxes[i] = clamp((boxes[i]! - padX) / scaleX, width);
    boxes[i + 1] = clamp((boxes[i + 1]! - padY) / scaleY, height);
    boxes[i + 2] = clamp((boxes[i + 2]! - padX) / scaleX, width);
    boxes[i + 3] = clamp((boxes[i + 3]! - padY) / scaleY, height);
  }
  return boxes;
}

function clamp(v: number, max: number): number {
  return Math.min(Math.max(v, 0), max);
}
