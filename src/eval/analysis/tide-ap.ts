/**
 * TIDE's AP bookkeeping (tidecv/ap.py): per class, data points in insertion order and a GT
 * positive count; AP is COCO-style 101-point AP at one IoU. (tidecv keys points by prediction
 * id; a prediction only ever lands in one class once, so plain lists hold the same points.)
 */
import type { CategoryId } from '../../core/dataset.js';

export interface TidePoint {
  score: number;
  correct: boolean;
}

class ClassAp {
  readonly scores: number[] = [];
  readonly correct: boolean[] = [];
  gtPositives = 0;

  isEmpty(): boolean {
    return this.scores.length === 0 && this.gtPositives === 0;
  }

  /**
   * Precision envelope sampled at recall 0, 0.01, …, 1 (first point with recall ≥ x), averaged.
   * `presorted`: the points were pushed in descending score order already.
   */
  ap(presorted = false): number {
    if (this.gtPositives === 0) return 0;
    const n = this.scores.length;
    const s = this.scores;
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    // Stable descending sort, as Python's list.sort(key=-score).
    if (!presorted) order.sort((a, b) => s[b] - s[a] || a - b);
    const precisions = new Float64Array(n);
    const recalls = new Float64Array(n);
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < n; i++) {
      if (this.correct[order[i]]) tp++;
      else fp++;
      precisions[i] = tp / (tp + fp);
      recalls[i] = tp / this.gtPositives;
    }
    for (let i = n - 1; i > 0; i--) if (precisions[i] > precisions[i - 1]) precisions[i - 1] = precisions[i];
    let sum = 0;
    let k = 0;
    for (let bar = 0; bar <= 100; bar++) {
      const x = bar / 100;
      while (k < n && recalls[k] < x) k++;
      if (k < n) sum += precisions[k];
    }
    return sum / 101;
  }
}

/** TIDE's ClassedAPDataObject. */
export class TideApData {
  readonly classes = new Map<CategoryId, ClassAp>();
  private last: ClassAp | undefined;
  private lastClass = Number.NaN;

  private of(c: CategoryId): ClassAp {
    let obj = this.classes.get(c);
    if (!obj) this.classes.set(c, (obj = new ClassAp()));
    return obj;
  }

  push(c: CategoryId, score: number, correct: boolean): void {
    let obj = this.last;
    if (!obj || this.lastClass !== c) {
      obj = this.of(c);
      this.last = obj;
      this.lastClass = c;
    }
    obj.scores.push(score);
    obj.correct.push(correct);
  }

  addGtPositives(c: CategoryId, n: number): void {
    this.of(c).gtPositives += n;
  }

  gtPositives(): Map<CategoryId, number> {
    return new Map([...this.classes].map(([c, obj]) => [c, obj.gtPositives]));
  }

  /** Scores of the class's correct (true positive) points, in insertion order. */
  truePositiveScores(c: CategoryId): number[] {
    const obj = this.classes.get(c);
    return obj ? obj.scores.filter((_, i) => obj.correct[i]) : [];
  }

  /** Mean AP over the classes that have a data point or a GT positive (TIDE's get_mAP). */
  map(presorted = false): number {
    const aps = [...this.classes.values()].filter((o) => !o.isEmpty()).map((o) => o.ap(presorted));
    return aps.length > 0 ? aps.reduce((s, a) => s + a, 0) / aps.length : 0;
  }
}
