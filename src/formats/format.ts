/**
 * A dataset format is a plugin: `detect` recognises it, `read` builds a Dataset, `write`
 * serialises one. Plugins register in `registry.ts`; `convert` and auto-detection look them up
 * there, so adding a format touches no command.
 */
import type { Dataset } from '../core/dataset.js';
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
}

export interface WriteResult {
  /** Files written, relative to `path` or absolute. */
  files: string[];
  /** Format-specific losses found while writing (merged with the generic report). */
  loss?: LossReport;
}
