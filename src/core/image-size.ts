/**
 * Image sizes from file headers (PNG, JPEG, BMP, WebP, TIFF, GIF), never by decoding pixels:
 * a dataset of 100k images is sized by reading a few hundred bytes each.
 */
import { DetkitError } from './errors.js';
import type { FileAccess } from './files.js';

export interface ImageSize {
  width: number;
  height: number;
  format: 'png' | 'jpeg' | 'bmp' | 'webp' | 'tiff' | 'gif';
}

/** Bytes read first; JPEGs with large EXIF blocks ahead of SOF need more (see `readImageSize`). */
export const IMAGE_HEAD_BYTES = 4096;

/**
 * Size from the first bytes of an image. Returns null when the bytes are not a known format,
 * throws a plain Error when the header is recognisably broken, and returns `'need-more'` when a
 * JPEG's frame header lies beyond `head`.
 */
export function imageSizeFromHeader(head: Uint8Array): ImageSize | null | 'need-more' {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = head.length;
  // PNG: signature, then IHDR width/height big-endian.
  if (n >= 24 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) {
    return { width: view.getUint32(16), height: view.getUint32(20), format: 'png' };
  }
  // JPEG: walk the markers to the first start-of-frame.
  if (n >= 4 && head[0] === 0xff && head[1] === 0xd8) return jpegSize(head, view);
  // GIF: logical screen size, little-endian.
  if (n >= 10 && head[0] === 0x47 && head[1] === 0x49 && head[2] === 0x46) {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true), format: 'gif' };
  }
  // BMP: BITMAPINFOHEADER (height negative for top-down) or the old 12-byte core header.
  if (n >= 26 && head[0] === 0x42 && head[1] === 0x4d) {
    const headerSize = view.getUint32(14, true);
    if (headerSize === 12) return { width: view.getUint16(18, true), height: view.getUint16(20, true), format: 'bmp' };
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)), format: 'bmp' };
  }
  // WebP: RIFF....WEBP with a VP8 / VP8L / VP8X chunk.
  if (n >= 30 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return webpSize(head, view);
  // TIFF: II* / MM*, first IFD's ImageWidth (256) and ImageLength (257).
  if (n >= 8 && ((head[0] === 0x49 && head[1] === 0x49) || (head[0] === 0x4d && head[1] === 0x4d))) {
    const little = head[0] === 0x49;
    if (view.getUint16(2, little) === 42) return tiffSize(head, view, little);
  }
  return null;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function jpegSize(head: Uint8Array, view: DataView): ImageSize | 'need-more' {
  let i = 2;
  while (i + 4 <= head.length) {
    if (head[i] !== 0xff) throw new Error(`broken JPEG marker at byte ${i}`);
    const marker = head[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = view.getUint16(i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > head.length) return 'need-more';
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7), format: 'jpeg' };
    }
    if (marker === 0xd9 || marker === 0xda) throw new Error('JPEG has no frame header before its image data');
    i += 2 + length;
  }
  return 'need-more';
}

function webpSize(head: Uint8Array, view: DataView): ImageSize {
  const chunk = ascii(head, 12, 4);
  if (chunk === 'VP8 ') {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff, format: 'webp' };
  }
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, format: 'webp' };
  }
  if (chunk === 'VP8X') {
    const w = head[24] | (head[25] << 8) | (head[26] << 16);
    const h = head[27] | (head[28] << 8) | (head[29] << 16);
    return { width: w + 1, height: h + 1, format: 'webp' };
  }
  throw new Error(`unknown WebP chunk "${chunk}"`);
}

function tiffSize(head: Uint8Array, view: DataView, little: boolean): ImageSize | 'need-more' {
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > head.length) return 'need-more';
  const count = view.getUint16(ifd, little);
  let width = 0;
  let height = 0;
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > head.length) return 'need-more';
    const tag = view.getUint16(entry, little);
    const type = view.getUint16(entry + 2, little);
    const value = type === 3 ? view.getUint16(entry + 8, little) : view.getUint32(entry + 8, little);
    if (tag === 256) width = value;
    else if (tag === 257) height = value;
  }
  if (!width || !height) throw new Error('TIFF has no ImageWidth/ImageLength tags');
  return { width, height, format: 'tiff' };
}

/** Reads just enough of `path` to learn its size; a clear error names the file otherwise. */
export async function readImageSize(files: FileAccess, path: string): Promise<ImageSize> {
  let length = IMAGE_HEAD_BYTES;
  for (;;) {
    const head = await files.readHead(path, length);
    let size: ImageSize | null | 'need-more';
    try {
      size = imageSizeFromHeader(head);
    } catch (e) {
      throw new DetkitError(`unreadable image header: ${(e as Error).message}`, { file: path });
    }
    if (size === null) {
      throw new DetkitError('not an image detkit can size (PNG, JPEG, BMP, WebP, TIFF or GIF expected)', {
        file: path,
      });
    }
    if (size !== 'need-more') {
      if (!(size.width > 0 && size.height > 0)) {
        throw new DetkitError(`image header gives an empty size ${size.width}×${size.height}`, { file: path });
      }
      return size;
    }
    if (head.length < length) throw new DetkitError('image file is truncated before its size', { file: path });
    length *= 16;
  }
}
