/**
 * Assigning units (images, or whole groups of images) to splits of given target sizes.
 *
 * - `assignBySize`: largest units first, each to the split furthest below its target — exact
 *   for single images, greedy-balanced for groups.
 * - `assignStratified`: iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011, as in
 *   scikit-multilearn's IterativeStratification with order 1). The rarest remaining class is
 *   placed first, each of its units into the split that still wants that class most, so rare
 *   classes reach every split that asks for a share; units without classes (negatives) fill the
 *   splits that are still short of images.
 */
import { type Random, randomIndex, shuffle } from './random.js';

export interface SplitUnit {
  /** Images in the unit. */
  weight: number;
  /** Per class index: images of the unit holding that class (sparse: only classes present). */
  labels: Map<number, number>;
}

/** Index of the maximum of `score`, ties broken by `tie` (then randomly). */
function pickBest(n: number, score: (j: number) => number, tie: (j: number) => number, random: Random): number {
  let best: number[] = [];
  for (let j = 0; j < n; j++) {
    if (best.length === 0) {
      best = [j];
      continue;
    }
    const a = score(j);
    const b = score(best[0]);
    const c = a === b ? tie(j) - tie(best[0]) : a - b;
    if (c > 0) best = [j];
    else if (c === 0) best.push(j);
  }
  return best.length === 1 ? best[0] : best[randomIndex(random, best.length)];
}

/** Split index per unit. Units are visited in a seeded random order, largest first. */
export function assignBySize(units: SplitUnit[], targets: number[], random: Random): Int32Array {
  const order = shuffle(
    units.map((_, u) => u),
    random,
  );
  order.sort((a, b) => units[b].weight - units[a].weight);
  const filled = new Array<number>(targets.length).fill(0);
  const out = new Int32Array(units.length);
  for (const u of order) {
    const j = pickBest(
      targets.length,
      (k) => targets[k] - filled[k],
      (k) => targets[k],
      random,
    );
    out[u] = j;
    filled[j] += units[u].weight;
  }
  return out;
}

/**
 * `covered`: the first splits that each get at least one unit of every class that has enough
 * units left (the proportional rule alone would put all 3 images of a rare class in an 80%
 * train split).
 */
export function assignStratified(
  units: SplitUnit[],
  targets: number[],
  classCount: number,
  random: Random,
  covered = targets.length,
): Int32Array {
  const total = targets.reduce((a, b) => a + b, 0);
  const ratios = targets.map((t) => (total > 0 ? t / total : 0));
  const wanted = targets.slice();
  const classTotals = new Array<number>(classCount).fill(0);
  const unitsOfClass: number[][] = Array.from({ length: classCount }, () => []);
  const order = shuffle(
    units.map((_, u) => u),
    random,
  );
  for (const u of order) {
    for (const [c, n] of units[u].labels) {
      classTotals[c] += n;
      unitsOfClass[c].push(u);
    }
  }
  const wantedOfClass = targets.map((_, j) => classTotals.map((n) => ratios[j] * n));
  const remaining = unitsOfClass.map((list) => list.length);
  const have = targets.map(() => new Array<number>(classCount).fill(0));
  const out = new Int32Array(units.length).fill(-1);
  const place = (u: number, j: number) => {
    out[u] = j;
    wanted[j] -= units[u].weight;
    for (const [c, n] of units[u].labels) {
      wantedOfClass[j][c] -= n;
      have[j][c] += n;
      remaining[c]--;
    }
  };
  for (;;) {
    // The class with the fewest unplaced units goes first: it has the least room for error.
    let rarest = -1;
    for (let c = 0; c < classCount; c++) {
      if (remaining[c] > 0 && (rarest < 0 || remaining[c] < remaining[rarest])) rarest = c;
    }
    if (rarest < 0) break;
    for (const u of unitsOfClass[rarest]) {
      if (out[u] >= 0) continue;
      const lacking = have.filter((h, k) => k < covered && targets[k] > 0 && h[rarest] === 0).length;
      const cover = lacking > 0 && lacking <= remaining[rarest];
      const j = pickBest(
        targets.length,
        (k) =>
          targets[k] <= 0
            ? Number.NEGATIVE_INFINITY
            : cover && k < covered && have[k][rarest] === 0
              ? Number.MAX_VALUE
              : wantedOfClass[k][rarest],
        (k) => wanted[k],
        random,
      );
      place(u, j);
    }
  }
  for (const u of order) {
    if (out[u] >= 0) continue;
    const j = pickBest(
      targets.length,
      (k) => wanted[k],
      (k) => targets[k],
      random,
    );
    place(u, j);
  }
  return out;
}
