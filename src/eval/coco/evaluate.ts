/**
 * Phase 1 of COCOeval: per image × category, IoU between detections (score order, at most
 * maxDets[-1]) and ground truth, then greedy matching at every IoU threshold and area range —
 * `computeIoU` + `evaluateImg`, kept to pycocotools' exact rules, over columnar arrays.
 */
import type { Dataset } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { effectiveRows, groupRows, IdIndex } from './group.js';
import { bboxIouInto } from './iou.js';
import { stableSortDesc } from './numeric.js';
import type { CocoParams } from './params.js';
import { sortedUnique } from './params.js';
import { type MaskApi, type RowName, SegmMasks } from './segm.js';

/** Outcome of one detection at one (area range, IoU threshold). */
const IGNORED = 0;
const TP = 1;
const FP = 2;

/** Params after `evaluate` normalised them (sorted unique ids, sorted maxDets). */
export interface ResolvedParams extends CocoParams {
  imgIds: number[];
  catIds: number[];
}

/** One `evalImgs` entry in pycocotools' shape (kept only on request: tests, small data). */
export interface EvalImageDetail {
  imageId: number;
  /** -1 when categories are ignored. */
  categoryId: number;
  areaIndex: number;
  dtIds: number[];
  dtScores: number[];
  /** In evaluation order: non-ignored first. */
  gtIds: number[];
  gtIgnore: number[];
  /** [T][D]: id of the matched GT, 0 when none. */
  dtMatches: number[][];
  /** [T][G]: id of the matched detection, 0 when none. */
  gtMatches: number[][];
  dtIgnore: number[][];
}

export interface IouMatrix {
  imageId: number;
  categoryId: number;
  /** [D][G]: detections by score, ground truth in input order. */
  matrix: number[][];
}

/**
 * Everything accumulate() needs, columnar. A unit is one (category, image) pair —
 * `u = k * nImages + i` — or one image when categories are ignored. Kept detections get
 * consecutive slots, unit by unit, best score first.
 */
export interface EvaluatedImages {
  params: ResolvedParams;
  nImages: number;
  /** Categories as accumulate indexes them: catIds.length, or 1 without categories. */
  nCategoryUnits: number;
  /** 1 where pycocotools has an evalImg (the unit has GT or detections). */
  unitExists: Uint8Array;
  slotStart: Int32Array;
  slotScore: Float64Array;
  slotRank: Int32Array;
  /** Detection row of each slot. */
  slotRow: Int32Array;
  /**
   * Outcomes, 16 thresholds a word: word `(a * ceil(T/16) + (t >> 4)) * nSlots + slot` has bit
   * `t & 15` set for a TP and bit `16 + (t & 15)` for an FP; neither means ignored.
   */
  states: Uint32Array;
  /** Non-ignored GT count of category unit k, area range a, summed over images: `k * A + a`. */
  npig: Int32Array;
  details?: EvalImageDetail[];
  ious?: IouMatrix[];
}

export interface EvaluateOptions {
  /** Needed for segm. */
  mask?: MaskApi;
  /** Keep pycocotools-shaped evalImgs and IoU matrices (for tests and small data). */
  keepDetails?: boolean;
  gtRowName?: RowName;
  dtRowName?: RowName;
}

export function resolveParams(gt: Dataset, params: CocoParams): ResolvedParams {
  return {
    ...params,
    imgIds: sortedUnique(params.imgIds ?? gt.images.map((im) => im.id)),
    catIds: sortedUnique(params.catIds ?? gt.categories.map((c) => c.id)),
    maxDets: [...params.maxDets].sort((a, b) => a - b),
  };
}

export function evaluate(gt: Dataset, dt: Dataset, params: CocoParams, options: EvaluateOptions = {}): EvaluatedImages {
  const p = resolveParams(gt, params);
  if (p.iouType === 'segm' && !options.mask) throw new DetkitError('segm evaluation needs the mask API');
  const imageIndex = new IdIndex(p.imgIds);
  const categoryIndex = new IdIndex(p.catIds);
  const nImg = p.imgIds.length;
  const K = p.useCats ? p.catIds.length : 1;
  const U = K * nImg;
  const A = p.areaRng.length;
  const T = p.iouThrs.length;
  const W = Math.ceil(T / 16);
  const maxDet = p.maxDets.length > 0 ? p.maxDets[p.maxDets.length - 1] : 0;

  const gtTable = gt.annotations;
  const dtTable = dt.annotations;
  const gtUnits = groupRows(gtTable, imageIndex, categoryIndex, p.useCats, effectiveRows(gtTable));
  const dtUnits = groupRows(dtTable, imageIndex, categoryIndex, p.useCats, effectiveRows(dtTable));

  const gtArea = areaColumn(gtTable.areas, gtTable.boxes, gtTable.length);
  const dtArea = areaColumn(dtTable.areas, dtTable.boxes, dtTable.length);

  // Slots: each unit keeps at most maxDet detections.
  const unitExists = new Uint8Array(U);
  const slotStart = new Int32Array(U + 1);
  for (let u = 0; u < U; u++) {
    const nd = dtUnits.offsets[u + 1] - dtUnits.offsets[u];
    const ng = gtUnits.offsets[u + 1] - gtUnits.offsets[u];
    if (nd > 0 || ng > 0) unitExists[u] = 1;
    slotStart[u + 1] = slotStart[u] + Math.min(nd, maxDet);
  }
  const nSlots = slotStart[U];
  const slotRow = new Int32Array(nSlots);
  const slotScore = new Float64Array(nSlots);
  const slotRank = new Int32Array(nSlots);
  const states = new Uint32Array(nSlots * A * W);
  const npig = new Int32Array(K * A);
  const details: EvalImageDetail[] | undefined = options.keepDetails ? [] : undefined;
  const ious: IouMatrix[] | undefined = options.keepDetails ? [] : undefined;

  const thresholds = p.iouThrs.map((t) => Math.min(t, 1 - 1e-10));
  const minThr = Math.min(...thresholds);
  // Per state word: the FP bits of every threshold it holds.
  const fpWords = Array.from({ length: W }, (_, w) => (((1 << Math.min(16, T - 16 * w)) - 1) << 16) >>> 0);
  const dtScores = dtTable.scores;
  const gtIds = gtTable.ids;
  const dtIds = dtTable.ids;
  const masks = p.iouType === 'segm' ? new SegmMasks(gt, dt, options) : undefined;
  if (masks) {
    // _prepare converts every loaded annotation up front, so a bad one fails even where unused.
    for (const row of gtUnits.rows) masks.rle('gt', row);
    for (const row of dtUnits.rows) masks.rle('dt', row);
  }

  // Scratch, grown as needed.
  let sortTmp = new Int32Array(64);
  let sorted = new Int32Array(64);
  let iou = new Float64Array(256);
  let ordered = new Float64Array(256);
  let gOrder = new Int32Array(16);
  let gIgnore = new Uint8Array(16);
  let gCrowd = new Uint8Array(16);
  // GT j is taken at the current threshold when gTaken[j] === generation (no refills).
  let gTaken = new Int32Array(16);
  let generation = 0;
  let gRow = new Int32Array(16);
  let dOut = new Uint8Array(64);
  let dArea = new Float64Array(64);
  let dMaxIou = new Float64Array(64);
  let pattern = new Uint8Array(64);
  let matchIdx = new Int32Array(256);
  const gtFlags = gtTable.flags;

  for (let u = 0; u < U; u++) {
    if (!unitExists[u]) continue;
    const ds = dtUnits.offsets[u];
    const nd0 = dtUnits.offsets[u + 1] - ds;
    const gs = gtUnits.offsets[u];
    const G = gtUnits.offsets[u + 1] - gs;
    if (nd0 > sorted.length) {
      sorted = new Int32Array(nd0 * 2);
      sortTmp = new Int32Array(nd0 * 2);
    }
    for (let j = 0; j < nd0; j++) sorted[j] = dtUnits.rows[ds + j];
    stableSortDesc(sorted, 0, nd0, dtScores, sortTmp);
    const D = Math.min(nd0, maxDet);
    const s0 = slotStart[u];
    for (let j = 0; j < D; j++) {
      slotRow[s0 + j] = sorted[j];
      slotScore[s0 + j] = dtScores[sorted[j]];
      slotRank[s0 + j] = j;
    }
    if (G > gRow.length) {
      const n = G * 2;
      gOrder = new Int32Array(n);
      gIgnore = new Uint8Array(n);
      gCrowd = new Uint8Array(n);
      gTaken = new Int32Array(n);
      gRow = new Int32Array(n);
    }
    if (D > dOut.length) {
      dOut = new Uint8Array(D * 2);
      dArea = new Float64Array(D * 2);
      dMaxIou = new Float64Array(D * 2);
    }
    const gtRows = gtUnits.rows.subarray(gs, gs + G);
    const hasIou = D > 0 && G > 0;
    if (hasIou) {
      if (D * G > iou.length) {
        iou = new Float64Array(D * G * 2);
        ordered = new Float64Array(D * G * 2);
      }
      if (masks) masks.iouInto(sorted, D, gtRows, iou);
      else bboxIouInto(dtTable.boxes, sorted, D, gtTable.boxes, gtTable.flags, gtRows, iou);
      if (ious) ious.push(iouRecord(p, u, nImg, K, iou, D, G));
      // A detection whose best IoU is under a threshold matches nothing there: skip its GT loop.
      for (let d = 0; d < D; d++) {
        let best = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < G; j++) if (iou[d * G + j] > best) best = iou[d * G + j];
        dMaxIou[d] = best;
      }
    }
    if (G === 0 && !details) {
      // No ground truth (most units): each detection is an FP at every threshold, or ignored
      // where its area is outside the range — what the general path below ends with too.
      for (let a = 0; a < A; a++) {
        const lo = p.areaRng[a][0];
        const hi = p.areaRng[a][1];
        const outBase = a * W * nSlots + s0;
        for (let d = 0; d < D; d++) {
          const ar = dtArea[sorted[d]];
          const out = ar < lo || ar > hi;
          for (let w = 0; w < W; w++) states[outBase + w * nSlots + d] = out ? 0 : fpWords[w];
        }
      }
      continue;
    }
    if (A * G > pattern.length) pattern = new Uint8Array(A * G * 2);
    if (A * T * D > matchIdx.length) matchIdx = new Int32Array(A * T * D * 2);
    for (let a = 0; a < A; a++) {
      const lo = p.areaRng[a][0];
      const hi = p.areaRng[a][1];
      // GT sorted with ignored last (stable), as evaluateImg's argsort(kind='mergesort').
      let nKeep = 0;
      for (let j = 0; j < G; j++) {
        const row = gtRows[j];
        const ar = gtArea[row];
        const ignore = (gtFlags[row] & 1) !== 0 || ar < lo || ar > hi;
        pattern[a * G + j] = ignore ? 1 : 0;
        if (!ignore) nKeep++;
      }
      let front = 0;
      let back = nKeep;
      for (let j = 0; j < G; j++) {
        const row = gtRows[j];
        const ignore = pattern[a * G + j];
        const at = ignore ? back++ : front++;
        gOrder[at] = j;
        gIgnore[at] = ignore;
        gCrowd[at] = gtFlags[row] & 1;
        gRow[at] = row;
      }
      npig[Math.floor(u / nImg) * A + a] += nKeep;
      if (a === 0) for (let d = 0; d < D; d++) dArea[d] = dtArea[sorted[d]];
      for (let d = 0; d < D; d++) {
        const ar = dArea[d];
        dOut[d] = ar < lo || ar > hi ? 1 : 0;
      }
      // Matching depends on the area range only through the GT ignore pattern: reuse it.
      let matchBase = a * T * D;
      for (let b = 0; b < a; b++) {
        if (samePattern(pattern, b * G, a * G, G)) {
          matchBase = b * T * D;
          break;
        }
      }
      if (matchBase === a * T * D) {
        if (hasIou) {
          for (let d = 0; d < D; d++) {
            const src = d * G;
            for (let j = 0; j < G; j++) ordered[src + j] = iou[src + gOrder[j]];
          }
        }
        for (let t = 0; hasIou && t < T; t++) {
          const thr = thresholds[t];
          const out = matchBase + t * D;
          const gen = ++generation;
          for (let d = 0; d < D; d++) {
            let m = -1;
            if (hasIou && !(dMaxIou[d] < thr)) {
              let best = thr;
              const rowBase = d * G;
              for (let j = 0; j < G; j++) {
                if (gTaken[j] === gen && !gCrowd[j]) continue;
                // Matched to a regular GT already: the ignored ones (sorted last) cannot do better.
                if (m > -1 && gIgnore[m] === 0 && gIgnore[j] === 1) break;
                const v = ordered[rowBase + j];
                if (v < best) continue;
                best = v;
                m = j;
              }
              // gtm[t, m] = dt id; only an id > 0 makes the GT "taken".
              if (m > -1) gTaken[m] = dtIds[sorted[d]] > 0 ? gen : 0;
            }
            matchIdx[out + d] = m;
          }
        }
      }
      const detail = details
        ? newDetail(p, u, nImg, K, a, T, D, G, sorted, gRow, gIgnore, dtIds, gtIds, dtScores)
        : undefined;
      const outBase = a * W * nSlots + s0;
      for (let d = 0; d < D; d++) {
        if (!detail && (!hasIou || dMaxIou[d] < minThr)) {
          // Matches nothing at any threshold: FP everywhere, or ignored when outside the range.
          for (let w = 0; w < W; w++) states[outBase + w * nSlots + d] = dOut[d] ? 0 : fpWords[w];
          continue;
        }
        let tpBits = 0;
        let fpBits = 0;
        for (let t = 0; t < T; t++) {
          const m = hasIou ? matchIdx[matchBase + t * D + d] : -1;
          let state: number;
          if (m === -1) {
            state = dOut[d] ? IGNORED : FP;
          } else {
            const gid = gtIds[gRow[m]];
            // A match to GT id 0 reads as "unmatched" downstream (dtMatches == 0).
            state = gIgnore[m] ? IGNORED : gid !== 0 ? TP : dOut[d] ? IGNORED : FP;
            if (detail) {
              detail.dtMatches[t][d] = gid;
              detail.gtMatches[t][m] = dtIds[sorted[d]];
            }
          }
          const bit = t & 15;
          if (state === TP) tpBits |= 1 << bit;
          else if (state === FP) fpBits |= 1 << bit;
          if (bit === 15 || t === T - 1) {
            states[outBase + (t >> 4) * nSlots + d] = (tpBits | (fpBits << 16)) >>> 0;
            tpBits = 0;
            fpBits = 0;
          }
          if (detail) detail.dtIgnore[t][d] = state === IGNORED ? 1 : 0;
        }
      }
      if (details && detail) details.push(detail);
    }
  }

  return {
    params: p,
    nImages: nImg,
    nCategoryUnits: K,
    unitExists,
    slotStart,
    slotScore,
    slotRank,
    slotRow,
    states,
    npig,
    details,
    ious,
  };
}

function samePattern(p: Uint8Array, x: number, y: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (p[x + j] !== p[y + j]) return false;
  return true;
}

/** The area COCOeval ranges on: the `area` field (set by loadRes for results), else box w × h. */
function areaColumn(areas: Float64Array, boxes: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const a = areas[r];
    out[r] = Number.isNaN(a) ? boxes[r * 4 + 2] * boxes[r * 4 + 3] : a;
  }
  return out;
}

function unitIds(p: ResolvedParams, u: number, nImg: number, K: number): [number, number] {
  const k = Math.floor(u / nImg);
  return [p.imgIds[u - k * nImg], K === 1 && !p.useCats ? -1 : p.catIds[k]];
}

function iouRecord(p: ResolvedParams, u: number, nImg: number, K: number, iou: Float64Array, D: number, G: number) {
  const [imageId, categoryId] = unitIds(p, u, nImg, K);
  const matrix: number[][] = [];
  for (let d = 0; d < D; d++) matrix.push(Array.from(iou.subarray(d * G, d * G + G)));
  return { imageId, categoryId, matrix };
}

function newDetail(
  p: ResolvedParams,
  u: number,
  nImg: number,
  K: number,
  a: number,
  T: number,
  D: number,
  G: number,
  sorted: Int32Array,
  gRow: Int32Array,
  gIgnore: Uint8Array,
  dtIds: Float64Array,
  gtIds: Float64Array,
  dtScores: Float64Array,
): EvalImageDetail {
  const [imageId, categoryId] = unitIds(p, u, nImg, K);
  const rows = (n: number) => Array.from({ length: T }, () => new Array<number>(n).fill(0));
  return {
    imageId,
    categoryId,
    areaIndex: a,
    dtIds: Array.from(sorted.subarray(0, D), (r) => dtIds[r]),
    dtScores: Array.from(sorted.subarray(0, D), (r) => dtScores[r]),
    gtIds: Array.from(gRow.subarray(0, G), (r) => gtIds[r]),
    gtIgnore: Array.from(gIgnore.subarray(0, G)),
    dtMatches: rows(D),
    gtMatches: rows(G),
    dtIgnore: rows(D),
  };
}
