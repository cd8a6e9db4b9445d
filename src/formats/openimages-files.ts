/**
 * The Open Images download layout and its small CSVs: class descriptions, image-level labels,
 * image sizes. The box CSVs (the big ones) are streamed by openimages-read.ts.
 *
 * Layout, as the official downloads come:
 *   validation-annotations-bbox.csv                     (also oidv6-train-…, train-…, test-…)
 *   class-descriptions-boxable.csv                      (MID,DisplayName; no header)
 *   validation-annotations-human-imagelabels-boxable.csv (oidv7-…-human-imagelabels.csv too)
 *   validation/<ImageID>.jpg
 * No official CSV carries image width and height (the `*-images-with-rotation.csv` lists give
 * OriginalSize in bytes and a Rotation), so sizes come from an `ImageID,Width,Height` CSV
 * (the `sizes` read option, or a `*sizes*.csv` in the folder) or else from the image headers.
 */
import type { Category, CategoryId } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { basename, dirname, joinPath } from '../core/paths.js';
import { forEachLine, lineBlocks, linesOf, splitCsvLine } from './csv-text.js';

export const BOX_FILE = /^(?:oidv\d+-)?(?:(.+)-)?annotations-bbox\.csv$/i;
const LABEL_FILE = /^(?:oidv\d+-)?(?:(.+)-)?annotations-human-imagelabels(?:-boxable)?\.csv$/i;
const CLASS_FILE = /class-descriptions(-boxable)?\.csv$/i;
const SIZES_FILE = /sizes[^/]*\.csv$/i;

/** One CSV of a split; `split` is as the file names it (`validation`, `train`), '' when unnamed. */
export interface SplitFile {
  path: string;
  split: string;
}

export interface OpenImagesLayout {
  dir: string;
  boxFiles: SplitFile[];
  labelFiles: SplitFile[];
  classDescriptions: string | null;
  sizeFiles: string[];
}

/** Open Images calls it `validation`; detkit (and YOLO) call it `val`. */
export function splitName(fileSplit: string): string | undefined {
  if (fileSplit === '') return undefined;
  return fileSplit === 'validation' ? 'val' : fileSplit;
}

export function fileSplitName(split: string | undefined): string {
  return split === undefined ? '' : split === 'val' ? 'validation' : split;
}

/** The folder an image of a box file lives in: `<split>/`, or `images/` when the file names no split. */
export function imageFolder(fileSplit: string): string {
  return fileSplit || 'images';
}

export async function findLayout(files: FileAccess, path: string, sizesOption?: unknown): Promise<OpenImagesLayout> {
  const stat = await files.stat(path);
  if (!stat) throw new DetkitError('no such file or folder', { file: path });
  const dir = stat.isDirectory ? path : dirname(path);
  const names = (await files.list(dir)).filter((e) => !e.isDirectory).map((e) => e.name);
  const splitFiles = (pattern: RegExp, only?: string) =>
    names
      .filter((n) => (only ? n === only : pattern.test(n)))
      .map((n) => ({ path: joinPath(dir, n), split: (pattern.exec(n)?.[1] ?? '').toLowerCase() }));
  const boxFiles = splitFiles(BOX_FILE, stat.isDirectory ? undefined : basename(path));
  if (boxFiles.length === 0) {
    throw new DetkitError('no Open Images box CSV (<split>-annotations-bbox.csv) here', { file: path });
  }
  const classFiles = names.filter((n) => CLASS_FILE.test(n));
  const classFile = classFiles.find((n) => /boxable/i.test(n)) ?? classFiles[0];
  const sizes = typeof sizesOption === 'string' ? [sizesOption] : Array.isArray(sizesOption) ? sizesOption : null;
  return {
    dir,
    boxFiles,
    labelFiles: splitFiles(LABEL_FILE),
    classDescriptions: classFile ? joinPath(dir, classFile) : null,
    sizeFiles: sizes ?? names.filter((n) => SIZES_FILE.test(n)).map((n) => joinPath(dir, n)),
  };
}

/** Every line of a small CSV, split (quotes handled), with its line number. */
async function csvRows(files: FileAccess, path: string, row: (fields: string[], lineNo: number) => void) {
  await forEachLine(files, path, (text, start, end, lineNo) => {
    if (end > start) row(splitCsvLine(text, start, end, path, lineNo), lineNo);
  });
}

export interface ClassDescriptions {
  /** Ids 1..N in file order; `name` is the DisplayName, `extra.mid` the MID. */
  categories: Category[];
  idOfMid: Map<string, CategoryId>;
}

/** `MID,DisplayName` lines; the official file has no header, a `LabelName,DisplayName` one is skipped. */
export async function readClassDescriptions(
  files: FileAccess,
  path: string | null,
  dir = '.',
): Promise<ClassDescriptions> {
  if (!path) {
    throw new DetkitError(
      'no class-descriptions-boxable.csv (MID,DisplayName) next to the box CSV: it names the classes',
      {
        file: joinPath(dir, 'class-descriptions-boxable.csv'),
      },
    );
  }
  const categories: Category[] = [];
  const idOfMid = new Map<string, CategoryId>();
  await csvRows(files, path, (fields, lineNo) => {
    if (lineNo === 1 && /^(MID|LabelName)$/i.test(fields[0]) && /^DisplayName$/i.test(fields[1] ?? '')) return;
    if (fields.length !== 2) {
      throw new DetkitError(`${fields.length} fields where MID,DisplayName needs 2`, { file: path, line: lineNo });
    }
    const [mid, name] = fields;
    if (idOfMid.has(mid)) throw new DetkitError(`MID ${mid} is listed twice`, { file: path, line: lineNo });
    const id = categories.length + 1;
    idOfMid.set(mid, id);
    categories.push({ id, name, extra: { mid } });
  });
  return { categories, idOfMid };
}

/** Width and height by ImageID, packed in one number (width · 2^20 + height). */
export type SizeTable = Map<string, number>;
const SIZE_SHIFT = 1 << 20;

export function unpackSize(packed: number): [width: number, height: number] {
  return [Math.floor(packed / SIZE_SHIFT), packed % SIZE_SHIFT];
}

export async function readSizes(files: FileAccess, paths: string[]): Promise<SizeTable> {
  const sizes: SizeTable = new Map();
  for (const path of paths) {
    let lineNo = 0;
    for await (const block of lineBlocks(files, path)) {
      lineNo = linesOf(block, lineNo, (text, start, end, n) => {
        if (end === start) return;
        const fields = splitCsvLine(text, start, end, path, n);
        if (n === 1) {
          if (fields.join(',') !== 'ImageID,Width,Height') {
            throw new DetkitError(
              `a sizes CSV starts with the header ImageID,Width,Height (found ${fields.join(',')})`,
              {
                file: path,
                line: 1,
              },
            );
          }
          return;
        }
        const width = Number(fields[1]);
        const height = Number(fields[2]);
        if (fields.length !== 3 || !isSize(width) || !isSize(height)) {
          throw new DetkitError('expected ImageID,Width,Height with positive integer sizes', { file: path, line: n });
        }
        sizes.set(fields[0], width * SIZE_SHIFT + height);
      });
    }
  }
  return sizes;
}

function isSize(n: number): boolean {
  return Number.isInteger(n) && n > 0 && n < SIZE_SHIFT;
}

/** Human-verified image-level labels of one image: present (Confidence 1) and absent (0). */
export interface ImageLabels {
  positive: CategoryId[];
  negative: CategoryId[];
}

/** `ImageID,Source,LabelName,Confidence` files, by ImageID, in first-seen order. */
export async function readImageLabels(
  files: FileAccess,
  paths: string[],
  idOfMid: Map<string, CategoryId>,
): Promise<Map<string, ImageLabels>> {
  const labels = new Map<string, ImageLabels>();
  for (const path of paths) {
    let columns: { image: number; label: number; confidence: number } | undefined;
    await csvRows(files, path, (fields, lineNo) => {
      const at = { file: path, line: lineNo };
      if (!columns) {
        columns = { image: fields.indexOf('ImageID'), label: fields.indexOf('LabelName'), confidence: -1 };
        columns.confidence = fields.indexOf('Confidence');
        if (columns.image < 0 || columns.label < 0 || columns.confidence < 0) {
          throw new DetkitError('the header needs ImageID, LabelName and Confidence columns', at);
        }
        return;
      }
      const id = idOfMid.get(fields[columns.label]);
      if (id === undefined) throw new DetkitError(`unknown LabelName "${fields[columns.label]}" (no such MID)`, at);
      const confidence = fields[columns.confidence];
      if (confidence !== '0' && confidence !== '1') {
        throw new DetkitError(`Confidence "${confidence}" of a human-verified label must be 0 or 1`, at);
      }
      const image = fields[columns.image];
      let entry = labels.get(image);
      if (!entry) labels.set(image, (entry = { positive: [], negative: [] }));
      (confidence === '1' ? entry.positive : entry.negative).push(id);
    });
  }
  return labels;
}
