/**
 * Dataset statistics: counts per class and split, negatives, crowd, and the box size and shape
 * distributions (COCO's small/medium/large by the area COCO evaluation uses). One pass over the
 * columns; no annotation objects.
 */
import type { CategoryId, Dataset } from '../core/dataset.js';

export interface CategoryStats {
  id: CategoryId;
  name: string;
  /** Annotations of this class. */
  boxes: number;
  /** Images with at least one annotation of this class. */
  images: number;
}

export interface SplitStats {
  split: string;
  images: number;
  annotations: number;
}

export interface Bucket {
  label: string;
  count: number;
}

export interface DatasetStats {
  images: number;
  annotations: number;
  categories: number;
  /** Images with no annotation at all (negatives). */
  imagesWithoutAnnotations: number;
  crowd: number;
  /** Annotations carrying a score (predictions). */
  scored: number;
  /** Annotations whose image id or category id is not in the dataset. */
  unknownImage: number;
  unknownCategory: number;
  perCategory: CategoryStats[];
  /** Split '' holds images without a split; empty when no image has one. */
  perSplit: SplitStats[];
  /** COCO size ranges: small < 32², medium < 96², large ≥ 96² (given area, else w×h). */
  sizes: { small: number; medium: number; large: number };
  /** Width / height of the box, in ranges; zero-size boxes are counted apart. */
  aspectRatios: Bucket[];
}

const SMALL = 32 * 32;
const LARGE = 96 * 96;
const ASPECT_EDGES = [1 / 4, 1 / 2, 1, 2, 4];
const ASPECT_LABELS = ['< 1:4', '1:4 – 1:2', '1:2 – 1:1', '1:1 – 2:1', '2:1 – 4:1', '≥ 4:1'];

export function datasetStats(dataset: Dataset): DatasetStats {
  const t = dataset.annotations;
  const categoryIndex = new Map<CategoryId, number>();
  const perCategory: CategoryStats[] = dataset.categories.map((c, k) => {
    categoryIndex.set(c.id, k);
    return { id: c.id, name: c.name, boxes: 0, images: 0 };
  });
  const sizes = { small: 0, medium: 0, large: 0 };
  const aspect = new Array<number>(ASPECT_LABELS.length + 1).fill(0);
  let crowd = 0;
  let scored = 0;
  let unknownCategory = 0;
  const rowCategory = new Int32Array(t.length);
  for (let row = 0; row < t.length; row++) {
    let k = categoryIndex.get(t.categoryIds[row]);
    if (k === undefined) {
      unknownCategory++;
      k = perCategory.length;
      categoryIndex.set(t.categoryIds[row], k);
      perCategory.push({ id: t.categoryIds[row], name: '(not in categories)', boxes: 0, images: 0 });
    }
    rowCategory[row] = k;
    perCategory[k].boxes++;
    if (t.isCrowd(row)) crowd++;
    if (t.hasScore(row)) scored++;
    const area = t.effectiveArea(row);
    if (area < SMALL) sizes.small++;
    else if (area < LARGE) sizes.medium++;
    else sizes.large++;
    const w = t.boxes[row * 4 + 2];
    const h = t.boxes[row * 4 + 3];
    if (!(w > 0 && h > 0)) aspect[ASPECT_LABELS.length]++;
    else {
      const r = w / h;
      let b = 0;
      while (b < ASPECT_EDGES.length && r >= ASPECT_EDGES[b]) b++;
      aspect[b]++;
    }
  }

  const { offsets, order } = dataset.rowsByImage();
  const lastImage = new Int32Array(perCategory.length).fill(-1);
  const splits = new Map<string, SplitStats>();
  let negatives = 0;
  dataset.images.forEach((im, i) => {
    const split = im.split ?? '';
    let s = splits.get(split);
    if (!s) splits.set(split, (s = { split, images: 0, annotations: 0 }));
    s.images++;
    s.annotations += offsets[i + 1] - offsets[i];
    if (offsets[i + 1] === offsets[i]) negatives++;
    for (let j = offsets[i]; j < offsets[i + 1]; j++) {
      const k = rowCategory[order[j]];
      if (lastImage[k] !== i) {
        lastImage[k] = i;
        perCategory[k].images++;
      }
    }
  });
  const hasSplits = dataset.images.some((im) => im.split !== undefined);
  return {
    images: dataset.images.length,
    annotations: t.length,
    categories: dataset.categories.length,
    imagesWithoutAnnotations: negatives,
    crowd,
    scored,
    unknownImage: t.length - order.length,
    unknownCategory,
    perCategory,
    perSplit: hasSplits ? [...splits.values()] : [],
    sizes,
    aspectRatios: [
      ...ASPECT_LABELS.map((label, b) => ({ label, count: aspect[b] })),
      { label: 'zero-size', count: aspect[ASPECT_LABELS.length] },
    ],
  };
}
