/**
 * Merging datasets into one. Categories are unified by name (case-insensitive, trimmed): the
 * first dataset's ids stay, names new to the merge get the next free id. Image and annotation
 * ids stay unless an earlier source took them (then they get the next free id). An image file
 * name an earlier source already used is prefixed with the source's name. Images with identical
 * content (same hash) are reported, or dropped with their boxes.
 */
import type { Category, CategoryId, Dataset, ImageRecord } from '../core/dataset.js';
import { Dataset as DatasetClass } from '../core/dataset.js';
import { normalizeName } from './remap.js';

export interface MergeSource {
  /** Short name, used to prefix colliding file names. */
  name: string;
  dataset: Dataset;
  /** Content hash per image (e.g. from `hashImages`), for duplicate detection. */
  hashes?: (string | undefined)[];
}

export interface MergeOptions {
  /** What to do with exact-duplicate images: list them (default) or drop the later copies. */
  dedup?: 'report' | 'drop';
}

export interface ImageRef {
  source: string;
  file: string;
}

export interface MergeReport {
  sources: { name: string; images: number; annotations: number; categories: number }[];
  categories: { id: CategoryId; name: string; from: { source: string; id: CategoryId; name: string }[] }[];
  /** Category ids that changed, per source. */
  categoryRemaps: { source: string; name: string; from: CategoryId; to: CategoryId }[];
  renumberedImages: number;
  renumberedAnnotations: number;
  renamedFiles: (ImageRef & { to: string })[];
  duplicates: { hash: string; kept: ImageRef; duplicate: ImageRef }[];
  dropped: { images: number; boxes: number };
}

export interface MergeResult {
  dataset: Dataset;
  report: MergeReport;
  /** Where each merged image came from: source index and the image's index there. */
  origins: { source: number; image: number }[];
}

export function mergeDatasets(sources: MergeSource[], options: MergeOptions = {}): MergeResult {
  const total = sources.reduce((n, s) => n + s.dataset.annotations.length, 0);
  const out = new DatasetClass(total);
  const { locate: _, embeddedImages: __, ...info } = sources[0]?.dataset.info ?? {};
  out.info = info;
  // Images held inside annotation files (TFRecord) move with their new ids.
  const embedded = sources.some((s) => s.dataset.info.embeddedImages) ? new Map<number, Uint8Array>() : undefined;
  if (embedded) out.info.embeddedImages = embedded;
  const report: MergeReport = {
    sources: sources.map((s) => ({
      name: s.name,
      images: s.dataset.images.length,
      annotations: s.dataset.annotations.length,
      categories: s.dataset.categories.length,
    })),
    categories: [],
    categoryRemaps: [],
    renumberedImages: 0,
    renumberedAnnotations: 0,
    renamedFiles: [],
    duplicates: [],
    dropped: { images: 0, boxes: 0 },
  };
  const origins: MergeResult['origins'] = [];
  const categoryByName = new Map<string, Category>();
  const fromOf = new Map<Category, MergeReport['categories'][number]>();
  let nextCategoryId = 1;
  const imageIds = new Set<number>();
  let nextImageId = 1;
  const annotationIds = new Set<number>();
  let nextAnnotationId = 1;
  const files = new Set<string>();
  const firstByHash = new Map<string, ImageRef>();

  sources.forEach((source, s) => {
    const { dataset } = source;
    const categoryMap = new Map<CategoryId, CategoryId>();
    for (const c of dataset.categories) {
      const key = normalizeName(c.name);
      let merged = categoryByName.get(key);
      if (!merged) {
        const id = s === 0 ? c.id : nextCategoryId;
        merged = { ...c, id };
        categoryByName.set(key, merged);
        out.categories.push(merged);
        const entry = { id, name: merged.name, from: [] };
        fromOf.set(merged, entry);
        report.categories.push(entry);
        nextCategoryId = Math.max(nextCategoryId, Math.floor(id) + 1);
      }
      categoryMap.set(c.id, merged.id);
      fromOf.get(merged)!.from.push({ source: source.name, id: c.id, name: c.name });
      if (merged.id !== c.id)
        report.categoryRemaps.push({ source: source.name, name: c.name, from: c.id, to: merged.id });
    }

    // New ids start past this source's own, so renumbering one image never makes another collide.
    for (const im of dataset.images) nextImageId = Math.max(nextImageId, Math.floor(im.id) + 1);
    for (let row = 0; row < dataset.annotations.length; row++) {
      nextAnnotationId = Math.max(nextAnnotationId, Math.floor(dataset.annotations.ids[row]) + 1);
    }
    const imageMap = new Map<number, number>();
    const droppedIds = new Set<number>();
    dataset.images.forEach((im, i) => {
      const hash = source.hashes?.[i];
      if (hash !== undefined) {
        const kept = firstByHash.get(hash);
        if (kept) {
          report.duplicates.push({ hash, kept, duplicate: { source: source.name, file: im.file } });
          if (options.dedup === 'drop') {
            report.dropped.images++;
            droppedIds.add(im.id);
            return;
          }
        } else firstByHash.set(hash, { source: source.name, file: im.file });
      }
      let id = im.id;
      if (imageIds.has(id)) {
        id = nextImageId;
        report.renumberedImages++;
      }
      imageIds.add(id);
      nextImageId = Math.max(nextImageId, Math.floor(id) + 1);
      imageMap.set(im.id, id);
      let file = im.file;
      if (files.has(file)) {
        file = `${source.name}/${im.file}`;
        for (let k = 2; files.has(file); k++) file = `${source.name}-${k}/${im.file}`;
        report.renamedFiles.push({ source: source.name, file: im.file, to: file });
      }
      files.add(file);
      const record: ImageRecord = { ...im, id, file };
      if (im.labels) record.labels = im.labels.map((l) => categoryMap.get(l) ?? l);
      out.images.push(record);
      origins.push({ source: s, image: i });
      const bytes = dataset.info.embeddedImages?.get(im.id);
      if (bytes) embedded?.set(id, bytes);
    });

    const t = dataset.annotations;
    const o = out.annotations;
    for (let row = 0; row < t.length; row++) {
      const imageId = imageMap.get(t.imageIds[row]);
      if (droppedIds.has(t.imageIds[row])) {
        report.dropped.boxes++;
        continue;
      }
      const r = o.copyRowFrom(t, row);
      if (annotationIds.has(o.ids[r])) {
        o.ids[r] = nextAnnotationId;
        report.renumberedAnnotations++;
      }
      annotationIds.add(o.ids[r]);
      nextAnnotationId = Math.max(nextAnnotationId, Math.floor(o.ids[r]) + 1);
      o.imageIds[r] = imageId ?? t.imageIds[row];
      o.categoryIds[r] = categoryMap.get(t.categoryIds[row]) ?? t.categoryIds[row];
    }
  });
  return { dataset: out, report, origins };
}
