/**
 * ensemble_boxes' `nms` and `soft_nms` wrappers: pool the boxes of all models and run (Soft-)NMS per
 * label. With `weights`, each model's scores are first scaled by weight / Σ weights. Boxes are
 * clamped to 0..1, their corners ordered, and zero-area boxes removed. Results come label by label
 * (labels ascending), each label's boxes by decreasing score — not sorted overall, as in
 * ensemble_boxes.
 */
import {
  checkModel,
  type EnsembleResult,
  emptyAdjustments,
  type ModelBoxes,
  modelWeights,
  repairBox,
} from './ensemble-input.js';
import { batchedNms } from './nms.js';
import { type SoftNmsMethod, softNms } from './soft-nms.js';

export interface EnsembleNmsOptions {
  weights?: ArrayLike<number>;
  /** Default 0.5. */
  iouThr?: number;
}

export interface EnsembleSoftNmsOptions extends EnsembleNmsOptions {
  /** Default 'gaussian'. */
  method?: SoftNmsMethod;
  /** Gaussian decay exp(-iou²/sigma). Default 0.5. */
  sigma?: number;
  /** Boxes whose decayed score is not above this are dropped. Default 0.001. */
  thresh?: number;
  /**
   * Which score to report: ensemble_boxes returns the original scores (the decay only decides what
   * is dropped, 'original', the default); 'decayed' reports Soft-NMS's rescored confidences.
   */
  scores?: 'original' | 'decayed';
}

interface Pooled {
  length: number;
  boxes: Float64Array;
  scores: Float64Array;
  labels: Int32Array;
}

/** All models' boxes in one set, scaled by weight when weights are given, repaired. */
function pool(models: ModelBoxes[], weightsGiven: ArrayLike<number> | undefined, adjusted = emptyAdjustments()) {
  const weights = modelWeights(models, weightsGiven);
  const total = weights.reduce((a, b) => a + b, 0);
  const capacity = models.reduce((sum, m, t) => sum + checkModel(m, t), 0);
  const pooled: Pooled = {
    length: 0,
    boxes: new Float64Array(capacity * 4),
    scores: new Float64Array(capacity),
    labels: new Int32Array(capacity),
  };
  const box = new Float64Array(4);
  models.forEach((m, t) => {
    for (let j = 0; j < m.scores.length; j++) {
      // ensemble_boxes clamps first, then orders corners; ordering first gives the same box.
      if (!repairBox(m.boxes, j, adjusted, box)) continue;
      const k = pooled.length++;
      pooled.boxes.set(box, k * 4);
      pooled.scores[k] = weightsGiven ? (m.scores[j] * weights[t]) / total : m.scores[j];
      pooled.labels[k] = Math.trunc(m.labels[j]);
    }
  });
  return { pooled, adjusted };
}

function labelsAscending(pooled: Pooled): Int32Array[] {
  const byLabel = new Map<number, number[]>();
  for (let k = 0; k < pooled.length; k++) {
    const list = byLabel.get(pooled.labels[k]);
    if (list) list.push(k);
    else byLabel.set(pooled.labels[k], [k]);
  }
  return [...byLabel.keys()].sort((a, b) => a - b).map((label) => Int32Array.from(byLabel.get(label)!));
}

function gather(pooled: Pooled, rows: number[], scores: number[], adjusted = emptyAdjustments()): EnsembleResult {
  const n = rows.length;
  const out: EnsembleResult = {
    length: n,
    boxes: new Float64Array(n * 4),
    scores: Float64Array.from(scores),
    labels: new Int32Array(n),
    adjusted,
  };
  rows.forEach((k, at) => {
    out.boxes.set(pooled.boxes.subarray(k * 4, k * 4 + 4), at * 4);
    out.labels[at] = pooled.labels[k];
  });
  return out;
}

function subset(pooled: Pooled, rows: Int32Array): { boxes: Float64Array; scores: Float64Array } {
  const boxes = new Float64Array(rows.length * 4);
  const scores = new Float64Array(rows.length);
  rows.forEach((k, at) => {
    boxes.set(pooled.boxes.subarray(k * 4, k * 4 + 4), at * 4);
    scores[at] = pooled.scores[k];
  });
  return { boxes, scores };
}

/** ensemble_boxes.nms: plain NMS per label over the pooled boxes (suppress when IoU > iouThr). */
export function ensembleNms(models: ModelBoxes[], options: EnsembleNmsOptions = {}): EnsembleResult {
  const { pooled, adjusted } = pool(models, options.weights);
  const rows: number[] = [];
  for (const group of labelsAscending(pooled)) {
    const { boxes, scores } = subset(pooled, group);
    for (const k of batchedNms(boxes, scores, null, options.iouThr ?? 0.5)) rows.push(group[k]);
  }
  return gather(
    pooled,
    rows,
    rows.map((k) => pooled.scores[k]),
    adjusted,
  );
}

/** ensemble_boxes.soft_nms: Soft-NMS per label over the pooled boxes. */
export function ensembleSoftNms(models: ModelBoxes[], options: EnsembleSoftNmsOptions = {}): EnsembleResult {
  const { pooled, adjusted } = pool(models, options.weights);
  const thresh = options.thresh ?? 0.001;
  const rows: number[] = [];
  const scores: number[] = [];
  for (const group of labelsAscending(pooled)) {
    const subsetOfGroup = subset(pooled, group);
    const kept = softNms(subsetOfGroup.boxes, subsetOfGroup.scores, {
      method: options.method ?? 'gaussian',
      iouThreshold: options.iouThr ?? 0.5,
      sigma: options.sigma ?? 0.5,
      scoreThreshold: thresh,
    });
    kept.indices.forEach((k, at) => {
      if (!(kept.scores[at] > thresh)) return; // ensemble_boxes keeps scores strictly above
      rows.push(group[k]);
      scores.push(options.scores === 'decayed' ? kept.scores[at] : subsetOfGroup.scores[k]);
    });
  }
  return gather(pooled, rows, scores, adjusted);
}
