/**
 * The bits of numpy arithmetic COCOeval's numbers depend on, reproduced exactly.
 */

/** np.spacing(1): the gap between 1 and the next double. */
export const EPS = 2.220446049250313e-16;

/**
 * numpy's pairwise summation of float64 (`pairwise_sum_DOUBLE`): below 8 values a plain loop,
 * up to 128 eight accumulators, above that split in two halves at a multiple of 8.
 */
export function pairwiseSum(a: ArrayLike<number>, offset = 0, n = a.length - offset): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res += a[offset + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[offset];
    let r1 = a[offset + 1];
    let r2 = a[offset + 2];
    let r3 = a[offset + 3];
    let r4 = a[offset + 4];
    let r5 = a[offset + 5];
    let r6 = a[offset + 6];
    let r7 = a[offset + 7];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const p = offset + i;
      r0 += a[p];
      r1 += a[p + 1];
      r2 += a[p + 2];
      r3 += a[p + 3];
      r4 += a[p + 4];
      r5 += a[p + 5];
      r6 += a[p + 6];
      r7 += a[p + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[offset + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2) + pairwiseSum(a, offset + n2, n - n2);
}

/** numpy's reduction buffer (NPY_BUFSIZE): np.add.reduce hands the loop at most this many values. */
const NPY_BUFSIZE = 8192;

/**
 * np.sum of a float64 vector as numpy 1.x computes it (the pycocotools reference ran numpy 1.24):
 * from the identity 0, each 8192-value buffer chunk summed pairwise, chunks added in order.
 * (numpy 2 sums a contiguous vector pairwise in one piece; the two differ in the last bit.)
 */
export function npSum(values: ArrayLike<number>): number {
  let total = 0;
  for (let start = 0; start < values.length; start += NPY_BUFSIZE) {
    total += pairwiseSum(values, start, Math.min(NPY_BUFSIZE, values.length - start));
  }
  return total;
}

/** np.mean of a float64 vector: npSum over the count. */
export function npMean(values: ArrayLike<number>): number {
  return npSum(values) / values.length;
}

/**
 * Sorts `idx[start..end)` by `key` descending, keeping the given order among equal keys — what
 * np.argsort(-key, kind='mergesort') gives. `tmp` must hold at least `end` entries.
 */
export function stableSortDesc(
  idx: Int32Array,
  start: number,
  end: number,
  key: ArrayLike<number>,
  tmp: Int32Array,
): void {
  const n = end - start;
  if (n <= 32) {
    for (let i = start + 1; i < end; i++) {
      const v = idx[i];
      const kv = key[v];
      let j = i - 1;
      while (j >= start && key[idx[j]] < kv) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
    return;
  }
  const mid = start + (n >> 1);
  stableSortDesc(idx, start, mid, key, tmp);
  stableSortDesc(idx, mid, end, key, tmp);
  mergeDesc(idx, start, mid, end, key, tmp);
}

/** Merges two descending runs `[start, mid)` and `[mid, end)`; on ties the left run goes first. */
export function mergeDesc(
  idx: Int32Array,
  start: number,
  mid: number,
  end: number,
  key: ArrayLike<number>,
  tmp: Int32Array,
): void {
  if (mid <= start || mid >= end || !(key[idx[mid]] > key[idx[mid - 1]])) return;
  tmp.set(idx.subarray(start, mid), start);
  let i = start;
  let j = mid;
  let o = start;
  while (i < mid && j < end) {
    if (key[idx[j]] > key[tmp[i]]) idx[o++] = idx[j++];
    else idx[o++] = tmp[i++];
  }
  while (i < mid) idx[o++] = tmp[i++];
}
