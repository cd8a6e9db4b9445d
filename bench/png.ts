/**
 * Small, fully valid grey PNGs of any size, for benchmark datasets (cached per size). Not
 * `encodePng`: its small-input deflate takes ~0.3 s on a 640×480 image, zlib a millisecond.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src/formats/pixels/png.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const cache = new Map<string, Buffer>();

export function greyPng(width: number, height: number): Buffer {
  const key = `${width}x${height}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter: none
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
  cache.set(key, png);
  return png;
}
