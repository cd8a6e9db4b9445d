/**
 * COCOeval's `_prepare` without dicts of lists: annotation rows bucketed per evaluation unit
 * (image × category, or image alone when categories are ignored) by counting sorts.
 */
import type { AnnotationTable } from '../../core/dataset.js';

/**
 * Position of each id in a list (image or category ids), -1 when absent. Ids that are small
 * non-negative integers (COCO's are) index a dense table, so a lookup per row is one load
 * instead of a hash probe; other ids fall back to a Map.
 */
export class IdIndex {
  readonly size: number;
  private readonly dense: Int32Array | null;
  private readonly map: Map<number, number> | null;

  constructor(ids: readonly number[]) {
    this.size = ids.length;
    let max = -1;
    let small = true;
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id > DENSE_LIMIT) small = false;
      else if (id > max) max = id;
    }
    if (small) {
      this.dense = new Int32Array(max + 1).fill(-1);
      ids.forEach((id, i) => {
        this.dense![id] = i;
      });
      this.map = null;
    } else {
      this.dense = null;
      this.map = new Map(ids.map((id, i) => [id, i]));
    }
  }

  get(id: number): number {
    const dense = this.dense;
    if (dense !== null) {
      // Non-integers and out-of-range ids read undefined (→ -1); -0 reads slot 0 like Map does.
      const i = dense[id];
      return i === undefined ? -1 : i;
    }
    return this.map!.get(id) ?? -1;
  }
}

/** Largest id a dense IdIndex holds (a 64 MB table at most). */
const DENSE_LIMIT = 1 << 24;

export interface UnitRows {
  /** Rows of unit `u` are `rows[offsets[u]] … rows[offsets[u+1]-1]`. */
  offsets: Int32Array;
  rows: Int32Array;
}

/**
 * pycocotools indexes annotations by id (`COCO.anns[id]`), so every occurrence of a repeated id
 * stands for the LAST annotation with that id. Returns, per row, the row it stands for — or null
 * when ids are unique (the common case, checked cheaply when ids increase).
 */
export function effectiveRows(table: AnnotationTable): Int32Array | null {
  const n = table.length;
  const ids = table.ids;
  let increasing = true;
  for (let r = 1; r < n && increasing; r++) if (!(ids[r] > ids[r - 1])) increasing = false;
  if (increasing) return null;
  const last = new Map<number, number>();
  for (let r = 0; r < n; r++) last.set(ids[r], r);
  if (last.size === n) return null;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) out[r] = last.get(ids[r])!;
  return out;
}

/**
 * Buckets rows into units. With categories, unit = category index × nImages + image index (the
 * order COCOeval.evaluate lists evalImgs in); without, unit = image index and the rows of a unit
 * come category by category in id order, as computeIoU gathers them. Inside a bucket, rows keep
 * the order `getAnnIds` lists them in: image by image (ascending id), file order within.
 */
export function groupRows(
  table: AnnotationTable,
  imageIndex: IdIndex,
  categoryIndex: IdIndex,
  useCats: boolean,
  effective: Int32Array | null,
): UnitRows {
  const nImg = imageIndex.size;
  const nCat = categoryIndex.size;
  const n = table.length;
  const imageIds = table.imageIds;
  const categoryIds = table.categoryIds;
  const buckets = nImg * nCat;
  // Occurrence order: by the occurrence's image (the order getAnnIds walks imgToAnns).
  // (Without repeated ids, occurrence j is row j: no array.)
  let occurrences: Int32Array | null = null;
  if (effective) {
    const occImage = new Int32Array(n);
    const counts = new Int32Array(nImg + 1);
    for (let r = 0; r < n; r++) {
      const i = imageIndex.get(imageIds[r]);
      const keep = i >= 0 && (!useCats || categoryIndex.get(categoryIds[r]) >= 0);
      occImage[r] = keep ? i : -1;
      if (keep) counts[i + 1]++;
    }
    for (let i = 0; i < nImg; i++) counts[i + 1] += counts[i];
    occurrences = new Int32Array(counts[nImg]);
    for (let r = 0; r < n; r++) if (occImage[r] >= 0) occurrences[counts[occImage[r]]++] = r;
  }
  const m = occurrences ? occurrences.length : n;
  const keys = new Int32Array(m);
  const counts = new Int32Array(buckets + 1);
  for (let j = 0; j < m; j++) {
    const o = occurrences ? occurrences[j] : j;
    const e = effective ? effective[o] : o;
    let key = -1;
    if (effective || !useCats || categoryIndex.get(categoryIds[o]) >= 0) {
      const i = imageIndex.get(imageIds[e]);
      const c = categoryIndex.get(categoryIds[e]);
      if (i >= 0 && c >= 0) key = useCats ? c * nImg + i : i * nCat + c;
    }
    keys[j] = key;
    if (key >= 0) counts[key + 1]++;
  }
  for (let b = 0; b < buckets; b++) counts[b + 1] += counts[b];
  const rows = new Int32Array(counts[buckets]);
  const cursor = counts.slice(0, buckets);
  for (let j = 0; j < m; j++) {
    const key = keys[j];
    if (key >= 0) rows[cursor[key]++] = effective && occurrences ? effective[occurrences[j]] : j;
  }
  if (useCats) return { offsets: counts, rows };
  const offsets = new Int32Array(nImg + 1);
  for (let i = 0; i <= nImg; i++) offsets[i] = counts[i * nCat];
  return { offsets, rows };
}
