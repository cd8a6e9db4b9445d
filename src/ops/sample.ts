/**
 * Drawing n images: uniformly at random, or class-balanced — greedily, each pick an image
 * holding the class the sample has the fewest images of so far (among classes with images
 * left), so rare classes are in the sample whenever n allows. Seeded; images keep their order.
 */
import type { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { DEFAULT_SEED, seededRandom, shuffle } from './random.js';

export interface SampleOptions {
  n: number;
  balanced?: boolean;
  seed?: number;
}

export interface SampleReport {
  seed: number;
  method: 'random' | 'balanced';
  images: number;
  boxes: number;
  /** Images of each class in the sample and in the whole dataset. */
  perClass: { id: number; name: string; images: number; of: number }[];
}

export function sampleDataset(dataset: Dataset, options: SampleOptions): { dataset: Dataset; report: SampleReport } {
  const { n } = options;
  const total = dataset.images.length;
  if (!Number.isInteger(n) || n < 0) throw new DetkitError(`-n must be a whole number ≥ 0, got ${n}`);
  if (n > total) throw new DetkitError(`cannot sample ${n} images from a dataset of ${total}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const random = seededRandom(seed);
  const classIndex = new Map(dataset.categories.map((c, k) => [c.id, k]));
  const { offsets, order } = dataset.rowsByImage();
  const t = dataset.annotations;
  const classesOf = dataset.images.map((_, i) => {
    const set = new Set<number>();
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      const k = classIndex.get(t.categoryIds[order[j]]);
      if (k !== undefined) set.add(k);
    }
    return [...set];
  });

  const chosen = new Uint8Array(total);
  if (options.balanced) {
    const candidates: number[][] = dataset.categories.map(() => []);
    classesOf.forEach((ks, i) => {
      for (const k of ks) candidates[k].push(i);
    });
    for (const list of candidates) shuffle(list, random);
    const have = new Array<number>(dataset.categories.length).fill(0);
    let picked = 0;
    while (picked < n) {
      let least = -1;
      for (let k = 0; k < have.length; k++) {
        while (candidates[k].length > 0 && chosen[candidates[k].at(-1)!]) candidates[k].pop();
        if (candidates[k].length > 0 && (least < 0 || have[k] < have[least])) least = k;
      }
      if (least < 0) break;
      const i = candidates[least].pop()!;
      chosen[i] = 1;
      picked++;
      for (const k of classesOf[i]) have[k]++;
    }
    // Classes exhausted: the rest at random (negatives, mostly).
    const rest = shuffle(
      classesOf.map((_, i) => i).filter((i) => !chosen[i]),
      random,
    );
    for (let r = 0; picked < n; r++, picked++) chosen[rest[r]] = 1;
  } else {
    const all = shuffle(
      classesOf.map((_, i) => i),
      random,
    );
    for (let r = 0; r < n; r++) chosen[all[r]] = 1;
  }

  const images = dataset.images.filter((_, i) => chosen[i]);
  const rows: number[] = [];
  const inSample = new Array<number>(dataset.categories.length).fill(0);
  const inAll = new Array<number>(dataset.categories.length).fill(0);
  classesOf.forEach((ks, i) => {
    for (const k of ks) {
      inAll[k]++;
      if (chosen[i]) inSample[k]++;
    }
    if (chosen[i]) for (let j = offsets[i]; j < offsets[i + 1]; j++) rows.push(order[j]);
  });
  const out = dataset.derive(images, rows);
  return {
    dataset: out,
    report: {
      seed,
      method: options.balanced ? 'balanced' : 'random',
      images: images.length,
      boxes: rows.length,
      perClass: dataset.categories.map((c, k) => ({ id: c.id, name: c.name, images: inSample[k], of: inAll[k] })),
    },
  };
}
