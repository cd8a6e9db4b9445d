/**
 * KITTI read and written as streams: memory bounded by a batch of frames, not the set.
 *
 * A stream names its categories before its first batch, but KITTI names them only in its
 * lines: the reader first reads every label file for its object types (first field, in order of
 * first appearance, numbered as `read` numbers them), then reads the frames batch by batch.
 * Label files are small, so the second read costs little next to the image-header reads.
 */
import { AnnotationTable, type Category, Dataset, type ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { type FileAccess, type FileContent, writeFiles } from '../../core/files.js';
import { joinPath, stem } from '../../core/paths.js';
import type {
  DatasetStream,
  ImageBatch,
  ReadOptions,
  StreamHeader,
  StreamWriter,
  WriteOptions,
  WriteResult,
} from '../format.js';
import { forEachOrdered } from '../shared/ordered.js';
import { SIZE_CONCURRENCY, sizeImagesFromHeaders } from '../shared/values.js';
import { resetTable } from '../stream.js';
import { frameImage, frameLines, kittiFrames, labelPath } from './layout.js';
import { formatObject, type LineLoss, lineLossReport, objectType, readObject } from './lines.js';

const BATCH_FRAMES = 1024;

export async function readKittiStream(
  files: FileAccess,
  path: string,
  options: ReadOptions = {},
): Promise<DatasetStream> {
  const frames = await kittiFrames(files, path);
  const { labels } = frames;
  const load = (name: string) => frameLines(files, frames, name);
  const ids = new Map<string, number>();
  const categories: Category[] = [];
  await forEachOrdered(labels, SIZE_CONCURRENCY, load, (lines) => {
    for (const line of lines) {
      if (line.trim() === '') continue;
      const type = objectType(line);
      if (ids.has(type)) continue;
      ids.set(type, ids.size + 1);
      categories.push({ id: ids.size, name: type });
    }
  });
  const categoryOf = (type: string) => ids.get(type) as number;
  const batchFrames = Math.max(1, Number(options.batchFrames ?? BATCH_FRAMES) | 0);
  // Image sizes come from headers; this empty dataset only tells the sizer where images live.
  const sizer = new Dataset(1);
  sizer.info.imageRoot = frames.imageDir;

  async function* batches(): AsyncIterable<ImageBatch> {
    const t = new AnnotationTable();
    let nextId = 1;
    for (let first = 0; first < labels.length; first += batchFrames) {
      resetTable(t);
      const images: ImageRecord[] = [];
      const offsets = [0];
      await forEachOrdered(labels.slice(first, first + batchFrames), SIZE_CONCURRENCY, load, (lines, name, i) => {
        const k = first + i;
        const file = labelPath(frames, name);
        const image: ImageRecord = { id: k + 1, file: frameImage(frames, name), width: 0, height: 0 };
        images.push(image);
        lines.forEach((text, j) => {
          if (text.trim() !== '') readObject(t, categoryOf, image.id, text, { file, line: j + 1 }, nextId++);
        });
        offsets.push(t.length);
        options.progress?.(k + 1, labels.length);
      });
      await sizeImagesFromHeaders(sizer, images, files);
      yield { images, offsets: Uint32Array.from(offsets), annotations: t };
    }
  }
  return { categories, info: { sourceFormat: 'kitti', imageRoot: frames.imageDir }, batches: batches() };
}

/** Images are not copied by the stream writer (`convert` falls back to the whole-dataset one). */
export function canWriteKittiStream(_header: StreamHeader, options: WriteOptions = {}): boolean {
  return !options.copyImages;
}

/** One label file per frame as its batch arrives; a frame met again has its lines appended at close. */
export async function openKittiStreamWriter(
  files: FileAccess,
  path: string,
  header: StreamHeader,
  options: WriteOptions = {},
): Promise<StreamWriter> {
  const labelDir = joinPath(path, 'label_2');
  await files.mkdir(labelDir);
  const names = new Map(header.categories.map((c) => [c.id, c.name]));
  /** Image id by frame: a second image on the same frame is an error, the same image appends. */
  const owner = new Map<string, number>();
  const appended = new Map<string, string>();
  const loss: LineLoss = { crowd: 0, renamed: 0 };
  let done = 0;
  return {
    async add(batch: ImageBatch) {
      const t = batch.annotations;
      const labels: FileContent[] = [];
      for (let k = 0; k < batch.images.length; k++) {
        const image = batch.images[k];
        const frame = stem(image.file);
        let text = '';
        for (let row = batch.offsets[k]; row < batch.offsets[k + 1]; row++) {
          text += `${formatObject(t, row, names, loss)}\n`;
        }
        const seen = owner.get(frame);
        if (seen !== undefined) {
          if (seen !== image.id) {
            throw new DetkitError(`two images share the KITTI frame name "${frame}" (label_2/${frame}.txt)`, {
              file: image.file,
            });
          }
          if (text) appended.set(frame, (appended.get(frame) ?? '') + text);
          continue;
        }
        owner.set(frame, image.id);
        labels.push({ path: joinPath(labelDir, `${frame}.txt`), data: text });
      }
      await writeFiles(files, labels.length, (k) => labels[k]);
      done += labels.length;
      options.progress?.(done, 0);
    },
    async close(): Promise<WriteResult> {
      for (const [frame, text] of appended) {
        const file = joinPath(labelDir, `${frame}.txt`);
        await files.writeText(file, (await files.readText(file)) + text);
      }
      const written = [...owner.keys()].map((frame) => joinPath(labelDir, `${frame}.txt`));
      return { files: written.sort(), loss: lineLossReport(loss) };
    },
  };
}
