/**
 * Inputs and outputs of the model-ensembling functions (ensemble.ts, ensemble-nms.ts), which follow
 * the Python `ensemble_boxes` package (ZFTurbo): one entry per model, boxes normalised to 0..1.
 */

export interface ModelBoxes {
  /** Normalised xyxy (0..1), interleaved: 4 numbers a box. */
  boxes: ArrayLike<number>;
  scores: ArrayLike<number>;
  /** Class labels (integers; truncated like Python's `int(label)`). */
  labels: ArrayLike<number>;
}

/** How many input boxes had to be repaired, as ensemble_boxes warns about them. */
export interface BoxAdjustments {
  /** Boxes with x2 < x1 or y2 < y1 (one count per swapped axis). */
  swapped: number;
  /** Coordinates outside 0..1, clamped. */
  clamped: number;
  /** Boxes of zero area after repair, skipped. */
  zeroAreaSkipped: number;
}

export interface EnsembleResult {
  length: number;
  /** Normalised xyxy, interleaved. */
  boxes: Float64Array;
  scores: Float64Array;
  labels: Int32Array;
  adjusted: BoxAdjustments;
}

export function emptyAdjustments(): BoxAdjustments {
  return { swapped: 0, clamped: 0, zeroAreaSkipped: 0 };
}

/** Model weights as given, or all 1; a wrong count is an error (ensemble_boxes only warns). */
export function modelWeights(models: ModelBoxes[], weights: ArrayLike<number> | undefined): Float64Array {
  if (weights === undefined) return new Float64Array(models.length).fill(1);
  if (weights.length !== models.length) {
    throw new RangeError(`${weights.length} weights given for ${models.length} models`);
  }
  return Float64Array.from(weights);
}

export function checkModel(model: ModelBoxes, t: number): number {
  const n = model.scores.length;
  if (model.boxes.length !== n * 4) throw new RangeError(`model ${t}: ${model.boxes.length / 4} boxes but ${n} scores`);
  if (model.labels.length !== n) throw new RangeError(`model ${t}: ${model.labels.length} labels but ${n} scores`);
  return n;
}

function clamp01(v: number, adjusted: BoxAdjustments): number {
  if (v < 0) {
    adjusted.clamped++;
    return 0;
  }
  if (v > 1) {
    adjusted.clamped++;
    return 1;
  }
  return v;
}

/**
 * One box repaired as ensemble_boxes' prefilter does: swap reversed corners, then clamp each
 * coordinate to 0..1. Writes into `out` and returns false for a zero-area box (to be skipped).
 */
export function repairBox(boxes: ArrayLike<number>, j: number, adjusted: BoxAdjustments, out: Float64Array): boolean {
  let x1 = +boxes[j * 4];
  let y1 = +boxes[j * 4 + 1];
  let x2 = +boxes[j * 4 + 2];
  let y2 = +boxes[j * 4 + 3];
  if (x2 < x1) {
    adjusted.swapped++;
    [x1, x2] = [x2, x1];
  }
  if (y2 < y1) {
    adjusted.swapped++;
    [y1, y2] = [y2, y1];
  }
  out[0] = x1 = clamp01(x1, adjusted);
  out[1] = y1 = clamp01(y1, adjusted);
  out[2] = x2 = clamp01(x2, adjusted);
  out[3] = y2 = clamp01(y2, adjusted);
  if ((x2 - x1) * (y2 - y1) === 0) {
    adjusted.zeroAreaSkipped++;
    return false;
  }
  return true;
}

/** The boxes of one label that passed the prefilter, columnar, by decreasing weighted score. */
export interface LabelGroup {
  label: number;
  length: number;
  /** Score × model weight. */
  scores: Float64Array;
  weights: Float64Array;
  models: Int32Array;
  boxes: Float64Array;
}

/**
 * ensemble_boxes' `prefilter_boxes`: drop boxes scoring below `skipBoxThr` (the raw score), repair
 * the rest, drop zero-area boxes, group them by label (labels in order of first appearance) and sort each group by
 * decreasing score × weight. Equal scores: the later box (model, then position) first, as
 * numpy's `argsort()[::-1]` leaves them.
 */
export function prefilterBoxes(
  models: ModelBoxes[],
  weights: Float64Array,
  skipBoxThr: number,
  adjusted: BoxAdjustments,
): LabelGroup[] {
  type Entry = { score: number; weight: number; model: number; x1: number; y1: number; x2: number; y2: number };
  const byLabel = new Map<number, Entry[]>();
  const box = new Float64Array(4);
  models.forEach((model, t) => {
    const n = checkModel(model, t);
    for (let j = 0; j < n; j++) {
      const score = model.scores[j];
      if (!(score >= skipBoxThr)) continue; // NaN scores are dropped too
      if (!repairBox(model.boxes, j, adjusted, box)) continue;
      const label = Math.trunc(model.labels[j]);
      let list = byLabel.get(label);
      if (!list) byLabel.set(label, (list = []));
      const [x1, y1, x2, y2] = box;
      list.push({ score: score * weights[t], weight: weights[t], model: t, x1, y1, x2, y2 });
    }
  });
  const groups: LabelGroup[] = [];
  for (const [label, list] of byLabel) {
    const order = list.map((_, k) => k).sort((a, b) => list[b].score - list[a].score || b - a);
    const g: LabelGroup = {
      label,
      length: list.length,
      scores: new Float64Array(list.length),
      weights: new Float64Array(list.length),
      models: new Int32Array(list.length),
      boxes: new Float64Array(list.length * 4),
    };
    order.forEach((k, at) => {
      g.scores[at] = list[k].score;
      g.weights[at] = list[k].weight;
      g.models[at] = list[k].model;
      const e = list[k];
      g.boxes[at * 4] = e.x1;
      g.boxes[at * 4 + 1] = e.y1;
      g.boxes[at * 4 + 2] = e.x2;
      g.boxes[at * 4 + 3] = e.y2;
    });
    groups.push(g);
  }
  return groups;
}

/** Collects fused boxes of all labels, then sorts them by decreasing score (ties: later first). */
export class FusedCollector {
  private readonly boxes: number[] = [];
  private readonly scores: number[] = [];
  private readonly labels: number[] = [];

  add(label: number, score: number, x1: number, y1: number, x2: number, y2: number): void {
    this.labels.push(label);
    this.scores.push(score);
    this.boxes.push(x1, y1, x2, y2);
  }

  result(adjusted: BoxAdjustments): EnsembleResult {
    const n = this.scores.length;
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => this.scores[b] - this.scores[a] || b - a);
    const out: EnsembleResult = {
      length: n,
      boxes: new Float64Array(n * 4),
      scores: new Float64Array(n),
      labels: new Int32Array(n),
      adjusted,
    };
    order.forEach((k, at) => {
      out.scores[at] = this.scores[k];
      out.labels[at] = this.labels[k];
      for (let c = 0; c < 4; c++) out.boxes[at * 4 + c] = this.boxes[k * 4 + c];
    });
    return out;
  }
}

/** IoU of box `i` of `a` and box `j` of `b` (interleaved xyxy), ensemble_boxes' formula. */
export function iouBetween(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  const p = i * 4;
  const q = j * 4;
  const w = Math.min(a[p + 2], b[q + 2]) - Math.max(a[p], b[q]);
  const h = Math.min(a[p + 3], b[q + 3]) - Math.max(a[p + 1], b[q + 1]);
  if (!(w > 0) || !(h > 0)) return 0;
  const inter = w * h;
  return inter / ((a[p + 2] - a[p]) * (a[p + 3] - a[p + 1]) + (b[q + 2] - b[q]) * (b[q + 3] - b[q + 1]) - inter);
}
