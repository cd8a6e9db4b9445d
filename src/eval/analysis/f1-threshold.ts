/**
 * The score threshold a deployment should use: sweep every distinct detection score (keeping
 * detections with score ≥ threshold), and take the point with the highest F1 at the matching IoU
 * (0.5 by default). Ties go to the higher threshold (fewer detections for the same F1).
 * Per class: F1 = 2·TP / (2·TP + FP + FN). Overall: one threshold shared by all classes,
 * maximising the macro F1 (mean over classes with GT, as Ultralytics' F1-confidence curve does,
 * without its smoothing); its precision / recall are macro means too, TP / FP / FN are sums.
 */
import type { CategoryId } from '../../core/dataset.js';
import type { ClassMatches } from './matching.js';

export interface F1Point {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface ClassF1 {
  categoryId: CategoryId;
  name: string;
  gtCount: number;
  /** null when the class has no GT or no detection. */
  best: F1Point | null;
  /** F1 against threshold, descending thresholds, at most `curvePoints` points. */
  curve: F1Point[];
}

export interface F1Optimal {
  iouThreshold: number;
  perClass: ClassF1[];
  overall: { best: F1Point | null; curve: F1Point[] };
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : 0);

function point(threshold: number, tp: number, fp: number, gtCount: number): F1Point {
  return {
    threshold,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, gtCount),
    f1: ratio(2 * tp, tp + fp + gtCount),
    tp,
    fp,
    fn: gtCount - tp,
  };
}

export function f1Optimal(matches: ClassMatches[], iouThreshold = 0.5, curvePoints = 200): F1Optimal {
  const perClass = matches.map((m): ClassF1 => {
    const curve: F1Point[] = [];
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < m.scores.length; i++) {
      if (m.truePositive[i]) tp++;
      else fp++;
      if (i + 1 < m.scores.length && m.scores[i + 1] === m.scores[i]) continue;
      curve.push(point(m.scores[i], tp, fp, m.gtCount));
    }
    const best = m.gtCount > 0 ? argmaxF1(curve) : null;
    return { categoryId: m.categoryId, name: m.name, gtCount: m.gtCount, best, curve: thin(curve, curvePoints, best) };
  });

  // One shared threshold: walk all detections in descending score, updating the class each touches.
  const withGt = matches.filter((m) => m.gtCount > 0);
  const total = matches.reduce((s, m) => s + m.scores.length, 0);
  const allScores = new Float64Array(total);
  const allClass = new Uint32Array(total);
  const allHit = new Uint8Array(total);
  let at = 0;
  matches.forEach((m, cls) => {
    allScores.set(m.scores, at);
    allClass.fill(cls, at, at + m.scores.length);
    allHit.set(m.truePositive, at);
    at += m.scores.length;
  });
  const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => allScores[b] - allScores[a] || a - b);
  const tp = new Float64Array(matches.length);
  const fp = new Float64Array(matches.length);
  let sumP = 0;
  let sumR = 0;
  let sumF = 0;
  let totalTp = 0;
  let totalFp = 0;
  const totalGt = withGt.reduce((s, m) => s + m.gtCount, 0);
  const curve: F1Point[] = [];
  for (let i = 0; i < total; i++) {
    const d = order[i];
    const cls = allClass[d];
    const n = matches[cls].gtCount;
    if (n > 0) {
      sumP -= ratio(tp[cls], tp[cls] + fp[cls]);
      sumR -= tp[cls] / n;
      sumF -= (2 * tp[cls]) / (tp[cls] + fp[cls] + n);
    }
    if (allHit[d]) {
      tp[cls]++;
      totalTp++;
    } else {
      fp[cls]++;
      totalFp++;
    }
    if (n > 0) {
      sumP += ratio(tp[cls], tp[cls] + fp[cls]);
      sumR += tp[cls] / n;
      sumF += (2 * tp[cls]) / (tp[cls] + fp[cls] + n);
    }
    if (i + 1 < total && allScores[order[i + 1]] === allScores[d]) continue;
    const k = withGt.length;
    curve.push({
      threshold: allScores[d],
      precision: ratio(sumP, k),
      recall: ratio(sumR, k),
      f1: ratio(sumF, k),
      tp: totalTp,
      fp: totalFp,
      fn: totalGt - totalTp,
    });
  }
  const best = withGt.length > 0 ? argmaxF1(curve) : null;
  return { iouThreshold, perClass, overall: { best, curve: thin(curve, curvePoints, best) } };
}

/** The first (highest-threshold) point of maximal F1; null for an empty curve. */
function argmaxF1(curve: F1Point[]): F1Point | null {
  let best: F1Point | null = null;
  for (const p of curve) if (!best || p.f1 > best.f1 + 1e-12) best = p; // the tolerance absorbs running-sum drift
  return best;
}

/** At most `n` evenly spaced points of a curve, always keeping the ends and the best point. */
function thin(curve: F1Point[], n: number, keep: F1Point | null): F1Point[] {
  if (curve.length <= n) return curve;
  const out: F1Point[] = [];
  const step = (curve.length - 1) / (n - 1);
  for (let i = 0; i < n; i++) out.push(curve[Math.round(i * step)]);
  if (keep && !out.includes(keep)) {
    out.push(keep);
    out.sort((a, b) => b.threshold - a.threshold);
  }
  return out;
}
