/**
 * Ensembling the boxes of several models (or of test-time augmentations) for one image, with the
 * semantics and parameters of the Python `ensemble_boxes` package (ZFTurbo):
 * - weighted boxes fusion (WBF, Solovyev et al. 2021): `weightedBoxesFusion`;
 * - non-maximum weighted (NMW, Zhou et al. 2017): `nonMaximumWeighted`.
 * Boxes are normalised xyxy (0..1). Within each label, boxes are visited by decreasing
 * score × model weight and join the cluster whose current box they overlap most, when that IoU is
 * strictly above `iouThr`; otherwise they start a cluster.
 *
 * Arithmetic is float64 throughout (ensemble_boxes keeps fused boxes in float32, so its results
 * differ from these in the 7th significant digit).
 */
import {
  type BoxAdjustments,
  type EnsembleResult,
  emptyAdjustments,
  FusedCollector,
  iouBetween,
  type LabelGroup,
  type ModelBoxes,
  modelWeights,
  prefilterBoxes,
} from './ensemble-input.js';

export type { BoxAdjustments, EnsembleResult, ModelBoxes };

/** How WBF scores a fused box (ensemble_boxes' `conf_type`). */
export type WbfConfType = 'avg' | 'max' | 'box_and_model_avg' | 'absent_model_aware_avg';

export interface WbfOptions {
  /** One weight per model (default all 1). */
  weights?: ArrayLike<number>;
  /** A box joins a cluster when its IoU with the fused box is above this. Default 0.55. */
  iouThr?: number;
  /** Boxes scoring below this are ignored. Default 0. */
  skipBoxThr?: number;
  /** Default 'avg'. */
  confType?: WbfConfType;
  /** 'avg' only: let the score exceed 1 when a model contributes several boxes to a cluster. */
  allowsOverflow?: boolean;
}

/**
 * A WBF cluster: running sums of the members (in join order, as ensemble_boxes re-sums them) and
 * the fused box the next candidates are matched against.
 */
interface Cluster {
  members: number[];
  /** Σ score×weight, Σ score×weight×coordinate, Σ weight, max score×weight. */
  conf: number;
  sx1: number;
  sy1: number;
  sx2: number;
  sy2: number;
  weightSum: number;
  maxScore: number;
}

/**
 * Weighted boxes fusion. Each cluster's box is the average of its members' corners weighted by
 * score × model weight. Its score (n members, W = Σ model weights):
 * - avg: Σ(score×weight)/n × min(models, n)/W (× n/W with `allowsOverflow`);
 * - max: max(score×weight) / max(model weights);
 * - box_and_model_avg: Σ(score×weight)/Σ(member weights) × Σ(weights of the models present)/W;
 * - absent_model_aware_avg: Σ(score×weight) / (Σ member weights + Σ weights of absent models).
 * Results are sorted by decreasing score.
 */
export function weightedBoxesFusion(models: ModelBoxes[], options: WbfOptions = {}): EnsembleResult {
  const weights = modelWeights(models, options.weights);
  const iouThr = options.iouThr ?? 0.55;
  const confType = options.confType ?? 'avg';
  if (!['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg'].includes(confType)) {
    throw new RangeError(`unknown conf_type "${confType}" (avg, max, box_and_model_avg, absent_model_aware_avg)`);
  }
  const adjusted = emptyAdjustments();
  const groups = prefilterBoxes(models, weights, options.skipBoxThr ?? 0, adjusted);
  const collector = new FusedCollector();
  let weightTotal = 0;
  let weightMax = Number.NEGATIVE_INFINITY;
  for (const w of weights) {
    weightTotal += w;
    weightMax = Math.max(weightMax, w);
  }
  for (const g of groups) {
    const { clusters, fused } = clusterByFusedBox(g, iouThr);
    clusters.forEach((c, k) => {
      const n = c.members.length;
      const avg = c.conf / n;
      let score: number;
      if (confType === 'box_and_model_avg') {
        const present = modelsOf(g, c.members);
        let presentWeight = 0;
        for (const t of present) presentWeight += weights[t];
        score = (((avg * n) / c.weightSum) * presentWeight) / weightTotal;
      } else if (confType === 'absent_model_aware_avg') {
        const present = modelsOf(g, c.members);
        let absentWeight = 0;
        weights.forEach((w, t) => {
          if (!present.has(t)) absentWeight += w;
        });
        score = (avg * n) / (c.weightSum + absentWeight);
      } else if (confType === 'max') {
        score = c.maxScore / weightMax;
      } else if (!options.allowsOverflow) {
        score = (avg * Math.min(weights.length, n)) / weightTotal;
      } else {
        score = (avg * n) / weightTotal;
      }
      const b = k * 4;
      collector.add(g.label, score, fused[b], fused[b + 1], fused[b + 2], fused[b + 3]);
    });
  }
  return collector.result(adjusted);
}

function modelsOf(g: LabelGroup, members: number[]): Set<number> {
  return new Set(members.map((j) => g.models[j]));
}

/** Clusters one label's boxes; `fused` holds each cluster's current box (interleaved xyxy). */
function clusterByFusedBox(g: LabelGroup, iouThr: number): { clusters: Cluster[]; fused: Float64Array } {
  const clusters: Cluster[] = [];
  const fused = new Float64Array(g.length * 4);
  const boxes = g.boxes;
  for (let j = 0; j < g.length; j++) {
    let best = -1;
    let bestIou = iouThr;
    const b = j * 4;
    const x1 = boxes[b];
    const y1 = boxes[b + 1];
    const x2 = boxes[b + 2];
    const y2 = boxes[b + 3];
    const area = (x2 - x1) * (y2 - y1);
    for (let k = 0; k < clusters.length; k++) {
      const f = k * 4;
      const w = Math.max(0, Math.min(fused[f + 2], x2) - Math.max(fused[f], x1));
      const h = Math.max(0, Math.min(fused[f + 3], y2) - Math.max(fused[f + 1], y1));
      const inter = w * h;
      if (inter === 0 && iouThr >= 0) continue; // IoU 0 matches no cluster
      const iou = inter / ((fused[f + 2] - fused[f]) * (fused[f + 3] - fused[f + 1]) + area - inter);
      if (iou > bestIou) {
        best = k;
        bestIou = iou;
      }
    }
    const s = g.scores[j];
    if (best === -1) {
      // A new cluster's box is the member itself, unchanged.
      fused.set(boxes.subarray(b, b + 4), clusters.length * 4);
      clusters.push({
        members: [j],
        conf: s,
        sx1: s * boxes[b],
        sy1: s * boxes[b + 1],
        sx2: s * boxes[b + 2],
        sy2: s * boxes[b + 3],
        weightSum: g.weights[j],
        maxScore: s,
      });
      continue;
    }
    const c = clusters[best];
    c.members.push(j);
    c.conf += s;
    c.sx1 += s * boxes[b];
    c.sy1 += s * boxes[b + 1];
    c.sx2 += s * boxes[b + 2];
    c.sy2 += s * boxes[b + 3];
    c.weightSum += g.weights[j];
    if (s > c.maxScore) c.maxScore = s;
    const f = best * 4;
    fused[f] = c.sx1 / c.conf;
    fused[f + 1] = c.sy1 / c.conf;
    fused[f + 2] = c.sx2 / c.conf;
    fused[f + 3] = c.sy2 / c.conf;
  }
  return { clusters, fused };
}

export interface NmwOptions {
  weights?: ArrayLike<number>;
  /** A box joins the cluster of the best box it overlaps more than this. Default 0.55. */
  iouThr?: number;
  /** Boxes whose weighted score (score × weight / Σ weights) is below this are ignored. Default 0. */
  skipBoxThr?: number;
}

/**
 * Non-maximum weighted. Clusters form around their best box (NMS-like: a box joins the cluster
 * whose first box it overlaps most, above `iouThr`); the fused box averages the members' corners
 * weighted by score × IoU with the best box; its score is the best box's score.
 *
 * As in ensemble_boxes, scores are first scaled by weight/Σ weights and then multiplied by the
 * weight once more: a box of model t scores `score × w_t² / Σ w` (`score / models` with the
 * default weights), and `skipBoxThr` applies to `score × w_t / Σ w`.
 */
export function nonMaximumWeighted(models: ModelBoxes[], options: NmwOptions = {}): EnsembleResult {
  const weights = modelWeights(models, options.weights);
  const iouThr = options.iouThr ?? 0.55;
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  const scaled = models.map((m, t) => ({
    ...m,
    scores: Array.from(m.scores, (s) => (s * weights[t]) / weightTotal),
  }));
  const adjusted = emptyAdjustments();
  const groups = prefilterBoxes(scaled, weights, options.skipBoxThr ?? 0, adjusted);
  const collector = new FusedCollector();
  for (const g of groups) {
    const boxes = g.boxes;
    const heads: number[] = [];
    const members: number[][] = [];
    for (let j = 0; j < g.length; j++) {
      let best = -1;
      let bestIou = iouThr;
      for (let k = 0; k < heads.length; k++) {
        const iou = iouBetween(boxes, heads[k], boxes, j);
        if (iou > bestIou) {
          best = k;
          bestIou = iou;
        }
      }
      if (best === -1) {
        heads.push(j);
        members.push([j]);
      } else {
        members[best].push(j);
      }
    }
    heads.forEach((head, k) => {
      let conf = 0;
      let x1 = 0;
      let y1 = 0;
      let x2 = 0;
      let y2 = 0;
      for (const j of members[k]) {
        const w = g.scores[j] * iouBetween(boxes, j, boxes, head);
        const b = j * 4;
        x1 += w * boxes[b];
        y1 += w * boxes[b + 1];
        x2 += w * boxes[b + 2];
        y2 += w * boxes[b + 3];
        conf += w;
      }
      collector.add(g.label, g.scores[head], x1 / conf, y1 / conf, x2 / conf, y2 / conf);
    });
  }
  return collector.result(adjusted);
}
