/**
 * Decoded pixels as the environment-free code sees them. Decoding happens at the edges
 * (sharp in Node, canvas in the browser); pre-processing works on this.
 */
export interface RawImage {
  /** Interleaved, row-major, `channels` bytes a pixel (3 = RGB, 4 = RGBA). */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}
