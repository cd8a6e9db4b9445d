/**
 * zlib stream (RFC 1950/1951) for small inputs such as one PNG's scanlines: greedy LZ77 over a
 * 3-byte hash and deflate's fixed Huffman codes, with no per-call tables to build. General
 * encoders (fflate) spend ~0.5 ms a call setting up for large inputs; a 28×28 MNIST image
 * needs a few microseconds here. Ratio is a little below zlib's on such images.
 */
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const WINDOW = 32768;
const MAX_MATCH = 258;
const HASH_BITS = 13;

function reverse(code: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) out = (out << 1) | ((code >>> i) & 1);
  return out;
}

// Fixed literal/length code (RFC 1951 3.2.6), bit-reversed because deflate packs LSB first.
const LIT_CODE = new Uint16Array(288);
const LIT_BITS = new Uint8Array(288);
for (let s = 0; s < 288; s++) {
  const [code, bits] =
    s < 144 ? [0x30 + s, 8] : s < 256 ? [0x190 + s - 144, 9] : s < 280 ? [s - 256, 7] : [0xc0 + s - 280, 8];
  LIT_CODE[s] = reverse(code, bits);
  LIT_BITS[s] = bits;
}
const DIST_CODE = Uint8Array.from({ length: 30 }, (_, d) => reverse(d, 5));
/** Length 3..258 → length symbol index (0..28). */
const LENGTH_INDEX = new Uint8Array(MAX_MATCH + 1);
for (let k = 0; k < LENGTH_BASE.length; k++) {
  const end = k + 1 < LENGTH_BASE.length ? LENGTH_BASE[k + 1] : MAX_MATCH + 1;
  for (let len = LENGTH_BASE[k]; len < end; len++) LENGTH_INDEX[len] = k;
}
LENGTH_INDEX[MAX_MATCH] = 28;

const head = new Int32Array(1 << HASH_BITS);

export function zlibDeflate(data: Uint8Array): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(8 + Math.ceil((n * 9) / 8) + 8);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  let bitBuf = 0;
  let bitCount = 0;
  const put = (value: number, bits: number) => {
    bitBuf |= value << bitCount;
    bitCount += bits;
    while (bitCount >= 8) {
      out[at++] = bitBuf & 0xff;
      bitBuf >>>= 8;
      bitCount -= 8;
    }
  };
  put(1, 1); // BFINAL
  put(1, 2); // BTYPE = 01, fixed Huffman
  head.fill(-1);
  const hash = (i: number) => ((data[i] << 10) ^ (data[i + 1] << 5) ^ data[i + 2]) & ((1 << HASH_BITS) - 1);
  let i = 0;
  while (i < n) {
    let length = 0;
    let distance = 0;
    if (i + 2 < n) {
      const h = hash(i);
      const candidate = head[h];
      head[h] = i;
      if (candidate >= 0 && i - candidate <= WINDOW) {
        const limit = Math.min(MAX_MATCH, n - i);
        let len = 0;
        while (len < limit && data[candidate + len] === data[i + len]) len++;
        if (len >= 3) {
          length = len;
          distance = i - candidate;
        }
      }
    }
    if (length === 0) {
      put(LIT_CODE[data[i]], LIT_BITS[data[i]]);
      i++;
      continue;
    }
    const k = LENGTH_INDEX[length];
    put(LIT_CODE[257 + k], LIT_BITS[257 + k]);
    if (LENGTH_EXTRA[k]) put(length - LENGTH_BASE[k], LENGTH_EXTRA[k]);
    let d = 29;
    while (DIST_BASE[d] > distance) d--;
    put(DIST_CODE[d], 5);
    if (DIST_EXTRA[d]) put(distance - DIST_BASE[d], DIST_EXTRA[d]);
    // Index the matched positions too, so later repeats find the nearest copy.
    for (let j = i + 1; j < i + length && j + 2 < n; j++) head[hash(j)] = j;
    i += length;
  }
  put(LIT_CODE[256], LIT_BITS[256]);
  if (bitCount > 0) out[at++] = bitBuf & 0xff;
  let a = 1;
  let b = 0;
  for (let j = 0; j < n; j++) {
    a = (a + data[j]) % 65521;
    b = (b + a) % 65521;
  }
  out[at++] = b >>> 8;
  out[at++] = b & 0xff;
  out[at++] = a >>> 8;
  out[at++] = a & 0xff;
  return out.subarray(0, at);
}
