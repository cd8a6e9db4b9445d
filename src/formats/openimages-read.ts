/**
 * Open Images box CSVs streamed as image batches. Columns are found by header name — the file
 * order is XMin, XMax, YMin, YMax (not x1, y1, x2, y2) and normalised 0..1. Consecutive lines
 * of one ImageID form an image (the official files are sorted by it); an ImageID met again
 * later keeps its image id, and writers merge it.
 *
 * Per box: IsOccluded / IsTruncated / IsGroupOf → the occluded / truncated / group_of flags,
 * IsDepiction / IsInside → `depiction` / `inside` attributes when 1; -1 (unknown) → the
 * attribute set to null. Source other than `xclick` and Confidence other than 1 go to the
 * annotation's `extra` (source, confidence), as do columns beyond the 13 standard ones.
 */
import { AnnotationTable, type ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { readImageSize } from '../core/image-size.js';
import { joinPath } from '../core/paths.js';
import { FILE_CONCURRENCY, mapPool } from '../core/pool.js';
import { detachedString, lineBlocks, linesOf, parseDecimal, splitCsvLine } from './csv-text.js';
import type { DatasetStream, ImageBatch, ReadOptions } from './format.js';
import {
  findLayout,
  type ImageLabels,
  imageFolder,
  readClassDescriptions,
  readImageLabels,
  readSizes,
  type SizeTable,
  type SplitFile,
  splitName,
  unpackSize,
} from './openimages-files.js';

const REQUIRED = ['ImageID', 'LabelName', 'XMin', 'XMax', 'YMin', 'YMax'] as const;
const FLAGS = [
  ['IsOccluded', 'occluded'],
  ['IsTruncated', 'truncated'],
  ['IsGroupOf', 'group_of'],
  ['IsDepiction', 'depiction'],
  ['IsInside', 'inside'],
] as const;
/** The table's flag bits for IsOccluded, IsTruncated, IsGroupOf (learnt from the table, not copied). */
const FLAG_BITS = FLAGS.slice(0, 3).map(([, name]) => {
  const probe = new AnnotationTable(1);
  probe.setFlag(probe.addBox(0, 0, 0, 0, 0, 0), name as 'occluded', true);
  return probe.flags[0];
});
const KNOWN = new Set<string>([...REQUIRED, 'Source', 'Confidence', ...FLAGS.map(([column]) => column)]);

export interface OpenImagesReadOptions extends ReadOptions {
  /** `ImageID,Width,Height` CSV path(s); default: `*sizes*.csv` in the folder, else image headers. */
  sizes?: string | string[];
}

export async function openImagesStream(
  files: FileAccess,
  path: string,
  options: OpenImagesReadOptions = {},
): Promise<DatasetStream> {
  const layout = await findLayout(files, path, options.sizes);
  const { categories, idOfMid } = await readClassDescriptions(files, layout.classDescriptions, layout.dir);
  const sizes = await readSizes(files, layout.sizeFiles);
  const state: StreamState = {
    files,
    idOfMid,
    classFile: layout.classDescriptions ?? '',
    sizes,
    imageIds: new Map(),
    options,
    nextRow: 0,
  };
  let total = 0;
  for (const f of layout.boxFiles) total += (await files.stat(f.path))?.size ?? 0;
  state.total = total;
  return {
    sizeSources: layout.sizeFiles,
    expectedSizeFile: joinPath(layout.dir, 'image-sizes.csv'),
    categories,
    info: { sourceFormat: 'openimages', imageRoot: layout.dir, task: 'detection' },
    batches: (async function* () {
      for (const boxFile of layout.boxFiles) {
        const labelPaths = layout.labelFiles.filter((f) => f.split === boxFile.split).map((f) => f.path);
        const labels = await readImageLabels(files, labelPaths, idOfMid);
        const folder = joinPath(layout.dir, imageFolder(boxFile.split));
        const hasImages = (await files.stat(folder))?.isDirectory ?? false;
        yield* boxBatches(state, boxFile, labels, hasImages ? layout.dir : null);
      }
    })(),
  };
}

interface StreamState {
  files: FileAccess;
  idOfMid: Map<string, number>;
  /** Where the MIDs come from, for messages. */
  classFile: string;
  sizes: SizeTable;
  /** Image id by ImageID, over every file of the stream. */
  imageIds: Map<string, number>;
  options: OpenImagesReadOptions;
  total?: number;
  done?: number;
  nextRow: number;
}

/** A batch under construction: whole images only; the open image moves on to the next one. */
class BatchBuilder {
  images: ImageRecord[] = [];
  offsets: number[] = [0];
  /** Line of each image's first row here (0 for an image without rows). */
  lines: number[] = [];
  file = '';
  table: AnnotationTable;
  corners: Float64Array;

  constructor(capacity: number) {
    this.table = new AnnotationTable(capacity);
    this.corners = new Float64Array(Math.max(16, capacity) * 4);
  }

  ensure(rows: number): void {
    if (rows * 4 <= this.corners.length) return;
    const grown = new Float64Array(Math.ceil(rows * 1.5) * 4);
    grown.set(this.corners);
    this.corners = grown;
  }
}

async function* boxBatches(
  state: StreamState,
  boxFile: SplitFile,
  labels: Map<string, ImageLabels>,
  /** The dataset folder when the split's image folder exists (sizes from image headers). */
  imageRoot: string | null,
): AsyncIterable<ImageBatch> {
  const file = boxFile.path;
  const split = splitName(boxFile.split);
  const folder = imageFolder(boxFile.split);
  const { idOfMid, imageIds } = state;
  let columns: ReturnType<typeof headerColumns> | undefined;
  const bounds = new Int32Array(512);
  let current = '';
  let builder = new BatchBuilder(16384);
  builder.file = file;
  let lineNo = 0;
  let quoteText = '';
  let quoteAt = -1;

  const newImage = (imageId: string): ImageRecord => {
    let id = imageIds.get(imageId);
    const first = id === undefined;
    if (id === undefined) {
      id = imageIds.size + 1;
      imageIds.set(imageId, id);
    }
    const image: ImageRecord = { id, file: `${folder}/${imageId}.jpg`, width: 0, height: 0 };
    if (split) image.split = split;
    const packed = state.sizes.get(imageId);
    if (packed !== undefined) [image.width, image.height] = unpackSize(packed);
    const own = first ? labels.get(imageId) : undefined;
    if (own?.positive.length) image.labels = own.positive;
    if (own?.negative.length) image.extra = { negative_labels: own.negative };
    return image;
  };

  const line = (text: string, start: number, end: number, n: number) => {
    if (end === start) return;
    if (!columns) {
      columns = headerColumns(splitCsvLine(text, start, end, file, n), file);
      return;
    }
    const c = columns;
    // Field bounds: the fast split by commas, or the quoted-field split when the line has a quote.
    let fields: string[] | null = null;
    let count = 0;
    // The next quote of the block, searched once per quote (not once per line: blocks are 1 MB).
    if (text !== quoteText || (quoteAt >= 0 && quoteAt < start)) {
      quoteText = text;
      quoteAt = text.indexOf('"', start);
    }
    if (quoteAt >= 0 && quoteAt < end) {
      fields = splitCsvLine(text, start, end, file, n);
      count = fields.length;
    } else {
      // One pass over the line's characters: cheaper than an indexOf call per field.
      bounds[0] = start;
      count = 1;
      for (let i = start; i < end; i++) {
        if (text.charCodeAt(i) !== 44) continue;
        if (count < 256) {
          bounds[count * 2 - 1] = i;
          bounds[count * 2] = i + 1;
        }
        count++;
      }
      if (count <= 256) bounds[count * 2 - 1] = end;
    }
    if (count !== c.count) fail(`${count} fields where the header has ${c.count}`, file, n);
    if (fields) {
      const joined = fields.join(',');
      text = joined;
      let pos = 0;
      fields.forEach((f, k) => {
        bounds[k * 2] = pos;
        bounds[k * 2 + 1] = pos + f.length;
        pos += f.length + 1;
      });
    }

    const idStart = bounds[c.image * 2];
    const idEnd = bounds[c.image * 2 + 1];
    const b = builder;
    if (b.images.length === 0 || !sameText(text, idStart, idEnd, current)) {
      current = detachedString(text, idStart, idEnd);
      if (current === '') fail('empty ImageID', file, n);
      b.images.push(newImage(current));
      b.lines.push(n);
      b.offsets.push(b.offsets[b.offsets.length - 1]);
    }
    const mid = field(text, bounds, c.label);
    const categoryId = idOfMid.get(mid);
    if (categoryId === undefined) {
      fail(`unknown LabelName "${mid}": not a MID of ${state.classFile}`, file, n);
    }
    const x1 = numberField(text, bounds, c.xmin, 'XMin', file, n);
    const x2 = numberField(text, bounds, c.xmax, 'XMax', file, n);
    const y1 = numberField(text, bounds, c.ymin, 'YMin', file, n);
    const y2 = numberField(text, bounds, c.ymax, 'YMax', file, n);
    if (x2 < x1 || y2 < y1) {
      fail('XMax < XMin or YMax < YMin (the columns are XMin,XMax,YMin,YMax)', file, n);
    }
    const t = b.table;
    const imageId = b.images[b.images.length - 1].id;
    const row = t.addBox(imageId, categoryId, 0, 0, 0, 0, Number.NaN, ++state.nextRow);
    b.ensure(row + 1);
    b.corners[row * 4] = x1;
    b.corners[row * 4 + 1] = y1;
    b.corners[row * 4 + 2] = x2;
    b.corners[row * 4 + 3] = y2;
    b.offsets[b.offsets.length - 1]++;

    let attrs: Record<string, unknown> | undefined;
    for (let f = 0; f < FLAGS.length; f++) {
      const k = c.flags[f];
      if (k < 0) continue;
      const value = flagValue(text, bounds[k * 2], bounds[k * 2 + 1]);
      if (value === 0) continue;
      const name = FLAGS[f][1];
      if (value === 1 && f < 3) t.flags[row] |= FLAG_BITS[f];
      else if (value === 1 || value === -1) {
        attrs ??= {};
        attrs[name] = value === 1 ? true : null;
      } else fail(`${FLAGS[f][0]} "${field(text, bounds, k)}" must be 1, 0 or -1 (unknown)`, file, n);
    }
    if (attrs) t.attributes.set(row, attrs);
    let extra: Record<string, unknown> | undefined;
    if (c.source >= 0 && !isXclick(text, bounds[c.source * 2], bounds[c.source * 2 + 1])) {
      extra = { source: field(text, bounds, c.source) };
    }
    if (c.confidence >= 0) {
      const confidence = numberField(text, bounds, c.confidence, 'Confidence', file, n);
      if (confidence !== 1) (extra ??= {}).confidence = confidence;
    }
    for (const [k, name] of c.others) {
      const v = field(text, bounds, k);
      const asNumber = parseDecimal(text, bounds[k * 2], bounds[k * 2 + 1]);
      (extra ??= {})[name] = Number.isNaN(asNumber) ? v : asNumber;
    }
    if (extra) t.extras.set(row, extra);
  };

  for await (const block of lineBlocks(state.files, file)) {
    lineNo = linesOf(block, lineNo, line);
    state.done = (state.done ?? 0) + block.length;
    state.options.progress?.(state.done, state.total ?? 0);
    if (builder.images.length > 1) {
      const next = carryOpenImage(builder);
      yield await finish(state, builder, imageRoot);
      builder = next;
    }
  }
  if (!columns) throw new DetkitError('empty file: expected a header line', { file });
  if (builder.images.length > 0) yield await finish(state, builder, imageRoot);
  // Images with labels but no box: negatives.
  const negatives = new BatchBuilder(0);
  for (const imageId of labels.keys()) {
    if (imageIds.has(imageId)) continue;
    negatives.images.push(newImage(imageId));
    negatives.lines.push(0);
    negatives.offsets.push(0);
  }
  if (negatives.images.length > 0) yield await finish(state, negatives, imageRoot);
}

/** Moves the last (possibly unfinished) image of `b` into a new builder. */
function carryOpenImage(b: BatchBuilder): BatchBuilder {
  const next = new BatchBuilder(16384);
  const k = b.images.length - 1;
  const from = b.offsets[k];
  const to = b.offsets[k + 1];
  next.images.push(b.images.pop() as ImageRecord);
  next.lines.push(b.lines.pop() ?? 0);
  next.file = b.file;
  b.offsets.pop();
  next.offsets.push(to - from);
  next.ensure(to - from);
  for (let row = from; row < to; row++) next.table.copyRowFrom(b.table, row);
  next.corners.set(b.corners.subarray(from * 4, to * 4));
  b.table.length = from;
  for (let row = from; row < to; row++) {
    b.table.attributes.delete(row);
    b.table.extras.delete(row);
  }
  return next;
}

/** Sizes from image headers where the sizes CSV had none; boxes from the corners. */
async function finish(state: StreamState, b: BatchBuilder, imageRoot: string | null): Promise<ImageBatch> {
  if (imageRoot) {
    const unsized = b.images.filter((im) => im.width === 0);
    await mapPool(unsized, FILE_CONCURRENCY, async (im) => {
      const size = await readImageSize(state.files, joinPath(imageRoot, im.file));
      im.width = size.width;
      im.height = size.height;
    });
  }
  const boxes = b.table.boxes;
  const corners = b.corners;
  b.images.forEach((im, k) => {
    // Unknown size: the boxes stay normalised (see ImageBatch).
    const known = im.width > 0 && im.height > 0;
    const W = known ? im.width : 1;
    const H = known ? im.height : 1;
    for (let row = b.offsets[k]; row < b.offsets[k + 1]; row++) {
      const i = row * 4;
      const x = corners[i] * W;
      const y = corners[i + 1] * H;
      boxes[i] = x;
      boxes[i + 1] = y;
      boxes[i + 2] = corners[i + 2] * W - x;
      boxes[i + 3] = corners[i + 3] * H - y;
    }
  });
  return {
    images: b.images,
    offsets: b.offsets,
    annotations: b.table,
    corners: b.corners.subarray(0, b.table.length * 4),
    sources: { file: b.file, lines: b.lines },
  };
}

function headerColumns(header: string[], file: string) {
  const at = (name: string) => header.indexOf(name);
  for (const name of REQUIRED) {
    if (at(name) < 0) {
      throw new DetkitError(`the header has no ${name} column (found ${header.join(',')})`, { file, line: 1 });
    }
  }
  return {
    count: header.length,
    image: at('ImageID'),
    label: at('LabelName'),
    xmin: at('XMin'),
    xmax: at('XMax'),
    ymin: at('YMin'),
    ymax: at('YMax'),
    source: at('Source'),
    confidence: at('Confidence'),
    flags: FLAGS.map(([column]) => at(column)),
    others: header.flatMap((name, k): [number, string][] => (KNOWN.has(name) ? [] : [[k, name]])),
  };
}

/** `text[start, end)` equals `other`, compared in place (no substring). */
function sameText(text: string, start: number, end: number, other: string): boolean {
  if (end - start !== other.length) return false;
  for (let i = 0; i < other.length; i++) if (text.charCodeAt(start + i) !== other.charCodeAt(i)) return false;
  return true;
}

function fail(detail: string, file: string, line: number): never {
  throw new DetkitError(detail, { file, line });
}

function field(text: string, bounds: Int32Array, k: number): string {
  return detachedString(text, bounds[k * 2], bounds[k * 2 + 1]);
}

function numberField(text: string, bounds: Int32Array, k: number, name: string, file: string, line: number): number {
  const v = parseDecimal(text, bounds[k * 2], bounds[k * 2 + 1]);
  if (Number.isNaN(v)) fail(`${name} "${field(text, bounds, k)}" is not a number`, file, line);
  return v;
}

/** 1, 0 or -1; NaN for anything else. */
function flagValue(text: string, start: number, end: number): number {
  const c = text.charCodeAt(start);
  if (end - start === 1 && (c === 48 || c === 49)) return c - 48;
  if (end - start === 2 && c === 45 && text.charCodeAt(start + 1) === 49) return -1;
  return Number.NaN;
}

function isXclick(text: string, start: number, end: number): boolean {
  return end - start === 6 && text.startsWith('xclick', start);
}
