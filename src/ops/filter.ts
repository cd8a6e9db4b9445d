/**
 * Keeping the images and boxes that match: by class, box area (w×h in pixels²), score, image
 * tags and split; optionally dropping images left without boxes. Everything dropped is counted.
 */
import type { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { normalizeName } from './remap.js';

export interface FilterCriteria {
  /** Keep only boxes of these classes (names); other classes leave the category list too. */
  classes?: string[];
  excludeClasses?: string[];
  /** Box area w×h, pixels². */
  minArea?: number;
  maxArea?: number;
  /** Boxes without a score (ground truth) are kept. */
  minScore?: number;
  /** Keep images carrying at least one of these tags. */
  tags?: string[];
  /** Keep images of these splits. */
  splits?: string[];
  /** Drop images with no box left (negatives included). */
  dropEmpty?: boolean;
}

export interface FilterReport {
  images: { before: number; after: number; byTag: number; bySplit: number; empty: number };
  boxes: {
    before: number;
    after: number;
    /** Boxes leaving with their image (tag, split, unknown image). */
    withImage: number;
    byClass: number;
    byArea: number;
    byScore: number;
  };
  categories: { before: number; after: number };
}

function classIds(dataset: Dataset, names: string[], option: string): Set<number> {
  const ids = new Set<number>();
  for (const name of names) {
    const found = dataset.categories.filter((c) => normalizeName(c.name) === normalizeName(name));
    if (found.length === 0) {
      throw new DetkitError(
        `${option}: class "${name}" is not in the dataset (classes: ${dataset.categories.map((c) => c.name).join(', ')})`,
      );
    }
    for (const c of found) ids.add(c.id);
  }
  return ids;
}

export function filterDataset(dataset: Dataset, criteria: FilterCriteria): { dataset: Dataset; report: FilterReport } {
  const keepClasses = criteria.classes ? classIds(dataset, criteria.classes, '--classes') : undefined;
  const dropClasses = criteria.excludeClasses
    ? classIds(dataset, criteria.excludeClasses, '--exclude-classes')
    : undefined;
  const classKept = (id: number) => (!keepClasses || keepClasses.has(id)) && !dropClasses?.has(id);

  let byTag = 0;
  let bySplit = 0;
  const tagSet = criteria.tags ? new Set(criteria.tags) : undefined;
  const splitSet = criteria.splits ? new Set(criteria.splits) : undefined;
  const imagesKept = dataset.images.filter((im) => {
    if (tagSet && !im.tags?.some((t) => tagSet.has(t))) return !++byTag;
    if (splitSet && !splitSet.has(im.split ?? '')) return !++bySplit;
    return true;
  });
  const imageIds = new Set(imagesKept.map((im) => im.id));

  const t = dataset.annotations;
  const report: FilterReport = {
    images: { before: dataset.images.length, after: 0, byTag, bySplit, empty: 0 },
    boxes: { before: t.length, after: 0, withImage: 0, byClass: 0, byArea: 0, byScore: 0 },
    categories: { before: dataset.categories.length, after: 0 },
  };
  const { minArea = -Infinity, maxArea = Infinity, minScore } = criteria;
  const rows = t.filterRows((row) => {
    if (!imageIds.has(t.imageIds[row])) return !++report.boxes.withImage;
    if (!classKept(t.categoryIds[row])) return !++report.boxes.byClass;
    const area = t.boxes[row * 4 + 2] * t.boxes[row * 4 + 3];
    if (area < minArea || area > maxArea) return !++report.boxes.byArea;
    if (minScore !== undefined && t.hasScore(row) && t.scores[row] < minScore) return !++report.boxes.byScore;
    return true;
  });
  let images = imagesKept;
  if (criteria.dropEmpty) {
    const boxed = new Set(rows.map((row) => t.imageIds[row]));
    images = imagesKept.filter((im) => boxed.has(im.id));
    report.images.empty = imagesKept.length - images.length;
  }
  const out = dataset.derive(images, rows);
  if (keepClasses || dropClasses) {
    out.categories = out.categories.filter((c) => classKept(c.id));
    out.images = out.images.map((im) => (im.labels ? { ...im, labels: im.labels.filter(classKept) } : im));
  }
  report.images.after = out.images.length;
  report.boxes.after = out.annotations.length;
  report.categories.after = out.categories.length;
  return { dataset: out, report };
}
