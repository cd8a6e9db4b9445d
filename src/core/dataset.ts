/**
 * The one in-memory dataset model: ground truth for detection and classification, and
 * predictions (the same annotations carrying scores). See DESIGN.md for why annotations are
 * columnar.
 *
 * Coordinate convention: boxes are absolute pixels, `[x, y, w, h]` with (x, y) the top-left
 * corner in COCO's continuous frame (the image spans 0..width, 0..height).
 */
import type { ErrorLocation } from './errors.js';

export type CategoryId = number;
export type ImageId = number;
export type AnnotationId = number;

/** Absolute pixels, top-left corner + size, continuous coordinates. */
export type BoxXYWH = [x: number, y: number, w: number, h: number];
/** Absolute pixels, corners, continuous coordinates. */
export type BoxXYXY = [x1: number, y1: number, x2: number, y2: number];

export interface Category {
  id: CategoryId;
  name: string;
  supercategory?: string;
  /** Fields a format carried that the model has no slot for (kept for a same-format round trip). */
  extra?: Record<string, unknown>;
}

export interface ImageRecord {
  id: ImageId;
  /** Path relative to the dataset's image root, '/'-separated. */
  file: string;
  width: number;
  height: number;
  split?: string;
  tags?: string[];
  /** Image-level labels (classification, Open Images verified labels). */
  labels?: CategoryId[];
  extra?: Record<string, unknown>;
}

/** COCO run-length encoding: `counts` as a number list (uncompressed) or a LEB128-like string. */
export interface RLE {
  size: [height: number, width: number];
  counts: number[] | string;
}

/** Polygons as flat `[x1, y1, x2, y2, …]` lists in absolute pixels, or an RLE — kept as given. */
export type Segmentation = number[][] | RLE;

/** Named per-annotation attributes; the four flags below have first-class storage. */
export interface AnnotationAttributes {
  difficult?: boolean;
  truncated?: boolean;
  occluded?: boolean;
  group_of?: boolean;
  [name: string]: unknown;
}

export interface Annotation {
  id: AnnotationId;
  imageId: ImageId;
  categoryId: CategoryId;
  bbox: BoxXYWH;
  /** Present when the source gave one (COCO's area is the mask area, not w×h). */
  area?: number;
  iscrowd?: boolean;
  /** Present for predictions. */
  score?: number;
  segmentation?: Segmentation;
  attributes?: AnnotationAttributes;
  extra?: Record<string, unknown>;
}

/** Annotation as accepted by `add` — the id is assigned when left out. */
export type NewAnnotation = Omit<Annotation, 'id'> & { id?: AnnotationId };

const FLAG_CROWD = 1;
const FLAG_DIFFICULT = 2;
const FLAG_TRUNCATED = 4;
const FLAG_OCCLUDED = 8;
const FLAG_GROUP_OF = 16;
const FLAG_NAMES: [string, number][] = [
  ['difficult', FLAG_DIFFICULT],
  ['truncated', FLAG_TRUNCATED],
  ['occluded', FLAG_OCCLUDED],
  ['group_of', FLAG_GROUP_OF],
];

/**
 * Columnar annotation storage: typed arrays for the numeric columns (≈69 bytes a box), sparse
 * maps for what most boxes do not have (segmentation, free attributes, unknown source fields).
 * A million boxes cost ~70 MB instead of the ~400 MB the equivalent object array costs.
 */
export class AnnotationTable {
  private capacity: number;
  length = 0;
  ids: Float64Array;
  imageIds: Float64Array;
  categoryIds: Int32Array;
  /** Interleaved x, y, w, h. */
  boxes: Float64Array;
  /** NaN where the source gave no area. */
  areas: Float64Array;
  /** NaN where there is no score (ground truth). */
  scores: Float64Array;
  flags: Uint8Array;
  readonly segmentations = new Map<number, Segmentation>();
  /** Attributes other than the four flags, by row. */
  readonly attributes = new Map<number, Record<string, unknown>>();
  readonly extras = new Map<number, Record<string, unknown>>();
  private nextId = 1;

  constructor(capacity = 1024) {
    this.capacity = Math.max(16, capacity);
    this.ids = new Float64Array(this.capacity);
    this.imageIds = new Float64Array(this.capacity);
    this.categoryIds = new Int32Array(this.capacity);
    this.boxes = new Float64Array(this.capacity * 4);
    this.areas = new Float64Array(this.capacity);
    this.scores = new Float64Array(this.capacity);
    this.flags = new Uint8Array(this.capacity);
  }

  private grow(min: number): void {
    let cap = this.capacity;
    while (cap < min) cap = Math.ceil(cap * 1.5);
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(a: T, width = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * width);
      b.set(a.subarray(0, this.length * width));
      return b;
    };
    this.ids = grown(this.ids);
    this.imageIds = grown(this.imageIds);
    this.categoryIds = grown(this.categoryIds);
    this.boxes = grown(this.boxes, 4);
    this.areas = grown(this.areas);
    this.scores = grown(this.scores);
    this.flags = grown(this.flags);
    this.capacity = cap;
  }

  /** Makes room for `rows` rows in all, so a reader that knows its count grows the columns once. */
  reserve(rows: number): void {
    if (rows > this.capacity) this.grow(rows);
  }

  /** Appends one annotation and returns its row. */
  add(a: NewAnnotation): number {
    const row = this.addBox(
      a.imageId,
      a.categoryId,
      a.bbox[0],
      a.bbox[1],
      a.bbox[2],
      a.bbox[3],
      a.score ?? Number.NaN,
      a.id,
    );
    if (a.area !== undefined) this.areas[row] = a.area;
    let flags = a.iscrowd ? FLAG_CROWD : 0;
    if (a.attributes) {
      let rest: Record<string, unknown> | undefined;
      for (const [key, value] of Object.entries(a.attributes)) {
        const bit = FLAG_NAMES.find(([name]) => name === key)?.[1];
        if (bit !== undefined && typeof value === 'boolean') {
          if (value) flags |= bit;
        } else if (value !== undefined) {
          rest ??= {};
          rest[key] = value;
        }
      }
      if (rest) this.attributes.set(row, rest);
    }
    this.flags[row] = flags;
    if (a.segmentation !== undefined) this.segmentations.set(row, a.segmentation);
    if (a.extra && Object.keys(a.extra).length > 0) this.extras.set(row, a.extra);
    return row;
  }

  /** The hot path for readers: numeric columns only. `id` is assigned when left out. */
  addBox(
    imageId: ImageId,
    categoryId: CategoryId,
    x: number,
    y: number,
    w: number,
    h: number,
    score = Number.NaN,
    id?: AnnotationId,
  ): number {
    if (this.length === this.capacity) this.grow(this.length + 1);
    const row = this.length++;
    const assigned = id ?? this.nextId;
    if (assigned >= this.nextId) this.nextId = Math.floor(assigned) + 1;
    this.ids[row] = assigned;
    this.imageIds[row] = imageId;
    this.categoryIds[row] = categoryId;
    const b = row * 4;
    this.boxes[b] = x;
    this.boxes[b + 1] = y;
    this.boxes[b + 2] = w;
    this.boxes[b + 3] = h;
    this.areas[row] = Number.NaN;
    this.scores[row] = score;
    this.flags[row] = 0;
    return row;
  }

  bbox(row: number): BoxXYWH {
    const b = row * 4;
    return [this.boxes[b], this.boxes[b + 1], this.boxes[b + 2], this.boxes[b + 3]];
  }

  setBox(row: number, box: BoxXYWH): void {
    this.boxes.set(box, row * 4);
  }

  isCrowd(row: number): boolean {
    return (this.flags[row] & FLAG_CROWD) !== 0;
  }

  setCrowd(row: number, crowd: boolean): void {
    this.flags[row] = crowd ? this.flags[row] | FLAG_CROWD : this.flags[row] & ~FLAG_CROWD;
  }

  hasScore(row: number): boolean {
    return !Number.isNaN(this.scores[row]);
  }

  hasArea(row: number): boolean {
    return !Number.isNaN(this.areas[row]);
  }

  /** The area COCO evaluation uses: the given `area`, else w×h. */
  effectiveArea(row: number): number {
    const a = this.areas[row];
    return Number.isNaN(a) ? this.boxes[row * 4 + 2] * this.boxes[row * 4 + 3] : a;
  }

  flag(row: number, name: 'difficult' | 'truncated' | 'occluded' | 'group_of'): boolean {
    const bit = FLAG_NAMES.find(([n]) => n === name)?.[1] ?? 0;
    return (this.flags[row] & bit) !== 0;
  }

  setFlag(row: number, name: 'difficult' | 'truncated' | 'occluded' | 'group_of', on: boolean): void {
    const bit = FLAG_NAMES.find(([n]) => n === name)?.[1] ?? 0;
    this.flags[row] = on ? this.flags[row] | bit : this.flags[row] & ~bit;
  }

  /** All attributes of a row, the four flags included (only those set). */
  attributesOf(row: number): AnnotationAttributes | undefined {
    const f = this.flags[row];
    const rest = this.attributes.get(row);
    if (!rest && (f & ~FLAG_CROWD) === 0) return undefined;
    const out: AnnotationAttributes = {};
    for (const [name, bit] of FLAG_NAMES) if (f & bit) out[name] = true;
    return rest ? Object.assign(out, rest) : out;
  }

  /** Materialises one row as an object (for writers of object formats, tests, small data). */
  get(row: number): Annotation {
    if (row < 0 || row >= this.length) throw new RangeError(`annotation row ${row} out of range`);
    const a: Annotation = {
      id: this.ids[row],
      imageId: this.imageIds[row],
      categoryId: this.categoryIds[row],
      bbox: this.bbox(row),
    };
    if (this.hasArea(row)) a.area = this.areas[row];
    if (this.isCrowd(row)) a.iscrowd = true;
    if (this.hasScore(row)) a.score = this.scores[row];
    const seg = this.segmentations.get(row);
    if (seg !== undefined) a.segmentation = seg;
    const attrs = this.attributesOf(row);
    if (attrs) a.attributes = attrs;
    const extra = this.extras.get(row);
    if (extra) a.extra = extra;
    return a;
  }

  *[Symbol.iterator](): IterableIterator<Annotation> {
    for (let row = 0; row < this.length; row++) yield this.get(row);
  }

  /** A new table holding the given rows, in the given order. */
  select(rows: ArrayLike<number>): AnnotationTable {
    const out = new AnnotationTable(rows.length);
    for (let i = 0; i < rows.length; i++) out.copyRowFrom(this, rows[i]);
    return out;
  }

  /** Appends row `row` of `source` unchanged (id included). */
  copyRowFrom(source: AnnotationTable, row: number): number {
    const b = row * 4;
    const r = this.addBox(
      source.imageIds[row],
      source.categoryIds[row],
      source.boxes[b],
      source.boxes[b + 1],
      source.boxes[b + 2],
      source.boxes[b + 3],
      source.scores[row],
      source.ids[row],
    );
    this.areas[r] = source.areas[row];
    this.flags[r] = source.flags[row];
    const seg = source.segmentations.get(row);
    if (seg !== undefined) this.segmentations.set(r, seg);
    const attrs = source.attributes.get(row);
    if (attrs) this.attributes.set(r, attrs);
    const extra = source.extras.get(row);
    if (extra) this.extras.set(r, extra);
    return r;
  }

  /** Rows whose predicate holds. */
  filterRows(keep: (row: number) => boolean): number[] {
    const rows: number[] = [];
    for (let row = 0; row < this.length; row++) if (keep(row)) rows.push(row);
    return rows;
  }

  /** Bytes held by the typed columns (for memory reports). */
  byteSize(): number {
    return this.capacity * (8 + 8 + 4 + 32 + 8 + 8 + 1);
  }
}

export type DatasetTask = 'detection' | 'classification' | 'segmentation' | 'obb';

export interface DatasetInfo {
  /** Format the dataset was read from (for messages). */
  sourceFormat?: string;
  /** Where image files live; `ImageRecord.file` is relative to it. */
  imageRoot?: string;
  task?: DatasetTask;
  /**
   * Encoded bytes of images that exist only inside the annotation files (TFRecord, MNIST,
   * CIFAR), by image id. Writers that copy images take them from here before the image root.
   */
  embeddedImages?: Map<ImageId, Uint8Array>;
  /** Top-level fields a format carried (COCO `info`, `licenses`, …). */
  extra?: Record<string, unknown>;
  /**
   * Traces an image (index in `images`) or annotation (row) back to the record it was read
   * from, for messages. Set by readers; valid only while images and rows keep their read order.
   */
  locate?: (kind: RecordKind, index: number) => ErrorLocation;
}

export type RecordKind = 'image' | 'annotation' | 'category';

export class Dataset {
  categories: Category[] = [];
  images: ImageRecord[] = [];
  annotations: AnnotationTable;
  info: DatasetInfo = {};

  constructor(annotationCapacity = 1024) {
    this.annotations = new AnnotationTable(annotationCapacity);
  }

  addCategory(category: Category): Category {
    this.categories.push(category);
    return category;
  }

  addImage(image: ImageRecord): ImageRecord {
    this.images.push(image);
    return image;
  }

  /** Next unused image id (max + 1). */
  nextImageId(): ImageId {
    let max = 0;
    for (const im of this.images) if (im.id > max) max = im.id;
    return max + 1;
  }

  categoryById(): Map<CategoryId, Category> {
    return new Map(this.categories.map((c) => [c.id, c]));
  }

  imageById(): Map<ImageId, ImageRecord> {
    return new Map(this.images.map((im) => [im.id, im]));
  }

  /** True when any annotation carries a score: the dataset holds predictions. */
  hasScores(): boolean {
    const s = this.annotations.scores;
    for (let i = 0; i < this.annotations.length; i++) if (!Number.isNaN(s[i])) return true;
    return false;
  }

  /**
   * Annotation rows grouped by image, in `images` order: rows of image `k` are
   * `order[offsets[k]] … order[offsets[k+1]-1]`, in their table order. Rows whose image id is
   * unknown are left out (see `orphanRows`).
   */
  rowsByImage(): { offsets: Uint32Array; order: Uint32Array } {
    const indexOf = new Map<ImageId, number>();
    this.images.forEach((im, k) => indexOf.set(im.id, k));
    const n = this.annotations.length;
    const imageIndex = new Int32Array(n);
    const counts = new Uint32Array(this.images.length + 1);
    for (let row = 0; row < n; row++) {
      const k = indexOf.get(this.annotations.imageIds[row]);
      imageIndex[row] = k ?? -1;
      if (k !== undefined) counts[k + 1]++;
    }
    for (let k = 0; k < this.images.length; k++) counts[k + 1] += counts[k];
    const offsets = counts.slice();
    const cursor = counts.slice(0, this.images.length);
    const order = new Uint32Array(offsets[this.images.length]);
    for (let row = 0; row < n; row++) {
      const k = imageIndex[row];
      if (k >= 0) order[cursor[k]++] = row;
    }
    return { offsets, order };
  }

  /** A dataset with the same categories and info, the given images and annotation rows. */
  derive(images: ImageRecord[], rows: ArrayLike<number>): Dataset {
    const out = new Dataset(0);
    out.categories = this.categories.map((c) => ({ ...c }));
    out.images = images;
    out.annotations = this.annotations.select(rows);
    const { locate: _, ...info } = this.info;
    out.info = info;
    return out;
  }
}
