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
  const AM = A * M;
  const precision = new Float64Array(T * R * K * AM).fill(-1);
  const recall = new Float64Array(T * K * AM).fill(-1);
  const scores = new Float64Array(T * R * K * AM).fill(-1);
  const nImg = ev.nImages;
  const recThrs = Float64Array.from(p.recThrs);
  let sortedThrs = true;
  for (let r = 1; r < recThrs.length; r++) if (!(recThrs[r] >= recThrs[r - 1])) sortedThrs = false;
  const { slotRank, slotScore, states } = ev;
  const nSlots = slotScore.length;
  const W = Math.ceil(T / 16);
  const fullFp = T <= 16 ? (((1 << T) - 1) << 16) >>> 0 : -1;

  const s: Scratch = {
    order: new Int32Array(0),
    tmp: new Int32Array(0),
    list: new Int32Array(0),
    pick: new Int32Array(0),
    words: new Uint32Array(0),
    ranked: new Uint32Array(0),
    prTp: new Float64Array(0),
    posTp: new Int32Array(0),
    tpCount: new Int32Array(T),
    fpCount: new Int32Array(T),
    // One category's precision and scores as [t][r][a][m]: written here, then copied into the
    // [T, R, K, A, M] arrays a cache line at a time instead of one scattered value at a time.
    catPrecision: new Float64Array(T * R * AM),
    catScores: new Float64Array(T * R * AM),
  };

  for (let k = 0; k < K; k++) {
    const u0 = k * nImg;
    let anyUnit = false;
    for (let i = 0; i < nImg && !anyUnit; i++) if (ev.unitExists[u0 + i]) anyUnit = true;
    if (!anyUnit) continue;
    // The category's slots are contiguous, image by image, each image's run already score-sorted:
    // merging neighbouring runs (left first on ties) is the stable sort of the concatenation.
    const first = ev.slotStart[u0];
    const n = ev.slotStart[u0 + nImg] - first;
    if (s.order.length < n) {
      s.order = new Int32Array(n);
      s.tmp = new Int32Array(n);
      s.list = new Int32Array(n);
      s.pick = new Int32Array(n);
      s.words = new Uint32Array(n * W);
    }
    const order = s.order;
    for (let j = 0; j < n; j++) order[j] = first + j;
    const runs: number[] = [];
    for (let i = 0; i < nImg; i++) {
      const st = ev.slotStart[u0 + i] - first;
      if (ev.slotStart[u0 + i + 1] - first > st) runs.push(st);
    }
    runs.push(n);
    sortRuns(order, runs, slotScore, s.tmp);

    const npigs = ev.npig.subarray(k * A, k * A + A);

    // Outcomes in ranked order, gathered once per category: each maxDets setting then reads a
    // subsequence of it in order instead of gathering from scattered slots again.
    if (s.ranked.length < n * A * W) s.ranked = new Uint32Array(n * A * W);
    gatherRanked(s.ranked, states, order, n, A * W, nSlots);
    s.catPrecision.fill(-1);
    s.catScores.fill(-1);

    for (let m = 0; m < M; m++) {
      const nd = pickTopRanked(order, n, slotRank, p.maxDets[m], s.pick, s.list);
      for (let a = 0; a < A; a++) {
        const npig = npigs[a];
        if (npig === 0) continue;
        for (let w = 0; w < W; w++) {
          const from = (a * W + w) * n;
          if (nd === n) s.words.set(s.ranked.subarray(from, from + n), w * nd);
          else gatherPicked(s.words, w * nd, s.ranked, from, s.pick, nd);
        }
        const cap = nd + 1;
        if (s.prTp.length < T * cap) {
          s.prTp = new Float64Array(T * cap);
          s.posTp = new Int32Array(T * cap);
        }
        scanOutcomes(s, nd, T, W === 1 ? fullFp : -1);
        const recallAt = (k * A + a) * M + m;
        for (let t = 0; t < T; t++) recall[t * K * AM + recallAt] = nd ? s.tpCount[t] / npig : 0;
        samplePrecision(s, nd, npig, T, recThrs, sortedThrs, slotScore, a * M + m, AM);
      }
    }
    scatterCategory(s.catPrecision, precision, k, K, AM, T * R);
    scatterCategory(s.catScores, scores, k, K, AM, T * R);
  }
  return {
    params: p,
    precision: { data: precision, shape: [T, R, K, A, M] },
    recall: { data: recall, shape: [T, K, A, M] },
    scores: { data: scores, shape: [T, R, K, A, M] },
  };
}

/** Buffers reused across categories (grown as needed). */
interface Scratch {
  order: Int32Array;
  tmp: Int32Array;
  list: Int32Array;
  pick: Int32Array;
  words: Uint32Array;
  ranked: Uint32Array;
  prTp: Float64Array;
  posTp: Int32Array;
  tpCount: Int32Array;
  fpCount: Int32Array;
  catPrecision: Float64Array;
  catScores: Float64Array;
}

function gatherRanked(
  ranked: Uint32Array,
  states: Uint32Array,
  order: Int32Array,
  n: number,
  planes: number,
  nSlots: number,
): void {
  for (let aw = 0; aw < planes; aw++) {
    const from = aw * nSlots;
    const to = aw * n;
    for (let j = 0; j < n; j++) ranked[to + j] = states[from + order[j]];
  }
}

/** The ranked positions (`pick`) and slots (`list`) of detections within an image's top maxDet. */
function pickTopRanked(
  order: Int32Array,
  n: number,
  slotRank: Int32Array,
  maxDet: number,
  pick: Int32Array,
  list: Int32Array,
): number {
  let nd = 0;
  for (let j = 0; j < n; j++) {
    const slot = order[j];
    if (slotRank[slot] < maxDet) {
      pick[nd] = j;
      list[nd++] = slot;
    }
  }
  return nd;
}

function gatherPicked(words: Uint32Array, to: number, ranked: Uint32Array, from: number, pick: Int32Array, nd: number) {
  for (let j = 0; j < nd; j++) words[to + j] = ranked[from + pick[j]];
}

/**
 * One pass for all thresholds. Precision only rises at a TP and recall only changes there, so
 * the running max from the right and every searchsorted hit are TP positions: keep, per
 * threshold, pr and the position of its i-th TP (1-based). Detections that are FP at every
 * threshold (most; `fullFp`, or -1 when T > 16) just bump a shared counter.
 */
function scanOutcomes(s: Scratch, nd: number, T: number, fullFp: number): void {
  const { words, prTp, posTp, tpCount, fpCount } = s;
  const cap = nd + 1;
  tpCount.fill(0);
  fpCount.fill(0);
  let fpAll = 0;
  for (let j = 0; j < nd; j++) {
    if (fullFp !== -1) {
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
}

/** Precision and score at each recall threshold into the category buffers, at `[t][r][am]`. */
function samplePrecision(
  s: Scratch,
  nd: number,
  npig: number,
  T: number,
  recThrs: Float64Array,
  sortedThrs: boolean,
  slotScore: Float64Array,
  am: number,
  AM: number,
): void {
  const { prTp, posTp, tpCount, list, catPrecision, catScores } = s;
  const R = recThrs.length;
  const cap = nd + 1;
  for (let t = 0; t < T; t++) {
    const tp = tpCount[t];
    const base = t * cap;
    for (let i = base + tp; i > base + 1; i--) if (prTp[i] > prTp[i - 1]) prTp[i - 1] = prTp[i];
    // q and ss start at zero; pycocotools' try/except stops at the first threshold
    // searchsorted puts past the end.
    let i = 1;
    let stopped = false;
    for (let r = 0; r < R; r++) {
      const out = (t * R + r) * AM + am;
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
      catPrecision[out] = stopped ? 0 : q;
      catScores[out] = stopped ? 0 : slotScore[list[pos]];
    }
  }
}

/** `[t·r][am]` of category k into `[t·r][k][am]`: one contiguous run of AM values per (t, r). */
function scatterCategory(from: Float64Array, to: Float64Array, k: number, K: number, AM: number, TR: number): void {
  for (let tr = 0; tr < TR; tr++) {
    const src = tr * AM;
    const dst = (tr * K + k) * AM;
    for (let j = 0; j < AM; j++) to[dst + j] = from[src + j];
  }
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
