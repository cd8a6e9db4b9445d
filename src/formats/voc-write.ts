/**
 * Pascal VOC writer: one `Annotations/<stem>.xml` per image (negatives get an XML without
 * <object>), `ImageSets/Main/<split>.txt` lists, and the images in `JPEGImages/` when asked.
 * Coordinates: see voc-coords.ts.
 */
import type { Dataset, ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { type FileAccess, writeFiles } from '../core/files.js';
import { basename, joinPath, stem } from '../core/paths.js';
import type { WriteOptions, WriteResult } from './format.js';
import { copyImages } from './images.js';
import type { LossReport } from './loss.js';
import { boxToVoc, formatNumber } from './voc-coords.js';
import { VOC_SPLITS } from './voc-read.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** Image ids by split, in image order, for the `ImageSets/Main` lists. */
function splitLists(images: ImageRecord[], stems: string[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  images.forEach((im, k) => {
    if (!im.split) return;
    const list = lists.get(im.split);
    if (list) list.push(stems[k]);
    else lists.set(im.split, [stems[k]]);
  });
  // trainval is the union of train and val in the standard layout.
  if (!lists.has('trainval') && (lists.has('train') || lists.has('val'))) {
    lists.set(
      'trainval',
      images.flatMap((im, k) => (im.split === 'train' || im.split === 'val' ? [stems[k]] : [])),
    );
  }
  const known = (VOC_SPLITS as readonly string[]).filter((s) => lists.has(s));
  const others = [...lists.keys()].filter((s) => !known.includes(s)).sort();
  return new Map([...known, ...others].map((s) => [s, lists.get(s)!]));
}

export async function writeVoc(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const t = dataset.annotations;
  const nameOf = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const stems = dataset.images.map((im) => stem(im.file));
  const seen = new Map<string, string>();
  dataset.images.forEach((im, k) => {
    const other = seen.get(stems[k]);
    if (other !== undefined) {
      throw new DetkitError(`images "${other}" and "${im.file}" would both be written as ${stems[k]}.xml`, {
        record: `images[${k}]`,
      });
    }
    seen.set(stems[k], im.file);
  });
  const { offsets, order } = dataset.rowsByImage();
  const written: string[] = [];

  const xmlFor = (k: number): string => {
    const im = dataset.images[k];
    const extra = im.extra ?? {};
    let xml = '<annotation>\n';
    if (typeof extra.folder === 'string') xml += `\t<folder>${escapeXml(extra.folder)}</folder>\n`;
    xml += `\t<filename>${escapeXml(basename(im.file))}</filename>\n`;
    xml += `\t<size>\n\t\t<width>${formatNumber(im.width)}</width>\n\t\t<height>${formatNumber(im.height)}</height>\n`;
    xml += `\t\t<depth>${typeof extra.depth === 'number' ? extra.depth : 3}</depth>\n\t</size>\n`;
    xml += `\t<segmented>${typeof extra.segmented === 'number' ? extra.segmented : 0}</segmented>\n`;
    for (let i = offsets[k]; i < offsets[k + 1]; i++) {
      const row = order[i];
      const name = nameOf.get(t.categoryIds[row]);
      if (name === undefined) {
        throw new DetkitError(`category id ${t.categoryIds[row]} is not in the category list`, {
          record: `annotations[${row}]`,
        });
      }
      const b = row * 4;
      const v = boxToVoc(t.boxes[b], t.boxes[b + 1], t.boxes[b + 2], t.boxes[b + 3]);
      const pose = t.attributes.get(row)?.pose;
      xml += `\t<object>\n\t\t<name>${escapeXml(name)}</name>\n`;
      xml += `\t\t<pose>${typeof pose === 'string' ? escapeXml(pose) : 'Unspecified'}</pose>\n`;
      xml += `\t\t<truncated>${t.flag(row, 'truncated') ? 1 : 0}</truncated>\n`;
      xml += `\t\t<difficult>${t.flag(row, 'difficult') ? 1 : 0}</difficult>\n`;
      if (t.flag(row, 'occluded')) xml += '\t\t<occluded>1</occluded>\n';
      xml += `\t\t<bndbox>\n\t\t\t<xmin>${formatNumber(v.xmin)}</xmin>\n\t\t\t<ymin>${formatNumber(v.ymin)}</ymin>\n`;
      xml += `\t\t\t<xmax>${formatNumber(v.xmax)}</xmax>\n\t\t\t<ymax>${formatNumber(v.ymax)}</ymax>\n\t\t</bndbox>\n`;
      xml += '\t</object>\n';
    }
    return `${xml}</annotation>\n`;
  };

  const annotationDir = joinPath(path, 'Annotations');
  await files.mkdir(annotationDir);
  await writeFiles(
    files,
    dataset.images.length,
    (k) => ({ path: `${annotationDir}/${stems[k]}.xml`, data: xmlFor(k) }),
    options.progress,
  );
  for (const s of stems) written.push(`Annotations/${s}.xml`);

  for (const [split, ids] of splitLists(dataset.images, stems)) {
    const rel = `ImageSets/Main/${split}.txt`;
    await files.writeText(joinPath(path, rel), ids.length ? `${ids.join('\n')}\n` : '');
    written.push(rel);
  }

  if (options.copyImages) {
    const targets = dataset.images.map((im) => `JPEGImages/${basename(im.file)}`);
    await copyImages(dataset, files, path, targets, options);
    written.push(...targets);
  }
  return { files: written, loss: vocLoss(dataset) };
}

/** What a VOC write loses beyond the generic capability report. */
function vocLoss(dataset: Dataset): LossReport {
  const t = dataset.annotations;
  const used = new Set<number>();
  for (let row = 0; row < t.length; row++) used.add(t.categoryIds[row]);
  const loss: LossReport = [];
  const unused = dataset.categories.filter((c) => !used.has(c.id)).length;
  if (unused > 0) {
    loss.push({
      what: 'unused-categories',
      count: unused,
      message: 'categories without boxes (VOC lists no categories)',
    });
  }
  // Read back, ids are the used names sorted and numbered 1..N.
  const readBack = dataset.categories
    .filter((c) => used.has(c.id))
    .map((c) => c.name)
    .sort();
  const idOf = new Map(dataset.categories.map((c) => [c.name, c.id]));
  const renumbered = readBack.filter((name, k) => idOf.get(name) !== k + 1).length;
  if (renumbered > 0) {
    loss.push({ what: 'category-ids', count: renumbered, message: 'category ids (VOC stores names only)' });
  }
  return loss;
}
