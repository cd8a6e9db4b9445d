/**
 * TIDE's AP bookkeeping (tidecv/ap.py): per class, data points keyed by prediction id (a later
 * push under the same id replaces the value but keeps its place, like a Python dict) and a GT
 * positive count; AP is COCO-style 101-point AP at one IoU.
 */
import type { CategoryId } from '../../core/dataset.js';

export interface TidePoint {
  score: number;
  correct: boolean;
}

class ClassAp {
  readonly points = new Map<number, TidePoint>();
  gtPositives = 0;

  isEmpty(): boolean {
    return this.points.size === 0 && this.gtPositives === 0;
  }

  /** Precision envelope sampled at recall 0, 0.01, …, 1 (first point with recall ≥ x), averaged. */
  ap(): number {
    if (this.gtPositives === 0) return 0;
    const sorted = [...this.points.values()].sort((a, b) => b.score - a.score);
    const precisions: number[] = [];
    const recalls: number[] = [];
    let tp = 0;
    let fp = 0;
    for (const p of sorted) {
      if (p.correct) tp++;
      else fp++;
      precisions.push(tp / (tp + fp));
      recalls.push(tp / this.gtPositives);
    }
    for (let i = precisions.length - 1; i > 0; i--) {
      if (precisions[i] > precisions[i - 1]) precisions[i - 1] = precisions[i];
    }
    let sum = 0;
    let k = 0;
    for (let bar = 0; bar <= 100; bar++) {
      const x = bar / 100;
      while (k < recalls.length && recalls[k] < x) k++;
      if (k < precisions.length) sum += precisions[k];
    }
    return sum / 101;
  }
}

/** TIDE's ClassedAPDataObject. */
export class TideApData {
  readonly classes = new Map<CategoryId, ClassAp>();

  private of(c: CategoryId): ClassAp {
    let obj = this.classes.get(c);
    if (!obj) this.classes.set(c, (obj = new ClassAp()));
    return obj;
  }

  push(c: CategoryId, id: number, point: TidePoint): void {
    this.of(c).points.set(id, point);
  }

  addGtPositives(c: CategoryId, n: number): void {
    this.of(c).gtPositives += n;
  }

  gtPositives(): Map<CategoryId, number> {
    return new Map([...this.classes].map(([c, obj]) => [c, obj.gtPositives]));
  }

  points(c: CategoryId): Map<number, TidePoint> {
    return this.classes.get(c)?.points ?? new Map();
  }

  /** Mean AP over the classes that have a data point or a GT positive (TIDE's get_mAP). */
  map(): number {
    const aps = [...this.classes.values()].filter((o) => !o.isEmpty()).map((o) => o.ap());
    return aps.length > 0 ? aps.reduce((s, a) => s + a, 0) / aps.length : 0;
  }

  apOf(c: CategoryId): number {
    return this.classes.get(c)?.ap() ?? 0;
  }
}
