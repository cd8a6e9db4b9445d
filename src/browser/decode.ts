/**
 * Image decoding in the browser: encoded bytes, a Blob/File, a URL or an element already on the
 * page → RawImage (RGBA, as canvases hold it). Colour-space conversion and alpha
 * premultiplication are turned off so a PNG decodes to the bytes it stores, as sharp gives them.
 */
import { DetkitError } from '../core/errors.js';
import type { RawImage } from '../core/image.js';

export type BrowserImageSource = string | Uint8Array | Blob | ImageBitmap | HTMLImageElement | HTMLCanvasElement;

const BITMAP_OPTIONS: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };

async function toBitmap(source: BrowserImageSource): Promise<ImageBitmap> {
  if (typeof ImageBitmap !== 'undefined' && source instanceof ImageBitmap) return source;
  let blob: ImageBitmapSource;
  if (typeof source === 'string') {
    const response = await fetch(source);
    if (!response.ok) throw new DetkitError(`could not fetch the image (HTTP ${response.status})`, { file: source });
    blob = await response.blob();
  } else if (source instanceof Uint8Array) {
    blob = new Blob([source as Uint8Array<ArrayBuffer>]);
  } else {
    blob = source;
  }
  try {
    return await createImageBitmap(blob, BITMAP_OPTIONS);
  } catch (e) {
    const file = typeof source === 'string' ? source : source instanceof File ? source.name : 'image';
    throw new DetkitError(`the browser could not decode the image: ${(e as Error).message}`, { file });
  }
}

function context2d(width: number, height: number): OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D {
  if (typeof OffscreenCanvas !== 'undefined') {
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (ctx) return ctx;
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new DetkitError('this browser gives no 2D canvas to decode images with');
  return ctx;
}

/** RGBA pixels of `image` drawn unscaled on a canvas. */
export function pixelsOf(image: ImageBitmap | HTMLImageElement | HTMLCanvasElement): RawImage {
  const width = 'naturalWidth' in image ? image.naturalWidth : image.width;
  const height = 'naturalHeight' in image ? image.naturalHeight : image.height;
  const ctx = context2d(width, height);
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 };
}

/** Decodes an image in the browser (the `ImageDecoder` a browser Detector uses). */
export async function decodeImageInBrowser(source: BrowserImageSource): Promise<RawImage> {
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) return pixelsOf(source);
  if (typeof HTMLCanvasElement !== 'undefined' && source instanceof HTMLCanvasElement) return pixelsOf(source);
  const bitmap = await toBitmap(source);
  try {
    return pixelsOf(bitmap);
  } finally {
    if (bitmap !== source) bitmap.close();
  }
}

/** Drops the alpha channel (RGBA → RGB), for code that wants 3 channels. */
export function toRgb(image: RawImage): RawImage {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = image.data[i * 4]!;
    out[i * 3 + 1] = image.data[i * 4 + 1]!;
    out[i * 3 + 2] = image.data[i * 4 + 2]!;
  }
  return { data: out, width: image.width, height: image.height, channels: 3 };
}
