/**
 * Images held as raw pixels (views into the dataset files' bytes, no copy) and handed out as
 * PNG bytes only when a writer asks: reading MNIST's 70k images costs one buffer, not 70k
 * encoded PNGs. It is the dataset's `embeddedImages` map, so writers need not know about it.
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

export class PixelImages implements Map<ImageId, Uint8Array> {
  private readonly raw = new Map<ImageId, Uint8Array>();
  /** Encoded bytes set explicitly (`set`), which take precedence over raw pixels. */
  private readonly encoded = new Map<ImageId, Uint8Array>();

  constructor(readonly layout: PixelLayout) {}

  /** Registers the pixel bytes of one image (`width × height × channels` bytes in `layout`). */
  addPixels(id: ImageId, bytes: Uint8Array): void {
    this.raw.set(id, bytes);
  }

  /** Row-major interleaved pixels of an image held raw, or undefined. */
  pixels(id: ImageId): Pixels | undefined {
    const bytes = this.raw.get(id);
    if (!bytes || this.encoded.has(id)) return undefined;
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
    return this.encoded.has(id) || this.raw.has(id);
  }

  set(id: ImageId, bytes: Uint8Array): this {
    this.encoded.set(id, bytes);
    return this;
  }

  delete(id: ImageId): boolean {
    const a = this.encoded.delete(id);
    return this.raw.delete(id) || a;
  }

  clear(): void {
    this.raw.clear();
    this.encoded.clear();
  }

  get size(): number {
    let n = this.raw.size;
    for (const id of this.encoded.keys()) if (!this.raw.has(id)) n++;
    return n;
  }

  *keys(): MapIterator<ImageId> {
    yield* this.raw.keys();
    for (const id of this.encoded.keys()) if (!this.raw.has(id)) yield id;
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
