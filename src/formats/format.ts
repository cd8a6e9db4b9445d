/**
 * A dataset format is a plugin: `detect` recognises it, `read` builds a Dataset, `write`
 * serialises one. Plugins register in `registry.ts`; `convert` and auto-detection look them up
 * there, so adding a format touches no command.
 */
import type { AnnotationTable, Category, Dataset, DatasetInfo, ImageRecord } from '../core/dataset.js';
import type { FileAccess } from '../core/files.js';
import type { LossReport } from './loss.js';

export interface Detected {
  /** 0..1 — the highest-confidence format wins when several recognise a path. */
  confidence: number;
  /** Why, in words a user can check ("found annotations/instances.json with images/annotations/categories keys"). */
  reason: string;
}

export interface ReadOptions {
  /** Warnings that do not stop the read (skipped records, guessed values). */
  warn?: (message: string) => void;
  /** Called with (done, total) during long reads; total may be 0 when unknown. */
  progress?: (done: number, total: number) => void;
  /** Format-specific settings (e.g. `task` for YOLO, `split` for VOC). */
  [option: string]: unknown;
}

export interface WriteOptions {
  /** Where the source images are, so writers can copy them or read their headers. */
  imageRoot?: string;
  /** Copy image files next to the converted annotations when the format needs them. */
  copyImages?: boolean;
  warn?: (message: string) => void;
  progress?: (done: number, total: number) => void;
  [option: string]: unknown;
}

/** What a format can hold; `lossReport` compares a dataset against it. */
export interface FormatCapabilities {
  boxes: boolean;
  polygons: boolean;
  rle: boolean;
  crowd: boolean;
  scores: boolean;
  /** Annotation attributes kept, by name ('*' = any). */
  attributes: string[];
  imageLabels: boolean;
  /** Negatives (images without annotations) survive a write. */
  negatives: boolean;
  /** Category ids are written as given (else renumbered, with names kept). */
  categoryIds: boolean;
  /** Image ids are written as given. */
  imageIds: boolean;
  annotationIds: boolean;
  /** `area` written as given (else recomputed from the box). */
  area: boolean;
  supercategory: boolean;
  splits: boolean;
}

/** Capabilities from what a format holds; everything not named is false. */
export function holds(can: Partial<FormatCapabilities>): FormatCapabilities {
  return {
    boxes: false,
    polygons: false,
    rle: false,
    crowd: false,
    scores: false,
    attributes: [],
    imageLabels: false,
    negatives: false,
    categoryIds: false,
    imageIds: false,
    annotationIds: false,
    area: false,
    supercategory: false,
    splits: false,
    ...can,
  };
}

export interface DatasetFormat {
  /** Name used on the command line (`--from`, `--to`). */
  name: string;
  description: string;
  capabilities: FormatCapabilities;
  /** Output extensions that name this format (`.json` → coco), so `convert` can infer `--to`. */
  fileExtensions?: string[];
  detect(files: FileAccess, path: string): Promise<Detected | null>;
  read(files: FileAccess, path: string, options?: ReadOptions): Promise<Dataset>;
  /** Writes `dataset` at `path` (a file or a folder, as the format wants). */
  write(dataset: Dataset, files: FileAccess, path: string, options?: WriteOptions): Promise<WriteResult>;
  /** Streaming read for record-oriented formats: memory bounded by a batch, not the dataset. */
  readStream?(files: FileAccess, path: string, options?: ReadOptions): Promise<DatasetStream>;
  /** Whether `openStreamWriter` can write this dataset (e.g. YOLO streams the detect task only). */
  canWriteStream?(header: StreamHeader, options?: WriteOptions): boolean;
  /** Streaming write: batches go out as they arrive, whatever needs the whole dataset at `close`. */
  openStreamWriter?(
    files: FileAccess,
    path: string,
    header: StreamHeader,
    options?: WriteOptions,
  ): Promise<StreamWriter>;
}

/** What a stream knows before its first batch. */
export interface StreamHeader {
  categories: Category[];
  info: DatasetInfo;
}

/**
 * A slice of a dataset: some images with their annotation rows. The same image id may come
 * again in a later batch (its rows continue); writers must merge, not duplicate, it.
 */
export interface ImageBatch {
  images: ImageRecord[];
  /** Rows of `images[k]` are `offsets[k] … offsets[k+1]-1` of `annotations`. */
  offsets: ArrayLike<number>;
  /** Boxes in absolute pixels; normalised 0..1 (x, y, w, h) for an image whose size is unknown (0). */
  annotations: AnnotationTable;
  /**
   * The source's normalised corners `x1, y1, x2, y2` per row, when it had them (Open Images):
   * normalised writers use them so values go out as read, without a round trip through pixels.
   */
  corners?: Float64Array;
  /** The file and line each image's first row came from (for messages about the image). */
  sources?: { file: string; lines: ArrayLike<number> };
}

export interface DatasetStream extends StreamHeader {
  batches: AsyncIterable<ImageBatch>;
  /** Files image sizes were read from (for messages about images without a size). */
  sizeSources?: string[];
  /** Where a sizes file would have been looked for, named when there is none. */
  expectedSizeFile?: string;
}

export interface StreamWriter {
  add(batch: ImageBatch): Promise<void>;
  close(): Promise<WriteResult>;
}

export interface WriteResult {
  /** Files written, relative to `path` or absolute. */
  files: string[];
  /** Format-specific losses found while writing (merged with the generic report). */
  loss?: LossReport;
}
