/**
 * Open Images → YOLO / COCO at train scale (14.6 million boxes, 1.7 million images): the box
 * CSVs are scanned from bytes (formats/openimages-scan.ts) and printed straight into byte
 * buffers (formats/openimages-lines.ts), with YOLO's label files created by worker threads
 * (io/label-files.ts). Output and loss report are the ones the general streamed conversion
 * gives; this path only takes the layouts it covers and returns null otherwise:
 * no image-level label CSVs, the 13 standard box columns, and for COCO no image folder
 * (sizes come from the sizes CSV).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Category } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { joinPath } from '../core/paths.js';
import { splitCsvLine } from '../formats/csv-text.js';
import type { DatasetFormat, LossReport } from '../formats/index.js';
import { findLayout, readClassDescriptions, type SplitFile } from '../formats/openimages-files.js';
import { AttributeCounts } from '../formats/openimages-lines.js';
import { type BoxRows, BoxScanner, ImageIndex, scannable } from '../formats/openimages-scan.js';
import { nodeFiles, writeAtomically } from '../io/node-files.js';
import { writeCocoFromOpenImages } from './convert-openimages-coco.js';
import { writeYoloFromOpenImages } from './convert-openimages-yolo.js';
import type { StreamedConversion } from './convert-stream.js';

const CHUNK = 8 << 20;

/** What both targets get: the classes, the images met so far, and the rows box file by box file. */
export interface OpenImagesSource {
  categories: Category[];
  images: ImageIndex;
  /** Box file of each image's first row (its split and folder), by image index. */
  boxFiles: SplitFile[];
  dir: string;
  sizeFiles: string[];
  /** Calls `rows` for each block of scanned rows; `file` is the index into boxFiles. */
  scan(rows: (rows: BoxRows, file: number) => Promise<void> | void): Promise<void>;
}

export async function convertOpenImagesFast(
  source: DatasetFormat,
  target: DatasetFormat,
  input: string,
  output: string,
  refuse: (loss: LossReport) => void,
  progress: (done: number, total: number) => void,
  warn: (message: string) => void,
): Promise<StreamedConversion | null> {
  if (source.name !== 'openimages' || (target.name !== 'yolo' && target.name !== 'coco')) return null;
  // The general streamed path, for comparisons (tests, benchmarks).
  if (process.env.DETKIT_OPENIMAGES_GENERAL === '1') return null;
  const layout = await findLayout(nodeFiles, input);
  // Image-level labels are left to the general path, as are more splits than a bit mask holds.
  if (layout.labelFiles.length > 0 || layout.boxFiles.length > 32) return null;
  for (const box of layout.boxFiles) {
    if (!scannable(headerOf(box.path))) return null;
    if (target.name === 'coco' && (await nodeFiles.stat(joinPath(layout.dir, box.split || 'images')))?.isDirectory) {
      return null;
    }
  }
  const { categories, idOfMid } = await readClassDescriptions(nodeFiles, layout.classDescriptions, layout.dir);
  let total = 0;
  for (const box of layout.boxFiles) total += (await nodeFiles.stat(box.path))?.size ?? 0;
  const images = new ImageIndex();
  const src: OpenImagesSource = {
    categories,
    images,
    boxFiles: layout.boxFiles,
    dir: layout.dir,
    sizeFiles: layout.sizeFiles,
    async scan(each) {
      const buffer = new Uint8Array(CHUNK);
      let done = 0;
      for (let f = 0; f < layout.boxFiles.length; f++) {
        const file = layout.boxFiles[f].path;
        const scanner = new BoxScanner(file, layout.classDescriptions ?? '', idOfMid, images);
        const fd = openSync(file, 'r');
        try {
          for (;;) {
            const n = readSync(fd, buffer, 0, CHUNK, null);
            if (n === 0) break;
            await each(scanner.push(buffer.subarray(0, n)), f);
            done += n;
            progress(done, total);
          }
        } finally {
          closeSync(fd);
        }
        await each(scanner.end(), f);
      }
    },
  };
  const counts = new AttributeCounts();
  const write = target.name === 'yolo' ? writeYoloFromOpenImages : writeCocoFromOpenImages;
  return writeAtomically(output, async (path) => {
    const written = await write(src, path, counts, warn);
    const held = target.capabilities.attributes;
    const loss: LossReport = held.includes('*')
      ? []
      : counts
          .entries()
          .filter(([name]) => !held.includes(name))
          .map(([name, count]) => ({ what: `attribute:${name}`, count, message: `the "${name}" attribute` }));
    const all = [...loss, ...written.loss];
    refuse(all);
    return { images: written.images, annotations: written.annotations, loss: all };
  });
}

/** Worker threads for printing and file creation: DETKIT_THREADS, else the cores (at least 1, at most 4). */
export function writeThreads(): number {
  return Number(process.env.DETKIT_THREADS) || Math.max(1, Math.min(4, availableParallelism()));
}

export interface Written {
  images: number;
  annotations: number;
  loss: LossReport;
}

/** The header line of a box CSV, split (quotes handled). */
function headerOf(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    let text = new TextDecoder().decode(head.subarray(0, n));
    const cut = text.indexOf('\n');
    if (cut >= 0) text = text.slice(0, cut);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return splitCsvLine(text, 0, text.length, path, 1);
  } catch (e) {
    if (e instanceof DetkitError) return [];
    throw e;
  } finally {
    closeSync(fd);
  }
}
