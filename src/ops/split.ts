/**
 * Splitting a dataset into parts (train / val / test …) by ratios or image counts: random,
 * stratified by class, or by group so that no group (a video, a scene, a patient) leaks across
 * splits. Negatives are split too. Reproducible: the same seed gives the same split anywhere.
 */
import type { CategoryId, Dataset, ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { groupKeyReader } from './group-key.js';
import { DEFAULT_SEED, seededRandom } from './random.js';
import { assignBySize, assignStratified, type SplitUnit } from './split-assign.js';

export interface SplitOptions {
  /** Split names, one per ratio or count (default train, val, test — as many as needed). */
  names?: string[];
  /** Fractions of the images, summing to 1. */
  ratios?: number[];
  /** Image counts; images beyond their sum are left out. */
  counts?: number[];
  /** Keep every class's share of images in each split (iterative stratification). */
  stratify?: boolean;
  /** Keep groups whole; see `groupKeyReader` for the key syntax. */
  groupBy?: string;
  seed?: number;
}

export interface SplitClassShare {
  id: CategoryId;
  name: string;
  images: number;
  boxes: number;
  /** Fraction of this class's images that went to the split. */
  share: number;
  /** `share` minus the split's ratio. */
  deviation: number;
}

export interface SplitPartReport {
  name: string;
  /** The split's share of the images asked for (ratio, or count / images). */
  ratio: number;
  images: number;
  boxes: number;
  negatives: number;
  groups?: number;
  perClass: SplitClassShare[];
  /** Largest |deviation| over the classes present in the dataset. */
  maxDeviation: number;
}

export interface SplitReport {
  seed: number;
  method: 'random' | 'stratified';
  groupBy?: string;
  groups?: number;
  /** Images without a group key: each forms its own group. */
  ungrouped?: number;
  /** Images left out (counts below the dataset size). */
  leftOut: number;
  splits: SplitPartReport[];
}

export interface SplitResult {
  parts: { name: string; dataset: Dataset }[];
  report: SplitReport;
}

const DEFAULT_NAMES = ['train', 'val', 'test'];

/** Image targets per split (plus a last, hidden "left out" part when counts fall short). */
function splitTargets(n: number, options: SplitOptions): { names: string[]; targets: number[]; ratios: number[] } {
  const { ratios, counts } = options;
  if (ratios && counts) throw new DetkitError('give ratios or counts, not both');
  const given = counts ?? ratios ?? [0.8, 0.1, 0.1];
  const names =
    options.names ?? (given.length <= 3 ? DEFAULT_NAMES.slice(0, given.length) : given.map((_, k) => `split${k + 1}`));
  if (names.length !== given.length) {
    throw new DetkitError(`${names.length} split names for ${given.length} ${counts ? 'counts' : 'ratios'}`);
  }
  if (new Set(names).size !== names.length) throw new DetkitError(`split names repeat: ${names.join(', ')}`);
  if (counts) {
    const sum = counts.reduce((a, b) => a + b, 0);
    if (counts.some((c) => !Number.isInteger(c) || c < 0)) {
      throw new DetkitError(`counts must be whole numbers ≥ 0, got ${counts.join(', ')}`);
    }
    if (sum > n) throw new DetkitError(`counts ask for ${sum} images but the dataset has ${n}`);
    return { names, targets: [...counts, n - sum], ratios: counts.map((c) => (n > 0 ? c / n : 0)) };
  }
  const sum = given.reduce((a, b) => a + b, 0);
  if (given.some((r) => !(r >= 0 && r <= 1))) {
    throw new DetkitError(`ratios must lie in 0..1, got ${given.join(', ')}`);
  }
  if (Math.abs(sum - 1) > 1e-6) throw new DetkitError(`ratios ${given.join(', ')} sum to ${+sum.toFixed(6)}, not 1`);
  // Largest remainder: the counts add up to n exactly.
  const exact = given.map((r) => r * n);
  const targets = exact.map(Math.floor);
  const byRemainder = exact.map((e, k) => [e - targets[k], k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0; i < n - targets.reduce((a, b) => a + b, 0); i++) targets[byRemainder[i][1]]++;
  return { names, targets: [...targets, 0], ratios: given };
}

export function splitDataset(dataset: Dataset, options: SplitOptions = {}): SplitResult {
  const seed = options.seed ?? DEFAULT_SEED;
  const random = seededRandom(seed);
  const n = dataset.images.length;
  const { names, targets, ratios } = splitTargets(n, options);
  const classIndex = new Map(dataset.categories.map((c, k) => [c.id, k]));
  const { offsets, order } = dataset.rowsByImage();
  const t = dataset.annotations;
  // Class index per row (-1: not among the categories), and the classes of each image, once.
  const rowClass = new Int32Array(t.length);
  for (let row = 0; row < t.length; row++) rowClass[row] = classIndex.get(t.categoryIds[row]) ?? -1;
  const lastImage = new Int32Array(dataset.categories.length).fill(-1);
  const classesOfImage = dataset.images.map((_, i) => {
    const present: number[] = [];
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      const k = rowClass[order[j]];
      if (k >= 0 && lastImage[k] !== i) {
        lastImage[k] = i;
        present.push(k);
      }
    }
    return present;
  });

  // Units: single images, or whole groups.
  const unitOfImage = new Int32Array(n);
  const units: SplitUnit[] = [];
  let ungrouped = 0;
  if (options.groupBy) {
    const keyOf = groupKeyReader(options.groupBy);
    const byKey = new Map<string, number>();
    dataset.images.forEach((im, i) => {
      const key = keyOf(im);
      let u = key === undefined ? undefined : byKey.get(key);
      if (u === undefined) {
        u = units.push({ weight: 0, labels: new Map() }) - 1;
        if (key === undefined) ungrouped++;
        else byKey.set(key, u);
      }
      unitOfImage[i] = u;
    });
  } else {
    for (let i = 0; i < n; i++) unitOfImage[i] = units.push({ weight: 0, labels: new Map() }) - 1;
  }
  for (let i = 0; i < n; i++) {
    const unit = units[unitOfImage[i]];
    unit.weight++;
    for (const k of classesOfImage[i]) unit.labels.set(k, (unit.labels.get(k) ?? 0) + 1);
  }
  const assigned = options.stratify
    ? assignStratified(units, targets, dataset.categories.length, random, names.length)
    : assignBySize(units, targets, random);

  const imagesOf: ImageRecord[][] = names.map(() => []);
  const rowsOf: number[][] = names.map(() => []);
  const groupsOf = names.map(() => new Set<number>()); // only filled with --group-by
  const classImages = names.map(() => new Array<number>(dataset.categories.length).fill(0));
  const classBoxes = names.map(() => new Array<number>(dataset.categories.length).fill(0));
  const negatives = new Array<number>(names.length).fill(0);
  const totalImagesOfClass = new Array<number>(dataset.categories.length).fill(0);
  let leftOut = 0;
  dataset.images.forEach((im, i) => {
    const s = assigned[unitOfImage[i]];
    const present = classesOfImage[i];
    for (const k of present) totalImagesOfClass[k]++;
    if (s >= names.length) {
      leftOut++;
      return;
    }
    imagesOf[s].push({ ...im, split: names[s] });
    if (options.groupBy) groupsOf[s].add(unitOfImage[i]);
    if (offsets[i + 1] === offsets[i]) negatives[s]++;
    for (const k of present) classImages[s][k]++;
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      rowsOf[s].push(order[j]);
      const k = rowClass[order[j]];
      if (k >= 0) classBoxes[s][k]++;
    }
  });

  const splits = names.map((name, s): SplitPartReport => {
    const perClass = dataset.categories.map((c, k): SplitClassShare => {
      const share = totalImagesOfClass[k] > 0 ? classImages[s][k] / totalImagesOfClass[k] : 0;
      return {
        id: c.id,
        name: c.name,
        images: classImages[s][k],
        boxes: classBoxes[s][k],
        share,
        deviation: share - ratios[s],
      };
    });
    const present = perClass.filter((_, k) => totalImagesOfClass[k] > 0);
    return {
      name,
      ratio: ratios[s],
      images: imagesOf[s].length,
      boxes: rowsOf[s].length,
      negatives: negatives[s],
      ...(options.groupBy ? { groups: groupsOf[s].size } : {}),
      perClass,
      maxDeviation: present.reduce((m, c) => Math.max(m, Math.abs(c.deviation)), 0),
    };
  });
  return {
    parts: names.map((name, s) => ({ name, dataset: dataset.derive(imagesOf[s], rowsOf[s]) })),
    report: {
      seed,
      method: options.stratify ? 'stratified' : 'random',
      ...(options.groupBy ? { groupBy: options.groupBy, groups: units.length, ungrouped } : {}),
      leftOut,
      splits,
    },
  };
}
