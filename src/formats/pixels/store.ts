/**
 * Images held as raw pixels (the dataset files' bytes, no copy, no object per image) and handed
 * out as PNG bytes only when a writer asks: reading MNIST's 70k images costs its one buffer,
 * not 70k encoded PNGs. It is the dataset's `embeddedImages` map, so writers need not know it.
 */
import type { ImageId } from '../../core/dataset.js';
import { type Channels, encodePng, type Pixels } from './png.js';

/** How a record's pixel bytes are laid out: interleaved (MNIST) or one plane per channel (CIFAR). */
export interface PixelLayout {
  width: number;
  height: number;
  channels: Channels;
  planar: boolean;
}

/** Consecutive image ids whose pixels sit at a fixed stride in one buffer (one idx file, one batch). */
interface RecordBlock {
  firstId: ImageId;
  count: number;
  bytes: Uint8Array;
  /** Offset of the first record's pixels, and from one record's pixels to the next. */
  offset: number;
  stride: number;
}

export class PixelImages implements Map<ImageId, Uint8Array> {
  private readonly blocks: RecordBlock[] = [];
  /** Encoded bytes set explicitly (`set`), which take precedence over raw pixels. */
  private readonly encoded = new Map<ImageId, Uint8Array>();
  private readonly removed = new Set<ImageId>();

  constructor(readonly layout: PixelLayout) {}

  /** Registers `count` images with ids `firstId…`, record k's pixels at `offset + k·stride`. */
  addRecords(firstId: ImageId, count: number, bytes: Uint8Array, offset: number, stride: number): void {
    this.blocks.push({ firstId, count, bytes, offset, stride });
  }

  private raw(id: ImageId): Uint8Array | undefined {
    if (this.removed.has(id)) return undefined;
    for (const b of this.blocks) {
      const k = id - b.firstId;
      if (k >= 0 && k < b.count && Number.isInteger(k)) {
        const start = b.offset + k * b.stride;
        const { width, height, channels } = this.layout;
        return b.bytes.subarray(start, start + width * height * channels);
      }
    }
    return undefined;
  }

  /** Row-major interleaved pixels of an image held raw, or undefined. */
  pixels(id: ImageId): Pixels | undefined {
    const bytes = this.encoded.has(id) ? undefined : this.raw(id);
    if (!bytes) return undefined;
    const { width, height, channels, planar } = this.layout;
    if (!planar || channels === 1) return { data: bytes, width, height, channels };
    const n = width * height;
    const data = new Uint8Array(n * channels);
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < n; p++) data[p * channels + c] = bytes[c * n + p];
    }
    return { data, width, height, channels };
  }

  get(id: ImageId): Uint8Array | undefined {
    const set = this.encoded.get(id);
    if (set) return set;
    const pixels = this.pixels(id);
    return pixels && encodePng(pixels);
  }

  has(id: ImageId): boolean {
    return this.encoded.has(id) || this.raw(id) !== undefined;
  }

  set(id: ImageId, bytes: Uint8Array): this {
    this.encoded.set(id, bytes);
    return this;
  }

  delete(id: ImageId): boolean {
    const had = this.has(id);
    this.encoded.delete(id);
    this.removed.add(id);
    return had;
  }

  clear(): void {
    this.blocks.length = 0;
    this.encoded.clear();
    this.removed.clear();
  }

  get size(): number {
    let n = 0;
    for (const _ of this.keys()) n++;
    return n;
  }

  *keys(): MapIterator<ImageId> {
    const seen = new Set<ImageId>();
    for (const b of this.blocks) {
      for (let k = 0; k < b.count; k++) {
        const id = b.firstId + k;
        if (this.removed.has(id) && !this.encoded.has(id)) continue;
        seen.add(id);
        yield id;
      }
    }
    for (const id of this.encoded.keys()) if (!seen.has(id)) yield id;
  }

  *values(): MapIterator<Uint8Array> {
    for (const id of this.keys()) yield this.get(id) as Uint8Array;
  }

  *entries(): MapIterator<[ImageId, Uint8Array]> {
    for (const id of this.keys()) yield [id, this.get(id) as Uint8Array];
  }

  [Symbol.iterator](): MapIterator<[ImageId, Uint8Array]> {
    return this.entries();
  }

  forEach(fn: (value: Uint8Array, key: ImageId, map: Map<ImageId, Uint8Array>) => void, thisArg?: unknown): void {
    for (const [id, bytes] of this.entries()) fn.call(thisArg, bytes, id, this);
  }

  get [Symbol.toStringTag](): string {
    return 'PixelImages';
  }
}
