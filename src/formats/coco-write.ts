/**
 * Dataset → COCO JSON, one record a line (diffable, and a line number leads to the record).
 * Numbers are written at full precision (JS shortest round-trip form); ids, areas, iscrowd and
 * category ids exactly as held — never renumbered. The text goes out in ~1 MB chunks.
 */
import type { AnnotationTable, Category, Dataset, ImageRecord } from '../core/dataset.js';
import type { ByteSink, FileAccess } from '../core/files.js';

const CHUNK = 1 << 20;

/** Buffers small strings and hands the sink large chunks. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly sink: ByteSink) {}

  /** Buffers `text`; the sink sees it at the next `flush` (call it when `full`). */
  add(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  get full(): boolean {
    return this.size >= CHUNK;
  }

  async put(text: string): Promise<void> {
    this.add(text);
    if (this.full) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.sink.write(chunk);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.sink.close();
  }
}

/** JSON number: JS's shortest round-trip form; NaN/±Infinity (no JSON spelling) become null. */
function num(v: number): string {
  return Number.isFinite(v) ? `${v}` : 'null';
}

function extraFields(extra: Record<string, unknown> | undefined): string {
  if (!extra) return '';
  let out = '';
  for (const key in extra) {
    const value = extra[key];
    if (value !== undefined) out += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return out;
}

/** Image-level labels (classification) go in a `labels: [categoryId…]` field, detkit's extension. */
export function imageLine(im: ImageRecord): string {
  const labels = im.labels?.length ? `,"labels":[${im.labels.map(num).join(',')}]` : '';
  return `{"id":${num(im.id)},"file_name":${JSON.stringify(im.file)},"width":${num(im.width)},"height":${num(im.height)}${labels}${extraFields(im.extra)}}`;
}

export function categoryLine(c: Category): string {
  const sup = c.supercategory !== undefined ? `,"supercategory":${JSON.stringify(c.supercategory)}` : '';
  return `{"id":${c.id},"name":${JSON.stringify(c.name)}${sup}${extraFields(c.extra)}}`;
}

/** One ground-truth annotation; `area` as given, w×h only when the source had none. */
export function annotationLine(dataset: Dataset, row: number): string {
  return annotationRecord(dataset.annotations, row);
}

export function annotationRecord(t: AnnotationTable, row: number): string {
  const b = row * 4;
  const w = t.boxes[b + 2];
  const h = t.boxes[b + 3];
  const area = t.hasArea(row) ? t.areas[row] : w * h;
  let line = `{"id":${num(t.ids[row])},"image_id":${num(t.imageIds[row])},"category_id":${t.categoryIds[row]},"bbox":[${num(t.boxes[b])},${num(t.boxes[b + 1])},${num(w)},${num(h)}],"area":${num(area)},"iscrowd":${t.isCrowd(row) ? 1 : 0}`;
  // The sparse maps are empty for most datasets: skip their lookups then.
  const seg = t.segmentations.size > 0 ? t.segmentations.get(row) : undefined;
  if (seg !== undefined) line += `,"segmentation":${JSON.stringify(seg)}`;
  if (t.hasScore(row)) line += `,"score":${num(t.scores[row])}`;
  const attrs = t.attributesOf(row);
  if (attrs) line += `,"attributes":${JSON.stringify(attrs)}`;
  return t.extras.size > 0 ? `${line}${extraFields(t.extras.get(row))}}` : `${line}}`;
}

/** One results record: only what the source had (no id unless it carried one, area only when given). */
export function resultLine(dataset: Dataset, row: number): string {
  const t = dataset.annotations;
  const b = row * 4;
  let line = `{"image_id":${num(t.imageIds[row])},"category_id":${t.categoryIds[row]},"bbox":[${num(t.boxes[b])},${num(t.boxes[b + 1])},${num(t.boxes[b + 2])},${num(t.boxes[b + 3])}],"score":${num(t.scores[row])}`;
  const seg = t.segmentations.get(row);
  if (seg !== undefined) line += `,"segmentation":${JSON.stringify(seg)}`;
  if (t.hasArea(row)) line += `,"area":${num(t.areas[row])}`;
  if (t.isCrowd(row)) line += `,"iscrowd":1`;
  const attrs = t.attributesOf(row);
  if (attrs) line += `,"attributes":${JSON.stringify(attrs)}`;
  return `${line}${extraFields(t.extras.get(row))}}`;
}

/** True when the dataset is a set of predictions: every annotation has a score. */
export function isResults(dataset: Dataset): boolean {
  const t = dataset.annotations;
  if (t.length === 0) return false;
  for (let row = 0; row < t.length; row++) if (Number.isNaN(t.scores[row])) return false;
  return true;
}

async function writeArray(
  out: ChunkedWriter,
  count: number,
  line: (i: number) => string,
  progress?: (done: number) => void,
): Promise<void> {
  if (count === 0) return out.put('[]');
  await out.put('[\n');
  for (let i = 0; i < count; i++) {
    out.add(i + 1 < count ? `${line(i)},\n` : `${line(i)}\n`);
    if (out.full) {
      await out.flush();
      progress?.(i + 1);
    }
  }
  await out.put(']');
}

export interface CocoFileContent {
  images: ImageRecord[];
  /** Annotation rows, in the order to write them. */
  rows: ArrayLike<number>;
  results: boolean;
}

/** Writes one COCO instances or results file. */
export async function writeCocoFile(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  content: CocoFileContent,
  progress?: (done: number, total: number) => void,
): Promise<void> {
  const out = new ChunkedWriter(await files.openWriter(path));
  const { rows } = content;
  const onRow = progress && ((i: number) => progress(i, rows.length));
  if (content.results) {
    await writeArray(out, rows.length, (i) => resultLine(dataset, rows[i]), onRow);
    await out.put('\n');
    return out.close();
  }
  await out.put('{\n');
  const extra = dataset.info.extra ?? {};
  for (const key in extra) {
    if (key === 'images' || key === 'annotations' || key === 'categories' || extra[key] === undefined) continue;
    await out.put(`${JSON.stringify(key)}:${JSON.stringify(extra[key])},\n`);
  }
  await out.put('"images":');
  await writeArray(out, content.images.length, (i) => imageLine(content.images[i]));
  await out.put(',\n"annotations":');
  await writeArray(out, rows.length, (i) => annotationLine(dataset, rows[i]), onRow);
  await out.put(',\n"categories":');
  await writeArray(out, dataset.categories.length, (i) => categoryLine(dataset.categories[i]));
  await out.put('\n}\n');
  await out.close();
}
