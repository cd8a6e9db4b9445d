/**
 * Minimal PNG encoder and decoder for 8-bit greyscale / RGB pixels, environment-free (our
 * small-input deflate to encode, fflate to inflate). Encoding serves formats whose images exist
 * only as raw pixels (MNIST, CIFAR); decoding serves their writers, which need the pixels back.
 * Not a general PNG library: 8-bit, non-interlaced, no palette.
 */
import { unzlibSync } from 'fflate';
import { zlibDeflate } from './deflate.js';

export type Channels = 1 | 3;

/** Row-major pixels, `channels` interleaved bytes a pixel (1 = grey, 3 = RGB). */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: Channels;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the PNG chunk checksum). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** PNG bytes for 8-bit grey (colour type 0) or RGB (colour type 2) pixels; every row filter 0. */
export function encodePng({ data, width, height, channels }: Pixels): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = channels === 1 ? 0 : 2;
  const stride = width * channels;
  const scanlines = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) scanlines.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [
    new Uint8Array(SIGNATURE),
    chunk('IHDR', header),
    chunk('IDAT', zlibDeflate(scanlines)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Pixels of an 8-bit non-interlaced PNG, as grey or RGB. Alpha is dropped only when fully
 * opaque; anything else this decoder does not handle throws a plain Error saying what.
 */
export function decodePng(png: Uint8Array): Pixels {
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (data.length < length) throw new Error(`PNG chunk ${type} is truncated`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const depth = png[at + 16];
      colourType = png[at + 17];
      if (depth !== 8) throw new Error(`PNG bit depth ${depth} (only 8-bit is supported)`);
      if (png[at + 20] !== 0) throw new Error('interlaced PNG is not supported');
      if (![0, 2, 4, 6].includes(colourType))
        throw new Error(`PNG colour type ${colourType} (palette) is not supported`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (colourType < 0) throw new Error('PNG has no IHDR chunk');
  const compressed = new Uint8Array(idat.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of idat) {
    compressed.set(p, at);
    at += p.length;
  }
  const bpp = [1, 0, 3, 0, 2, 0, 4][colourType];
  const raw = unfilter(unzlibSync(compressed), width, height, bpp);
  const hasAlpha = colourType === 4 || colourType === 6;
  const channels: Channels = colourType === 0 || colourType === 4 ? 1 : 3;
  if (!hasAlpha) return { data: raw, width, height, channels };
  const data = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    if (raw[p * bpp + bpp - 1] !== 255) throw new Error('PNG has transparent pixels');
    for (let c = 0; c < channels; c++) data[p * channels + c] = raw[p * bpp + c];
  }
  return { data, width, height, channels };
}

function unfilter(filtered: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  if (filtered.length < height * (stride + 1)) throw new Error('PNG image data is truncated');
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = filtered[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let predicted: number;
      if (filter === 0) predicted = 0;
      else if (filter === 1) predicted = a;
      else if (filter === 2) predicted = b;
      else if (filter === 3) predicted = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new Error(`PNG row ${y} has unknown filter type ${filter}`);
      out[row + x] = (filtered[src + x] + predicted) & 0xff;
    }
  }
  return out;
}
