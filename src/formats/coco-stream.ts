/**
 * COCO instances written as batches arrive: annotations go straight to the file, images are
 * kept as their serialised lines (an image met again is written once) and, with the
 * categories, close the JSON object. Key order is `annotations`, `images`, `categories` —
 * JSON objects are unordered, and every COCO reader parses the whole file. Records are
 * serialised by coco-write.ts, so both writers produce the same lines.
 *
 * Like the whole-dataset writer: a `.json` path is one file; a folder gets
 * `annotations/instances_<split>.json` per split (`instances_default.json` without splits).
 */
import type { ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { extname, joinPath } from '../core/paths.js';
import { annotationRecord, ChunkedWriter, categoryLine, imageLine } from './coco-write.js';
import type { ImageBatch, StreamHeader, StreamWriter, WriteOptions, WriteResult } from './format.js';
import type { LossReport } from './loss.js';

const IMAGE_PART = 1 << 20;

interface CocoTarget {
  path: string;
  out: ChunkedWriter;
  annotations: number;
  /** Serialised image lines, joined in ~1 MB parts (a few thousand strings, not millions). */
  imageParts: string[];
  imageText: string;
  images: Set<number>;
}

/** What one COCO file loses of `count` images' splits (a folder keeps one file per split). */
export function splitsInOneFileLoss(count: number): LossReport {
  if (count === 0) return [];
  return [
    {
      what: 'splits',
      count,
      message: 'split assignments in a single JSON file (write to a folder to keep one file per split)',
    },
  ];
}

export function canWriteCocoStream(_header: StreamHeader, options: WriteOptions = {}): boolean {
  return options.results !== true && !options.copyImages;
}

export async function openCocoStreamWriter(
  files: FileAccess,
  path: string,
  header: StreamHeader,
  options: WriteOptions = {},
): Promise<StreamWriter> {
  const asFile = extname(path) === '.json';
  const targets = new Map<string, CocoTarget>();
  let splitInSingleFile = 0;
  let done = 0;

  const targetFor = async (im: ImageRecord): Promise<CocoTarget> => {
    const key = asFile ? '' : (im.split ?? '');
    let target = targets.get(key);
    if (target) return target;
    const file = asFile ? path : joinPath(path, 'annotations', `instances_${key || 'default'}.json`);
    const out = new ChunkedWriter(await files.openWriter(file));
    let head = '{\n';
    const extra = header.info.extra ?? {};
    for (const name in extra) {
      if (name === 'images' || name === 'annotations' || name === 'categories' || extra[name] === undefined) continue;
      head += `${JSON.stringify(name)}:${JSON.stringify(extra[name])},\n`;
    }
    out.add(`${head}"annotations":[`);
    target = { path: file, out, annotations: 0, imageParts: [], imageText: '', images: new Set() };
    targets.set(key, target);
    return target;
  };

  return {
    async add(batch: ImageBatch) {
      const t = batch.annotations;
      for (let k = 0; k < batch.images.length; k++) {
        const im = batch.images[k];
        if (!(im.width > 0 && im.height > 0)) {
          throw new DetkitError(
            `image "${im.file}" has no known size: COCO boxes are in pixels (give the reader image sizes)`,
            { record: `image ${im.id}` },
          );
        }
        const target = await targetFor(im);
        const { out } = target;
        for (let row = batch.offsets[k]; row < batch.offsets[k + 1]; row++) {
          out.add(`${target.annotations++ === 0 ? '\n' : ',\n'}${annotationRecord(t, row)}`);
        }
        if (out.full) await out.flush();
        if (target.images.has(im.id)) continue;
        target.images.add(im.id);
        if (asFile && im.split) splitInSingleFile++;
        target.imageText += `${target.images.size === 1 ? '\n' : ',\n'}${imageLine(im)}`;
        if (target.imageText.length >= IMAGE_PART) {
          target.imageParts.push(target.imageText);
          target.imageText = '';
        }
        options.progress?.(++done, 0);
      }
    },

    async close(): Promise<WriteResult> {
      if (targets.size === 0) await targetFor({ id: 0, file: '', width: 1, height: 1 });
      const categories = header.categories.map(categoryLine).join(',\n');
      for (const target of targets.values()) {
        const { out } = target;
        await out.put(target.annotations > 0 ? '\n],\n"images":[' : '],\n"images":[');
        for (const part of target.imageParts) await out.put(part);
        await out.put(`${target.imageText}${target.images.size > 0 ? '\n' : ''}],\n"categories":[`);
        await out.put(categories ? `\n${categories}\n]\n}\n` : ']\n}\n');
        await out.close();
      }
      const loss = splitsInOneFileLoss(splitInSingleFile);
      return { files: [...targets.values()].map((t) => t.path), loss };
    },
  };
}
