/**
 * Open Images writer, streaming (a whole dataset goes through it as batches):
 *   class-descriptions-boxable.csv            MID,DisplayName (no header, as the official file)
 *   <split>-annotations-bbox.csv              the 13 standard columns, XMin,XMax,YMin,YMax order
 *   <split>-annotations-human-imagelabels-boxable.csv   when images carry labels
 *   image-sizes.csv                           ImageID,Width,Height (read back instead of headers)
 * `validation` is the file name of detkit's `val` split; images without a split go to
 * `annotations-bbox.csv`. The MID is the category's `extra.mid`, else its name. The ImageID is
 * the image file's stem. Boxes are normalised from pixels, or written from the source's
 * normalised corners when the batch has them (values out exactly as read).
 */
import type { Category, ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { ByteSink, FileAccess } from '../core/files.js';
import { joinPath, stem } from '../core/paths.js';
import { csvField } from './csv-text.js';
import type { ImageBatch, StreamHeader, StreamWriter, WriteOptions, WriteResult } from './format.js';
import type { LossReport } from './loss.js';
import { fileSplitName } from './openimages-files.js';

const BOX_HEADER =
  'ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside\n';
const LABEL_HEADER = 'ImageID,Source,LabelName,Confidence\n';
const CHUNK = 1 << 20;

/** A file written in ~1 MB chunks. */
class BufferedFile {
  private text = '';
  private constructor(private readonly sink: ByteSink) {}

  static async open(files: FileAccess, path: string, header: string): Promise<BufferedFile> {
    const file = new BufferedFile(await files.openWriter(path));
    file.text = header;
    return file;
  }

  async add(text: string): Promise<void> {
    this.text += text;
    if (this.text.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.text.length === 0) return;
    const chunk = this.text;
    this.text = '';
    await this.sink.write(chunk);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.sink.close();
  }
}

export async function openOpenImagesWriter(
  files: FileAccess,
  path: string,
  header: StreamHeader,
  options: WriteOptions = {},
): Promise<StreamWriter> {
  const out = joinPath(path);
  const mid = new Map<number, string>();
  const mids = new Set<string>();
  for (const c of header.categories) {
    const m = categoryMid(c);
    if (mids.has(m)) throw new DetkitError(`two categories would share the MID "${m}"`, { record: `category ${c.id}` });
    mids.add(m);
    mid.set(c.id, m);
  }
  const written = ['class-descriptions-boxable.csv'];
  await files.writeText(
    `${out}/class-descriptions-boxable.csv`,
    header.categories.map((c) => `${csvField(categoryMid(c))},${csvField(c.name)}\n`).join(''),
  );
  const boxFiles = new Map<string, BufferedFile>();
  const labelFiles = new Map<string, BufferedFile>();
  const sizes = await BufferedFile.open(files, `${out}/image-sizes.csv`, 'ImageID,Width,Height\n');
  const seen = new Set<number>();
  /** Images with neither a box nor a label so far: no file line holds them. */
  const bare = new Set<number>();
  let crowd = 0;
  let unsized = 0;
  let done = 0;

  const fileFor = async (map: Map<string, BufferedFile>, split: string | undefined, kind: string, head: string) => {
    const name = `${fileSplitName(split) ? `${fileSplitName(split)}-` : ''}${kind}.csv`;
    let file = map.get(name);
    if (!file) {
      file = await BufferedFile.open(files, `${out}/${name}`, head);
      map.set(name, file);
      written.push(name);
    }
    return file;
  };
  const midOf = (id: number, where: string) => {
    const m = mid.get(id);
    if (m === undefined) throw new DetkitError(`category id ${id} is not in the category list`, { record: where });
    return m;
  };

  return {
    async add(batch: ImageBatch) {
      const t = batch.annotations;
      const corners = batch.corners;
      for (let k = 0; k < batch.images.length; k++) {
        const im = batch.images[k];
        const imageId = stem(im.file);
        const known = im.width > 0 && im.height > 0;
        const first = batch.offsets[k];
        const end = batch.offsets[k + 1];
        if (!known && end > first && !corners) {
          throw new DetkitError(`image "${im.file}" has no size: Open Images boxes are relative to it`, {
            record: `image ${im.id}`,
          });
        }
        let text = '';
        for (let row = first; row < end; row++) {
          let x1: number;
          let y1: number;
          let x2: number;
          let y2: number;
          if (corners) {
            [x1, y1, x2, y2] = [corners[row * 4], corners[row * 4 + 1], corners[row * 4 + 2], corners[row * 4 + 3]];
          } else {
            const b = row * 4;
            x1 = t.boxes[b] / im.width;
            y1 = t.boxes[b + 1] / im.height;
            x2 = (t.boxes[b] + t.boxes[b + 2]) / im.width;
            y2 = (t.boxes[b + 1] + t.boxes[b + 3]) / im.height;
          }
          if (t.isCrowd(row)) crowd++;
          const extra = t.extras.get(row);
          const attrs = t.attributes.get(row);
          const source = typeof extra?.source === 'string' ? extra.source : 'xclick';
          const confidence = t.hasScore(row)
            ? t.scores[row]
            : typeof extra?.confidence === 'number'
              ? extra.confidence
              : 1;
          const flag = (name: 'occluded' | 'truncated' | 'group_of') =>
            attrs?.[name] === null ? -1 : t.flag(row, name) ? 1 : 0;
          const other = (name: string) => (attrs?.[name] === null ? -1 : attrs?.[name] === true ? 1 : 0);
          text += `${imageId},${csvField(source)},${csvField(midOf(t.categoryIds[row], `annotation ${t.ids[row]}`))},${confidence},${x1},${x2},${y1},${y2},${flag('occluded')},${flag('truncated')},${flag('group_of')},${other('depiction')},${other('inside')}\n`;
        }
        if (text) {
          await (await fileFor(boxFiles, im.split, 'annotations-bbox', BOX_HEADER)).add(text);
          bare.delete(im.id);
        }
        if (seen.has(im.id)) continue;
        seen.add(im.id);
        if (known) await sizes.add(`${imageId},${im.width},${im.height}\n`);
        else unsized++;
        const labels = labelLines(im, imageId, midOf);
        if (!labels && !text) bare.add(im.id);
        if (labels) {
          await (await fileFor(labelFiles, im.split, 'annotations-human-imagelabels-boxable', LABEL_HEADER)).add(
            labels,
          );
        }
        options.progress?.(++done, 0);
      }
    },

    async close(): Promise<WriteResult> {
      for (const file of [...boxFiles.values(), ...labelFiles.values()]) await file.close();
      await sizes.close();
      written.push('image-sizes.csv');
      const loss: LossReport = [];
      if (bare.size > 0) {
        loss.push({ what: 'negatives', count: bare.size, message: 'images with neither boxes nor image-level labels' });
      }
      if (crowd > 0) loss.push({ what: 'crowd', count: crowd, message: 'crowd flags (Open Images has IsGroupOf)' });
      if (unsized > 0) {
        options.warn?.(`${unsized} images have no known size: image-sizes.csv leaves them out`);
      }
      if (options.copyImages) options.warn?.('the Open Images writer does not copy images');
      return { files: written, loss };
    },
  };
}

function categoryMid(c: Category): string {
  return typeof c.extra?.mid === 'string' ? c.extra.mid : c.name;
}

/** Present labels with Confidence 1, known-absent ones (`extra.negative_labels`) with 0. */
function labelLines(im: ImageRecord, imageId: string, midOf: (id: number, where: string) => string): string {
  let text = '';
  for (const id of im.labels ?? []) text += `${imageId},verification,${csvField(midOf(id, `image ${im.id}`))},1\n`;
  const negative = im.extra?.negative_labels;
  if (Array.isArray(negative)) {
    for (const id of negative) text += `${imageId},verification,${csvField(midOf(id, `image ${im.id}`))},0\n`;
  }
  return text;
}
