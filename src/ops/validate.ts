/**
 * Dataset validation, format-neutral: every problem names the record it concerns through the
 * reader's `info.locate` (COCO: `annotations[12]`, YOLO: a label file's line, …).
 * `fixDataset` turns a report into a corrected copy and lists each change.
 */
import type { Dataset, RecordKind } from '../core/dataset.js';
import type { ErrorLocation } from '../core/errors.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { type ImageSize, readImageSize } from '../core/image-size.js';
import { isAbsolutePath, joinPath } from '../core/paths.js';
import { mapPool } from '../core/pool.js';

export type ProblemKind =
  | 'box-not-finite'
  | 'box-empty'
  | 'box-out-of-bounds'
  | 'unknown-category'
  | 'unknown-image'
  | 'duplicate-annotation-id'
  | 'duplicate-image-id'
  | 'duplicate-category-id'
  | 'missing-image-file'
  | 'unreadable-image'
  | 'image-size-mismatch'
  | 'image-size-unknown';

export interface Problem {
  kind: ProblemKind;
  message: string;
  /** The source record, as the reader traces it. */
  where: ErrorLocation;
  /** The record in the dataset: an annotation row, or an index into images / categories. */
  record: { kind: RecordKind; index: number };
}

export interface ValidateOptions {
  /** Check image files (existence, header size) through this; skipped when absent. */
  files?: FileAccess;
  /** Where image files are (default: `dataset.info.imageRoot`; without either, files are not checked). */
  imageRoot?: string;
  /** Image headers read at once. */
  concurrency?: number;
  progress?: (done: number, total: number) => void;
}

export interface ValidationReport {
  problems: Problem[];
  /** Sizes read from image headers, by index in `images` (only for the files checked). */
  headerSizes: Map<number, ImageSize>;
}

const fmtBox = (x: number, y: number, w: number, h: number) => `[${x}, ${y}, ${w}, ${h}]`;

export async function validateDataset(dataset: Dataset, options: ValidateOptions = {}): Promise<ValidationReport> {
  const problems: Problem[] = [];
  const locate = (kind: RecordKind, index: number) => dataset.info.locate?.(kind, index) ?? {};
  const report = (kind: ProblemKind, record: RecordKind, index: number, message: string) =>
    problems.push({ kind, message, where: locate(record, index), record: { kind: record, index } });

  const categories = new Map<number, number>();
  dataset.categories.forEach((c, k) => {
    const first = categories.get(c.id);
    if (first === undefined) categories.set(c.id, k);
    else
      report(
        'duplicate-category-id',
        'category',
        k,
        `duplicate category id ${c.id} (first at ${where(locate('category', first), `categories[${first}]`)})`,
      );
  });
  const images = new Map<number, number>();
  dataset.images.forEach((im, k) => {
    const first = images.get(im.id);
    if (first === undefined) images.set(im.id, k);
    else
      report(
        'duplicate-image-id',
        'image',
        k,
        `duplicate image id ${im.id} (first at ${where(locate('image', first), `image ${first}`)})`,
      );
  });

  const headerSizes = new Map<number, ImageSize>();
  if (options.files) await checkImageFiles(dataset, options, headerSizes, report);

  const t = dataset.annotations;
  const annotationIds = new Map<number, number>();
  for (let row = 0; row < t.length; row++) {
    const id = t.ids[row];
    const first = annotationIds.get(id);
    if (first === undefined) annotationIds.set(id, row);
    else
      report(
        'duplicate-annotation-id',
        'annotation',
        row,
        `duplicate annotation id ${id} (first at ${where(locate('annotation', first), `row ${first}`)})`,
      );
    if (!categories.has(t.categoryIds[row])) {
      report('unknown-category', 'annotation', row, `category id ${t.categoryIds[row]} is not among the categories`);
    }
    const k = images.get(t.imageIds[row]);
    if (k === undefined)
      report('unknown-image', 'annotation', row, `image id ${t.imageIds[row]} is not among the images`);
    const b = row * 4;
    const [x, y, w, h] = [t.boxes[b], t.boxes[b + 1], t.boxes[b + 2], t.boxes[b + 3]];
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(w) && Number.isFinite(h))) {
      report('box-not-finite', 'annotation', row, `box ${fmtBox(x, y, w, h)} has a non-finite value`);
      continue;
    }
    if (!(w > 0 && h > 0)) {
      report('box-empty', 'annotation', row, `box ${fmtBox(x, y, w, h)} has zero or negative size`);
      continue;
    }
    if (k === undefined) continue;
    const { width, height } = headerSizes.get(k) ?? dataset.images[k];
    if (width > 0 && height > 0 && (x < 0 || y < 0 || x + w > width || y + h > height)) {
      report(
        'box-out-of-bounds',
        'annotation',
        row,
        `box ${fmtBox(x, y, w, h)} is outside the ${width}×${height} image`,
      );
    }
  }
  return { problems, headerSizes };
}

function where(location: ErrorLocation, fallback: string): string {
  return location.line !== undefined ? `line ${location.line}` : String(location.record ?? fallback);
}

async function checkImageFiles(
  dataset: Dataset,
  options: ValidateOptions,
  headerSizes: Map<number, ImageSize>,
  report: (kind: ProblemKind, record: RecordKind, index: number, message: string) => void,
): Promise<void> {
  const files = options.files!;
  const root = options.imageRoot ?? dataset.info.imageRoot;
  if (root === undefined) return;
  const found = await mapPool(
    dataset.images,
    options.concurrency ?? 32,
    async (im) => {
      const path = isAbsolutePath(im.file) ? im.file : joinPath(root, im.file);
      if (!(await files.stat(path))) return { path, error: 'missing' };
      try {
        return { path, size: await readImageSize(files, path) };
      } catch (e) {
        return { path, error: e instanceof DetkitError ? e.detail : String(e) };
      }
    },
    options.progress,
  );
  found.forEach((r, k) => {
    const im = dataset.images[k];
    if (r.error === 'missing') report('missing-image-file', 'image', k, `image file ${r.path} not found`);
    else if (r.error !== undefined) report('unreadable-image', 'image', k, `image file ${r.path}: ${r.error}`);
    else if (r.size) {
      headerSizes.set(k, r.size);
      if (!(im.width > 0 && im.height > 0)) {
        report('image-size-unknown', 'image', k, `image size not given; the file is ${r.size.width}×${r.size.height}`);
      } else if (im.width !== r.size.width || im.height !== r.size.height) {
        report(
          'image-size-mismatch',
          'image',
          k,
          `image size ${im.width}×${im.height} disagrees with the file header (${r.size.width}×${r.size.height})`,
        );
      }
    }
  });
}

export interface Change {
  where: ErrorLocation;
  message: string;
}

/**
 * A corrected copy: image sizes taken from the headers, boxes clipped to their image, records
 * that cannot be repaired dropped (non-finite or empty boxes, unknown image or category,
 * repeated ids). Missing image files are reported by `validateDataset` but not changed here.
 */
export function fixDataset(dataset: Dataset, report: ValidationReport): { dataset: Dataset; changes: Change[] } {
  const changes: Change[] = [];
  const dropRows = new Set<number>();
  const dropImages = new Set<number>();
  const dropCategories = new Set<number>();
  for (const p of report.problems) {
    const { kind, index } = p.record;
    if (kind === 'annotation' && p.kind !== 'box-out-of-bounds' && !dropRows.has(index)) {
      dropRows.add(index);
      changes.push({ where: p.where, message: `dropped annotation: ${p.message}` });
    } else if (kind === 'image' && p.kind === 'duplicate-image-id') {
      dropImages.add(index);
      changes.push({ where: p.where, message: `dropped image record: ${p.message}` });
    } else if (kind === 'category' && p.kind === 'duplicate-category-id') {
      dropCategories.add(index);
      changes.push({ where: p.where, message: `dropped category: ${p.message}` });
    }
  }
  const images = dataset.images
    .map((im, k) => {
      const size = report.headerSizes.get(k);
      if (!size || (size.width === im.width && size.height === im.height)) return im;
      const where = dataset.info.locate?.('image', k) ?? {};
      changes.push({
        where,
        message: `image size ${im.width}×${im.height} → ${size.width}×${size.height} (file header)`,
      });
      return { ...im, width: size.width, height: size.height };
    })
    .filter((_, k) => !dropImages.has(k));
  const keptRows = dataset.annotations.filterRows((row) => !dropRows.has(row));
  const out = dataset.derive(images, keptRows);
  out.categories = out.categories.filter((_, k) => !dropCategories.has(k));
  clipBoxes(dataset, out, keptRows, changes);
  return { dataset: out, changes };
}

/** Clips every kept box to its image; a box left with no area is dropped. */
function clipBoxes(source: Dataset, out: Dataset, keptRows: number[], changes: Change[]): void {
  const sizeOf = new Map(out.images.map((im) => [im.id, im]));
  const t = out.annotations;
  const emptied: number[] = [];
  for (let row = 0; row < t.length; row++) {
    const im = sizeOf.get(t.imageIds[row]);
    if (!im || !(im.width > 0 && im.height > 0)) continue;
    const b = row * 4;
    const [x, y, w, h] = [t.boxes[b], t.boxes[b + 1], t.boxes[b + 2], t.boxes[b + 3]];
    const x1 = Math.max(0, x);
    const y1 = Math.max(0, y);
    const x2 = Math.min(im.width, x + w);
    const y2 = Math.min(im.height, y + h);
    if (x1 === x && y1 === y && x2 === x + w && y2 === y + h) continue;
    const where = source.info.locate?.('annotation', keptRows[row]) ?? {};
    if (!(x2 > x1 && y2 > y1)) {
      emptied.push(row);
      changes.push({ where, message: `dropped annotation: box ${fmtBox(x, y, w, h)} lies outside its image` });
      continue;
    }
    t.setBox(row, [x1, y1, x2 - x1, y2 - y1]);
    changes.push({ where, message: `clipped box ${fmtBox(x, y, w, h)} to ${fmtBox(x1, y1, x2 - x1, y2 - y1)}` });
  }
  if (emptied.length > 0) {
    const gone = new Set(emptied);
    out.annotations = t.select(t.filterRows((row) => !gone.has(row)));
  }
}
