/**
 * Image classification metrics with scikit-learn's semantics:
 * - top-k accuracy: the true label is among the k best-scored predictions;
 * - per-class precision / recall / F1 / support over the labels present in the truth or the
 *   top-1 predictions (sklearn's default `labels`), sorted by id;
 * - micro (global TP/FP/FN), macro (unweighted mean of the per-class values) and weighted (mean
 *   weighted by support) averages;
 * - confusion matrix `matrix[true][predicted]` (sklearn's orientation);
 * - zero division (a class never predicted, or never true) gives 0, and a note says so
 *   (sklearn's `zero_division="warn"` behaviour without the warning).
 * An image with no prediction counts as wrong for top-k and as a false negative of its class;
 * it has no confusion matrix column.
 */
import type { Category, CategoryId, Dataset } from '../core/dataset.js';
import { byScoreDescending, predictionScores, rowsByImageId } from './box-overlap.js';

export interface ClassificationSample {
  truth: CategoryId;
  /** Predicted labels, best first (may be empty: no prediction). */
  ranked: CategoryId[];
}

export interface ClassScores {
  categoryId: CategoryId;
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Images whose true label is this class. */
  support: number;
  /** Images whose top-1 prediction is this class. */
  predicted: number;
}

export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationResult {
  images: number;
  /** Images with no prediction at all. */
  unpredicted: number;
  topK: { k: number; accuracy: number }[];
  perClass: ClassScores[];
  averages: { micro: AveragedScores; macro: AveragedScores; weighted: AveragedScores };
  /** Rows: true label, columns: predicted label, both in `labels` order. */
  confusion: { labels: CategoryId[]; names: string[]; matrix: number[][] };
  notes: string[];
}

/** Samples from per-image score vectors (`scores[i][j]` is the score of `categoryIds[j]`). */
export function samplesFromScores(
  truth: CategoryId[],
  scores: ArrayLike<number>[],
  categoryIds: CategoryId[],
): ClassificationSample[] {
  return truth.map((t, i) => {
    const order = categoryIds.map((_, j) => j);
    return { truth: t, ranked: byScoreDescending(order, scores[i]).map((j) => categoryIds[j]) };
  });
}

/**
 * Samples from detkit datasets: the truth is each ground-truth image's first `labels` entry;
 * predictions are the prediction dataset's annotations of that image ranked by score, or, when
 * it has none, its image's `labels` in their given order.
 */
export function samplesFromDatasets(
  gt: Dataset,
  pred: Dataset,
): { samples: ClassificationSample[]; unlabeled: number; multiLabel: number } {
  const p = pred.annotations;
  const scores = predictionScores(p.scores, p.length);
  const rowsByImage = rowsByImageId(p.imageIds, p.length);
  const predImages = pred.imageById();
  const samples: ClassificationSample[] = [];
  let unlabeled = 0;
  let multiLabel = 0;
  for (const image of gt.images) {
    const labels = image.labels ?? [];
    if (labels.length === 0) {
      unlabeled++;
      continue;
    }
    if (labels.length > 1) multiLabel++;
    const rows = rowsByImage.get(image.id);
    const ranked = rows
      ? byScoreDescending(rows, scores).map((row) => p.categoryIds[row])
      : (predImages.get(image.id)?.labels ?? []);
    samples.push({ truth: labels[0], ranked: [...new Set(ranked)] });
  }
  return { samples, unlabeled, multiLabel };
}

export function evaluateClassification(
  samples: ClassificationSample[],
  options: { categories?: Category[]; topK?: number[] } = {},
): ClassificationResult {
  const names = new Map((options.categories ?? []).map((c) => [c.id, c.name]));
  const nameOf = (id: CategoryId) => names.get(id) ?? String(id);
  const notes: string[] = [];
  const n = samples.length;

  const topK = (options.topK ?? [1, 5]).map((k) => {
    let hits = 0;
    for (const s of samples) if (s.ranked.slice(0, k).includes(s.truth)) hits++;
    return { k, accuracy: n > 0 ? hits / n : 0 };
  });

  const present = new Set<CategoryId>();
  for (const s of samples) {
    present.add(s.truth);
    if (s.ranked.length > 0) present.add(s.ranked[0]);
  }
  const labels = [...present].sort((a, b) => a - b);
  const index = new Map(labels.map((id, i) => [id, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  let unpredicted = 0;
  for (const s of samples) {
    if (s.ranked.length === 0) unpredicted++;
    else matrix[index.get(s.truth) as number][index.get(s.ranked[0]) as number]++;
  }

  const neverPredicted: string[] = [];
  const neverTrue: string[] = [];
  const counts = labels.map((id, i) => {
    const tp = matrix[i][i];
    const support = samples.filter((s) => s.truth === id).length;
    const predicted = matrix.reduce((sum, row) => sum + row[i], 0);
    return { id, tp, fp: predicted - tp, fn: support - tp, support, predicted };
  });
  const perClass: ClassScores[] = counts.map((c) => {
    if (c.predicted === 0) neverPredicted.push(nameOf(c.id));
    if (c.support === 0) neverTrue.push(nameOf(c.id));
    return {
      categoryId: c.id,
      name: nameOf(c.id),
      precision: ratio(c.tp, c.tp + c.fp),
      recall: ratio(c.tp, c.tp + c.fn),
      f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
      support: c.support,
      predicted: c.predicted,
    };
  });
  if (neverPredicted.length > 0) {
    notes.push(`precision set to 0 for classes never predicted: ${neverPredicted.join(', ')}`);
  }
  if (neverTrue.length > 0) notes.push(`recall set to 0 for classes with no true image: ${neverTrue.join(', ')}`);
  if (unpredicted > 0) notes.push(`${unpredicted} image(s) have no prediction: counted as misses`);

  const sum = (f: (c: (typeof counts)[number]) => number) => counts.reduce((s, c) => s + f(c), 0);
  const tp = sum((c) => c.tp);
  const fp = sum((c) => c.fp);
  const fn = sum((c) => c.fn);
  const support = sum((c) => c.support);
  const mean = (f: (c: ClassScores) => number) =>
    perClass.length > 0 ? perClass.reduce((s, c) => s + f(c), 0) / perClass.length : 0;
  const weighted = (f: (c: ClassScores) => number) =>
    support > 0 ? perClass.reduce((s, c) => s + f(c) * c.support, 0) / support : 0;
  return {
    images: n,
    unpredicted,
    topK,
    perClass,
    averages: {
      micro: {
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fn),
        f1: ratio(2 * tp, 2 * tp + fp + fn),
        support,
      },
      macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1), support },
      weighted: {
        precision: weighted((c) => c.precision),
        recall: weighted((c) => c.recall),
        f1: weighted((c) => c.f1),
        support,
      },
    },
    confusion: { labels, names: labels.map(nameOf), matrix },
    notes,
  };
}

/** sklearn's `_prf_divide` with zero_division=0. */
function ratio(num: number, den: number): number {
  return den > 0 ? num / den : 0;
}
