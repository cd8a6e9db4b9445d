/**
 * Phase 2 of COCOeval: per category, area range and maxDets, all detections of all images ranked
 * by score, cumulative TP/FP, and precision sampled at the recall thresholds — `accumulate()`
 * with numpy's exact arithmetic: stable mergesort on -score over the image-ordered concatenation,
 * precision `tp / (fp + tp + spacing(1))`, recall `tp / npig`, the right-to-left running max and
 * `searchsorted(rc, recThrs, side='left')`.
 */
import type { EvaluatedImages, ResolvedParams } from './evaluate.js';
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
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scores = new Float64Array(T * R * K * A * M).fill(-1);
  const nImg = ev.nImages;
  const recThrs = Float64Array.from(p.recThrs);

  let order = new Int32Array(0);
  let tmp = new Int32Array(0);
  let list = new Int32Array(0);
  let prTp = new Float64Array(0);
  let posTp = new Int32Array(0);
  const { slotRank, slotScore, states } = ev;
  const nSlots = slotScore.length;
  const W = Math.ceil(T / 16);
  let words = new Uint32Array(0);
  let ranked = new Uint32Array(0);
  let pick = new Int32Array(0);
  const tpCount = new Int32Array(T);
  const fpCount = new Int32Array(T);
  const fullFp = T <= 16 ? (((1 << T) - 1) << 16) >>> 0 : -1;
  let sortedThrs = true;
  for (let r = 1; r < recThrs.length; r++) if (!(recThrs[r] >= recThrs[r - 1])) sortedThrs = false;

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
      pick = new Int32Array(n);
      words = new Uint32Array(n * W);
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

    // Outcomes in ranked order, gathered once per category: each maxDets setting then reads a
    // subsequence of it in order instead of gathering from scattered slots again.
    if (ranked.length < n * A * W) ranked = new Uint32Array(n * A * W);
    for (let aw = 0; aw < A * W; aw++) {
      const from = aw * nSlots;
      const to = aw * n;
      for (let j = 0; j < n; j++) ranked[to + j] = states[from + order[j]];
    }

    for (let m = 0; m < M; m++) {
      const maxDet = p.maxDets[m];
      let nd = 0;
      for (let j = 0; j < n; j++) {
        if (slotRank[order[j]] < maxDet) {
          pick[nd] = j;
          list[nd++] = order[j];
        }
      }
      for (let a = 0; a < A; a++) {
        const npig = npigs[a];
        if (npig === 0) continue;
        for (let w = 0; w < W; w++) {
          const from = (a * W + w) * n;
          const to = w * nd;
          if (nd === n) words.set(ranked.subarray(from, from + n), to);
          else for (let j = 0; j < nd; j++) words[to + j] = ranked[from + pick[j]];
        }
        // One pass for all thresholds. Precision only rises at a TP and recall only changes
        // there, so the running max from the right and every searchsorted hit are TP positions:
        // keep, per threshold, pr and the position of its i-th TP (1-based). Detections that are
        // FP at every threshold (most) just bump a shared counter.
        const cap = nd + 1;
        if (prTp.length < T * cap) {
          prTp = new Float64Array(T * cap);
          posTp = new Int32Array(T * cap);
        }
        tpCount.fill(0);
        fpCount.fill(0);
        let fpAll = 0;
        for (let j = 0; j < nd; j++) {
          if (W === 1) {
            const w = words[j];
            if (w === fullFp) {
              fpAll++;
              continue;
            }
            if (w === 0) continue;
          }
          for (let t = 0; t < T; t++) {
            const w = words[(t >> 4) * nd + j];
            const bit = t & 15;
            if ((w >>> bit) & 1) {
              const c = ++tpCount[t];
              prTp[t * cap + c] = c / (fpAll + fpCount[t] + c + EPS);
              posTp[t * cap + c] = j;
            } else {
              fpCount[t] += (w >>> (16 + bit)) & 1;
            }
          }
        }
        for (let t = 0; t < T; t++) {
          const tp = tpCount[t];
          const base = t * cap;
          recall[((t * K + k) * A + a) * M + m] = nd ? tp / npig : 0;
          for (let i = base + tp; i > base + 1; i--) if (prTp[i] > prTp[i - 1]) prTp[i - 1] = prTp[i];
          // q and ss start at zero; pycocotools' try/except stops at the first threshold
          // searchsorted puts past the end.
          let i = 1;
          let stopped = false;
          for (let r = 0; r < R; r++) {
            const out = (((t * R + r) * K + k) * A + a) * M + m;
            const v = recThrs[r];
            let q = 0;
            let pos = -1;
            if (!stopped) {
              if (v <= 0 || Number.isNaN(v)) {
                // searchsorted gives 0 (every rc >= v): the max of all precision there.
                if (nd > 0) {
                  pos = 0;
                  q = tp > 0 ? prTp[base + 1] : 0;
                }
              } else {
                if (!sortedThrs) i = 1;
                while (i <= tp && i / npig < v) i++;
                if (i <= tp) {
                  pos = posTp[base + i];
                  q = prTp[base + i];
                }
              }
              if (pos < 0) stopped = true;
            }
            precision[out] = stopped ? 0 : q;
            scores[out] = stopped ? 0 : slotScore[list[pos]];
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
