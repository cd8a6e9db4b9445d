/**
 * Phase 2 of COCOeval: per category, area range and maxDets, all detections of all images ranked
 * by score, cumulative TP/FP, and precision sampled at the recall thresholds — `accumulate()`
 * with numpy's exact arithmetic: stable mergesort on -score over the image-ordered concatenation,
 * precision `tp / (fp + tp + spacing(1))`, recall `tp / npig`, the right-to-left running max and
 * `searchsorted(rc, recThrs, side='left')`.
 */
import { type EvaluatedImages, FP, type ResolvedParams, TP } from './evaluate.js';
import { EPS, mergeDesc } from './numeric.js';

/** A C-order (row-major) array as numpy holds it. */
export interface NdArray {
  data: Float64Array;
  shape: number[];
}

export interface Accumulation {
  params: ResolvedParams;
  /** [T, R, K, A, M]; -1 where a setting has no ground truth. */
  precision: NdArray;
  /** [T, K, A, M] */
  recall: NdArray;
  /** [T, R, K, A, M]: score of the detection where each recall threshold is reached. */
  scores: NdArray;
}

export function accumulate(ev: EvaluatedImages): Accumulation {
  const p = ev.params;
  const T = p.iouThrs.length;
  const R = p.recThrs.length;
  const K = ev.nCategoryUnits;
  const A = p.areaRng.length;
  const M = p.maxDets.length;
  const AT = A * T;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const nImg = ev.nImages;
  const recThrs = Float64Array.from(p.recThrs);

  let order = new Int32Array(0);
  let tmp = new Int32Array(0);
  let list = new Int32Array(0);
  let st = new Uint8Array(0);
  let sc = new Float64Array(0);
  let rc = new Float64Array(0);
  let pr = new Float64Array(0);

  for (let k = 0; k < K; k++) {
    const u0 = k * nImg;
    let anyUnit = false;
    for (let i = 0; i < nImg && !anyUnit; i++) if (ev.unitExists[u0 + i]) anyUnit = true;
    if (!anyUnit) continue;
    // The category's slots are contiguous, image by image, each image's run already score-sorted:
    // merging neighbouring runs (left first on ties) is the stable sort of the concatenation.
    const first = ev.slotStart[u0];
    const n = ev.slotStart[u0 + nImg] - first;
    if (order.length < n) {
      order = new Int32Array(n);
      tmp = new Int32Array(n);
      list = new Int32Array(n);
      sc = new Float64Array(n);
      rc = new Float64Array(n);
      pr = new Float64Array(n);
      st = new Uint8Array(n * AT);
    }
    for (let j = 0; j < n; j++) order[j] = first + j;
    const runs: number[] = [];
    for (let i = 0; i < nImg; i++) {
      const s = ev.slotStart[u0 + i] - first;
      if (ev.slotStart[u0 + i + 1] - first > s) runs.push(s);
    }
    runs.push(n);
    sortRuns(order, runs, ev.slotScore, tmp);

    const npigs = new Int32Array(A);
    for (let i = 0; i < nImg; i++) {
      if (!ev.unitExists[u0 + i]) continue;
      for (let a = 0; a < A; a++) npigs[a] += ev.npig[(u0 + i) * A + a];
    }

    for (let m = 0; m < M; m++) {
      const maxDet = p.maxDets[m];
      let nd = 0;
      for (let j = 0; j < n; j++) if (ev.slotRank[order[j]] < maxDet) list[nd++] = order[j];
      for (let j = 0; j < nd; j++) {
        const slot = list[j];
        sc[j] = ev.slotScore[slot];
        const src = slot * AT;
        for (let x = 0; x < AT; x++) st[x * nd + j] = ev.states[src + x];
      }
      for (let a = 0; a < A; a++) {
        const npig = npigs[a];
        if (npig === 0) continue;
        for (let t = 0; t < T; t++) {
          const base = (a * T + t) * nd;
          let tp = 0;
          let fp = 0;
          for (let j = 0; j < nd; j++) {
            const s = st[base + j];
            if (s === TP) tp++;
            else if (s === FP) fp++;
            rc[j] = tp / npig;
            pr[j] = tp / (fp + tp + EPS);
          }
          recall[((t * K + k) * A + a) * M + m] = nd ? rc[nd - 1] : 0;
          for (let j = nd - 1; j > 0; j--) if (pr[j] > pr[j - 1]) pr[j - 1] = pr[j];
          // q and ss start at zero: thresholds beyond the reached recall keep precision 0.
          let stopped = false;
          for (let r = 0; r < R; r++) {
            const at = (((t * R + r) * K + k) * A + a) * M + m;
            if (stopped) {
              precision[at] = 0;
              scores[at] = 0;
              continue;
            }
            const pi = searchLeft(rc, nd, recThrs[r]);
            if (pi >= nd) {
              // pycocotools' try/except: the first index past the end ends the filling.
              stopped = true;
              precision[at] = 0;
              scores[at] = 0;
              continue;
            }
            precision[at] = pr[pi];
            scores[at] = sc[pi];
          }
        }
      }
    }
  }
  return {
    params: p,
    precision: { data: precision, shape: [T, R, K, A, M] },
    recall: { data: recall, shape: [T, K, A, M] },
    scores: { data: scores, shape: [T, R, K, A, M] },
  };
}

/** First index with `rc[i] >= v` in the non-decreasing `rc[0..n)`. */
function searchLeft(rc: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rc[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bottom-up merge of sorted runs starting at `runs[i]` (last entry = end). */
function sortRuns(order: Int32Array, runs: number[], key: Float64Array, tmp: Int32Array): void {
  let bounds = runs;
  while (bounds.length > 2) {
    const next: number[] = [];
    for (let i = 0; i + 1 < bounds.length; i += 2) {
      const start = bounds[i];
      if (i + 2 < bounds.length) mergeDesc(order, start, bounds[i + 1], bounds[i + 2], key, tmp);
      next.push(start);
    }
    if (next[next.length - 1] !== bounds[bounds.length - 1]) next.push(bounds[bounds.length - 1]);
    bounds = next;
  }
}
