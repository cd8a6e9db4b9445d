/**
 * Scanned Open Images rows → COCO instances, as coco-stream.ts writes them: annotations as the
 * rows come, then the images (in first-seen order) and the categories. A `.json` path is one
 * file; a folder gets `annotations/instances_<split>.json` per split. Pixel boxes need the
 * sizes CSV; an image without a size stops the conversion, naming it.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { DetkitError } from '../core/errors.js';
import { extname, joinPath } from '../core/paths.js';
import { splitsInOneFileLoss } from '../formats/coco-stream.js';
import { categoryLine } from '../formats/coco-write.js';
import { imageFolder, readSizes, splitName, unpackSize } from '../formats/openimages-files.js';
import { type AttributeCounts, ByteText } from '../formats/openimages-lines.js';
import { copyRows } from '../formats/openimages-scan.js';
import { nodeFiles } from '../io/node-files.js';
import { type CocoJob, type JobResult, OpenImagesThreads } from '../io/openimages-threads.js';
import { type OpenImagesSource, type Written, writeThreads } from './convert-openimages.js';

const FLUSH = 4 << 20;

/** One output file. */
interface Target {
  fd: number;
  text: ByteText;
  annotations: number;
  /** Image indices in first-seen order, and the box file each was met in (its folder names it). */
  images: number[];
  imageFiles: number[];
}

export async function writeCocoFromOpenImages(
  src: OpenImagesSource,
  out: string,
  counts: AttributeCounts,
  _warn?: (message: string) => void,
): Promise<Written> {
  const sizes = await readSizes(nodeFiles, src.sizeFiles);
  const asFile = extname(out) === '.json';
  const targets = new Map<string, Target>();
  let width = new Uint32Array(1 << 16);
  let height = new Uint32Array(1 << 16);
  /** The targets holding image k, one bit each (an ImageID can come in two splits' files). */
  let holder = new Uint32Array(1 << 16);
  const targetList: Target[] = [];
  let resolved = 0;
  let nextId = 0;
  let images = 0;
  let splitInSingleFile = 0;

  const targetFor = (split: string | undefined): number => {
    const key = asFile ? '' : (split ?? '');
    let t = targets.get(key);
    if (!t) {
      const file = asFile ? out : joinPath(out, 'annotations', `instances_${key || 'default'}.json`);
      if (!asFile) mkdirSync(joinPath(out, 'annotations'), { recursive: true });
      t = {
        fd: openSync(file, 'w'),
        text: new ByteText(FLUSH + (1 << 16)),
        annotations: 0,
        images: [],
        imageFiles: [],
      };
      t.text.ascii('{\n"annotations":[');
      targets.set(key, t);
      targetList.push(t);
    }
    return targetList.indexOf(t);
  };
  const flush = (t: Target) => {
    writeSync(t.fd, t.text.bytes, 0, t.text.length);
    t.text.clear();
  };

  const threads = new OpenImagesThreads(writeThreads(), new Int32Array(0));
  /** Printed blocks in file order, each with the file it goes to. */
  const printed: [Target, Promise<JobResult>][] = [];
  let turn = 0;
  const writeReady = async (keep: number) => {
    while (printed.length > keep) {
      const [t, result] = printed.shift() as [Target, Promise<JobResult>];
      const { text } = await result;
      if (text) writeSync(t.fd, text);
    }
  };
  try {
    await src.scan(async (rows, f) => {
      if (rows.length === 0) return;
      counts.countRows(rows);
      const ids = src.images.ids;
      if (ids.length > width.length) {
        const n = Math.max(width.length * 2, ids.length);
        width = grow(width, n);
        height = grow(height, n);
        holder = grow(holder, n);
      }
      const folder = imageFolder(src.boxFiles[f].split);
      for (; resolved < ids.length; resolved++) {
        const packed = sizes.get(ids[resolved]);
        if (packed === undefined) {
          throw new DetkitError(
            `image "${folder}/${ids[resolved]}.jpg" has no known size: COCO boxes are in pixels (give the reader image sizes)`,
            { record: `image ${resolved + 1}` },
          );
        }
        [width[resolved], height[resolved]] = unpackSize(packed);
      }
      const split = splitName(src.boxFiles[f].split);
      const index = targetFor(split);
      const t = targetList[index];
      const rowWidth = new Uint32Array(rows.length);
      const rowHeight = new Uint32Array(rows.length);
      for (let row = 0; row < rows.length; row++) {
        const k = rows.image[row];
        rowWidth[row] = width[k];
        rowHeight[row] = height[k];
        const bit = 1 << index;
        if ((holder[k] & bit) === 0) {
          if (holder[k] === 0) {
            images++;
            if (asFile && split) splitInSingleFile++;
          }
          holder[k] |= bit;
          t.images.push(k);
          t.imageFiles.push(f);
        }
      }
      // The head and anything printed here so far go before this block.
      flush(t);
      const job: CocoJob = {
        kind: 'coco',
        rows: copyRows(rows),
        width: rowWidth,
        height: rowHeight,
        firstId: nextId + 1,
        first: t.annotations === 0,
      };
      nextId += rows.length;
      t.annotations += rows.length;
      printed.push([t, (await threads.submit(turn++ % threads.count, job)).result]);
      await writeReady(threads.count * 2);
    });
    await writeReady(0);
    if (targets.size === 0) targetFor(undefined);
    const categories = src.categories.map(categoryLine).join(',\n');
    for (const t of targetList) {
      const text = t.text;
      text.ascii(t.annotations > 0 ? '\n],\n"images":[' : '],\n"images":[');
      t.images.forEach((k, i) => {
        text.ascii(i === 0 ? '\n{"id":' : ',\n{"id":');
        text.uint(k + 1);
        text.ascii(',"file_name":');
        text.text(JSON.stringify(`${imageFolder(src.boxFiles[t.imageFiles[i]].split)}/${src.images.ids[k]}.jpg`));
        text.ascii(',"width":');
        text.uint(width[k]);
        text.ascii(',"height":');
        text.uint(height[k]);
        text.byte(125);
        if (text.length >= FLUSH) flush(t);
      });
      text.ascii(`${t.images.length > 0 ? '\n' : ''}],\n"categories":[`);
      text.text(categories ? `\n${categories}\n]\n}\n` : ']\n}\n');
      flush(t);
    }
  } finally {
    await threads.close().catch(() => {});
    for (const t of targetList) closeSync(t.fd);
  }
  return { images, annotations: nextId, loss: splitsInOneFileLoss(splitInSingleFile) };
}

function grow<T extends Uint8Array | Uint32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
