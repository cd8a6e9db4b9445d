/**
 * TIDE error breakdown (Bolya et al., ECCV 2020; the tidecv package): every false positive and
 * false negative at IoU t_f = 0.5 gets one error type, and each type's dAP is the AP gained by
 * fixing only that type (AP after the oracle fix − base AP, floored at 0).
 *
 * Per image (predictions sorted by score, the top `maxDets` of all classes), predictions match
 * greedily the same-class GT of highest IoU ≥ t_f. An unmatched prediction in an image without
 * GT is Background; otherwise, in this order:
 * - Loc (localisation): its best same-class IoU is in [t_b, t_f];
 * - Cls (classification): IoU ≥ t_f with a GT of another class;
 * - Dupe (duplicate): IoU ≥ t_f with a same-class GT already matched;
 * - Bkg (background): IoU ≤ t_b with every GT;
 * - Both: anything else (wrong class and poorly localised).
 * A GT left unmatched and not the target of a Cls/Loc error is Missed.
 * Oracle fixes: Cls / Loc turn the highest-scored prediction aimed at a still unmatched GT into a
 * TP (in the GT's class for Cls) and drop the others; Dupe, Bkg and Both drop the prediction;
 * Missed removes the GT from the positives. AP is TIDE's 101-point COCO-style AP at t_f.
 * Crowd and difficult GTs are ignore regions: an unmatched prediction of their class overlapping
 * one by more than t_f (intersection over prediction area for crowd) is left out.
 */
import type { CategoryId, Dataset } from '../../core/dataset.js';
import { boxIoa, boxIou, byScoreDescending, predictionScores, rowsByImageId } from '../box-overlap.js';
import { TideApData, type TidePoint } from './tide-ap.js';

export type TideErrorType = 'cls' | 'loc' | 'both' | 'dupe' | 'bkg' | 'miss';

export const TIDE_ERROR_NAMES: Record<TideErrorType, string> = {
  cls: 'Classification',
  loc: 'Localization',
  both: 'Both (cls + loc)',
  dupe: 'Duplicate',
  bkg: 'Background',
  miss: 'Missed',
};

export interface TideResult {
  posThreshold: number;
  bgThreshold: number;
  /** Base mAP at t_f (TIDE's 101-point AP), as a fraction. */
  ap: number;
  /** The six main error types in TIDE's order, with counts and dAP (fractions of AP). */
  main: { type: TideErrorType; name: string; count: number; dAP: number }[];
  /** AP gained with every FP scored below every TP / with every FN found. */
  special: { falsePositive: number; falseNegative: number };
}

export interface TideOptions {
  posThreshold?: number;
  bgThreshold?: number;
  maxDets?: number;
}

interface Pred {
  id: number;
  cls: CategoryId;
  score: number;
  /** null: left out (inside an ignore region). */
  used: boolean | null;
}

interface Truth {
  cls: CategoryId;
  used: boolean;
  usable: boolean;
  bestScore: number;
  bestId: number;
}

interface TideError {
  type: TideErrorType;
  pred?: Pred;
  /** Cls / Loc: the GT the fix turns the prediction into a TP of (absent when it was used). */
  target?: Truth;
  /** Missed: the GT. */
  gt?: Truth;
}

const ORDER: TideErrorType[] = ['cls', 'loc', 'both', 'dupe', 'bkg', 'miss'];

export function tideErrors(gt: Dataset, pred: Dataset, options: TideOptions = {}): TideResult {
  const pos = options.posThreshold ?? 0.5;
  const bgT = options.bgThreshold ?? 0.1;
  const maxDets = options.maxDets ?? 100;
  const g = gt.annotations;
  const p = pred.annotations;
  const scores = predictionScores(p.scores, p.length);
  const gtByImage = rowsByImageId(g.imageIds, g.length);
  const predByImage = rowsByImageId(p.imageIds, p.length);
  const ignored = (row: number) => g.isCrowd(row) || g.flag(row, 'difficult');
  const imageIds = new Set<number>([...gt.images.map((im) => im.id), ...gtByImage.keys()]);

  const base = new TideApData();
  const errors: TideError[] = [];
  const falseNegatives = new Map<CategoryId, number>();

  for (const imageId of imageIds) {
    const gtRows = gtByImage.get(imageId) ?? [];
    const truthRows = gtRows.filter((r) => !ignored(r));
    const regions = gtRows.filter(ignored);
    const truths: Truth[] = truthRows.map((r) => ({
      cls: g.categoryIds[r],
      used: false,
      usable: false,
      bestScore: -1,
      bestId: -1,
    }));
    for (const t of truths) base.addGtPositives(t.cls, 1);
    const predRows = byScoreDescending(predByImage.get(imageId) ?? [], scores).slice(0, maxDets);
    if (predRows.length === 0) {
      for (const t of truths) {
        falseNegatives.set(t.cls, (falseNegatives.get(t.cls) ?? 0) + 1);
        errors.push({ type: 'miss', gt: t });
      }
      continue;
    }
    const preds: Pred[] = predRows.map((r) => ({ id: r, cls: p.categoryIds[r], score: scores[r], used: false }));
    const iou = predRows.map((d) => truthRows.map((t) => boxIou(p.boxes, d, g.boxes, t)));
    const sameClass = (i: number, j: number) => preds[i].cls === truths[j].cls;

    // Greedy matching in score order against same-class GT; a matched GT leaves the pool.
    const taken = new Uint8Array(truths.length);
    preds.forEach((pr, i) => {
      let best = 0;
      let m = -1;
      truths.forEach((_, j) => {
        const v = sameClass(i, j) && !taken[j] ? iou[i][j] : 0;
        if (m < 0 || v > best) {
          best = v;
          m = j;
        }
      });
      if (m >= 0 && best >= pos) {
        pr.used = true;
        truths[m].used = true;
        taken[m] = 1;
      }
    });
    for (const region of regions) {
      preds.forEach((pr, i) => {
        if (pr.used || pr.cls !== g.categoryIds[region]) return;
        const d = predRows[i];
        const ov = g.isCrowd(region) ? boxIoa(p.boxes, d, g.boxes, region) : boxIou(p.boxes, d, g.boxes, region);
        if (ov > pos) pr.used = null;
      });
    }

    preds.forEach((pr, i) => {
      if (pr.used !== null) base.push(pr.cls, pr.score, pr.used);
      if (pr.used !== false) return;
      if (truths.length === 0) {
        errors.push({ type: 'bkg', pred: pr });
        return;
      }
      const argmax = (value: (j: number) => number) => {
        let m = 0;
        for (let j = 1; j < truths.length; j++) if (value(j) > value(m)) m = j;
        return { j: m, v: value(m) };
      };
      const loc = argmax((j) => (sameClass(i, j) ? iou[i][j] : 0));
      if (bgT <= loc.v && loc.v <= pos) {
        errors.push(aimedAt('loc', pr, truths[loc.j]));
        return;
      }
      const cls = argmax((j) => (sameClass(i, j) ? 0 : iou[i][j]));
      if (cls.v >= pos) {
        errors.push(aimedAt('cls', pr, truths[cls.j]));
        return;
      }
      const dupe = argmax((j) => (sameClass(i, j) && truths[j].used ? iou[i][j] : 0));
      if (dupe.v >= pos) {
        errors.push({ type: 'dupe', pred: pr });
        return;
      }
      if (argmax((j) => iou[i][j]).v <= bgT) {
        errors.push({ type: 'bkg', pred: pr });
        return;
      }
      errors.push({ type: 'both', pred: pr });
    });
    for (const t of truths) {
      if (t.used) continue;
      falseNegatives.set(t.cls, (falseNegatives.get(t.cls) ?? 0) + 1);
      if (!t.usable) errors.push({ type: 'miss', gt: t });
    }
  }

  const baseAp = base.map();
  const points = fixedDataOrder(base, errors);
  const main = ORDER.map((type) => ({
    type,
    name: TIDE_ERROR_NAMES[type],
    count: errors.filter((e) => e.type === type).length,
    dAP: Math.max(fixErrors(base, errors, points, (e) => e.type === type).map(true) - baseAp, 0),
  }));
  const special = {
    falsePositive:
      fixErrors(
        base,
        errors,
        points,
        () => false,
        (pt) => ({ score: pt.correct ? 1 : 0, correct: pt.correct }),
      ).map() - baseAp,
    falseNegative: fixErrors(base, errors, points, () => false, undefined, falseNegatives).map(true) - baseAp,
  };
  return { posThreshold: pos, bgThreshold: bgT, ap: baseAp, main, special };
}

/** A Cls / Loc error; the GT remembers its highest-scored candidate (TIDE's BestGTMatch). */
function aimedAt(type: 'cls' | 'loc', pred: Pred, gt: Truth): TideError {
  if (gt.used) return { type, pred };
  gt.usable = true;
  if (gt.bestScore < pred.score) {
    gt.bestScore = pred.score;
    gt.bestId = pred.id;
  }
  return { type, pred, target: gt };
}

/** The rebuilt AP data's points in order: `error[i]` indexes `errors`, or is −1 for a base TP. */
interface FixedPoints {
  score: Float64Array;
  cls: Float64Array;
  error: Int32Array;
}

/**
 * TIDE rebuilds its AP data as: the errors' points in error order, then the base TPs, then sorts
 * each class by score (stable). That order does not depend on which errors are fixed, so it is
 * computed once here and every rebuild comes out already sorted.
 */
function fixedDataOrder(base: TideApData, errors: TideError[]): FixedPoints {
  const score: number[] = [];
  const cls: number[] = [];
  const error: number[] = [];
  errors.forEach((e, i) => {
    if (!e.pred) return;
    score.push(e.pred.score);
    cls.push(e.pred.cls);
    error.push(i);
  });
  for (const c of base.gtPositives().keys()) {
    for (const s of base.truePositiveScores(c)) {
      score.push(s);
      cls.push(c);
      error.push(-1);
    }
  }
  const order = Uint32Array.from(score, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  return {
    score: Float64Array.from(order, (i) => score[i]),
    cls: Float64Array.from(order, (i) => cls[i]),
    error: Int32Array.from(order, (i) => error[i]),
  };
}

/** TIDERun.fix_errors: rebuild the AP data with the errors that `fix` selects corrected. */
function fixErrors(
  base: TideApData,
  errors: TideError[],
  points: FixedPoints,
  fix: (e: TideError) => boolean,
  transform?: (pt: TidePoint) => TidePoint,
  removeFalseNegatives?: Map<CategoryId, number>,
): TideApData {
  const gtPositives = base.gtPositives();
  const fixed = errors.map(fix);
  errors.forEach((e, i) => {
    if (e.type === 'miss' && e.gt && fixed[i]) gtPositives.set(e.gt.cls, (gtPositives.get(e.gt.cls) ?? 0) - 1);
  });
  const out = new TideApData();
  const push = (c: CategoryId, score: number, correct: boolean) => {
    if (!transform) out.push(c, score, correct);
    else {
      const t = transform({ score, correct });
      out.push(c, t.score, t.correct);
    }
  };
  for (let k = 0; k < points.score.length; k++) {
    const i = points.error[k];
    if (i < 0) {
      push(points.cls[k], points.score[k], true);
      continue;
    }
    const e = errors[i];
    const pr = e.pred as Pred;
    if (!fixed[i]) push(pr.cls, pr.score, false);
    else if (e.target && e.target.bestId === pr.id) push(e.type === 'cls' ? e.target.cls : pr.cls, pr.score, true);
  }
  for (const [c, n] of gtPositives) out.addGtPositives(c, n - (removeFalseNegatives?.get(c) ?? 0));
  return out;
}
