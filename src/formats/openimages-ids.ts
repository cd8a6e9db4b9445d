/**
 * Identifier tables of the Open Images byte scanner (openimages-scan.ts): ImageIDs numbered by
 * first appearance, MIDs looked up by their bytes, and bytes turned into text.
 */
import type { CategoryId } from '../core/dataset.js';

/** ImageIDs by first appearance: index ↔ ImageID. */
export class ImageIndex {
  readonly ids: string[] = [];
  readonly index = new Map<string, number>();

  indexOf(id: string): number {
    let k = this.index.get(id);
    if (k === undefined) {
      k = this.ids.length;
      this.index.set(id, k);
      this.ids.push(id);
    }
    return k;
  }
}

/** MIDs looked up by their UTF-8 bytes in an open-addressing table (no string per row). */
export class MidTable {
  private readonly slots: Int32Array;
  private readonly keys: Uint8Array[] = [];
  private readonly values: number[] = [];

  constructor(idOfMid: Map<string, CategoryId>) {
    let size = 64;
    while (size < idOfMid.size * 4) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    const encoder = new TextEncoder();
    for (const [mid, id] of idOfMid) {
      const key = encoder.encode(mid);
      let slot = hashBytes(key, 0, key.length) & (size - 1);
      while (this.slots[slot] >= 0) slot = (slot + 1) & (size - 1);
      this.slots[slot] = this.keys.length;
      this.keys.push(key);
      this.values.push(id);
    }
  }

  /** The category id of bytes[start, end), or -1. */
  get(bytes: Uint8Array, start: number, end: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hashBytes(bytes, start, end) & mask; ; slot = (slot + 1) & mask) {
      const k = this.slots[slot];
      if (k < 0) return -1;
      const key = this.keys[k];
      if (key.length !== end - start) continue;
      let i = 0;
      while (i < key.length && key[i] === bytes[start + i]) i++;
      if (i === key.length) return this.values[k];
    }
  }
}

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

const utf8 = new TextDecoder();

export function text(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let ascii = true;
    for (let i = start; i < end; i++) if (bytes[i] > 127) ascii = false;
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return utf8.decode(bytes.subarray(start, end));
}
