/**
 * ImageNet ILSVRC classification-localisation (CLS-LOC), as the Kaggle "ImageNet Object
 * Localization Challenge" ships it:
 * ```
 * LOC_synset_mapping.txt        n01440764 tench, Tinca tinca   (line k = class k)
 * LOC_train_solution.csv        ImageId,PredictionString  ("synset xmin ymin xmax ymax" repeated)
 * LOC_val_solution.csv
 * ILSVRC/Annotations/CLS-LOC/train/<synset>/<synset>_<n>.xml   (PASCAL-style, when no CSV)
 * ILSVRC/Data/CLS-LOC/{train/<synset>/,val/,test/}<image>.JPEG
 * ```
 * Categories are the synsets in mapping order (name = synset id, `extra.words` = its words).
 * Image labels: the synset folder for train images, the boxes' synsets for val, none for test.
 *
 * Coordinates: the devkit readme says the boxes are "in PASCAL VOC format" — inclusive pixel
 * corners — but unlike VOC they start at 0: xmin = 0 occurs, xmax reaches width − 1, and the
 * ImageNet DET/VID loaders (Deformable ConvNets, FGFA) read them unshifted, clipping xmax at
 * width − 1 (where VOC loaders subtract 1). CSV and XML give the same numbers. In detkit's
 * continuous frame that is `x = xmin, w = xmax - xmin + 1`; boxes reaching past the image (a
 * few have xmax = width) are clipped to it when the size is known. Read-only: convert to coco
 * (boxes + image labels) or imagefolder.
 */
import { Dataset, type ImageRecord } from '../core/dataset.js';
import { DetkitError, isDetkitError } from '../core/errors.js';
import { type FileAccess, walkFiles } from '../core/files.js';
import { readImageSize } from '../core/image-size.js';
import { basename, dirname, isImagePath, joinPath, stem } from '../core/paths.js';
import { mapPool } from '../core/pool.js';
import { type DatasetFormat, holds, type ReadOptions } from './format.js';

const MAPPING = 'LOC_synset_mapping.txt';
const SPLITS = ['train', 'val', 'test'];

const capabilities = holds({
  boxes: true,
  imageLabels: true,
  negatives: true,
  splits: true,
});

interface Layout {
  /** Where the LOC_* files are. */
  root: string;
  /** The `ILSVRC` folder (Data/, Annotations/). */
  ilsvrc: string;
}

async function layout(files: FileAccess, path: string): Promise<Layout | null> {
  if (!(await files.stat(path))?.isDirectory) return null;
  if (await files.stat(joinPath(path, 'ILSVRC'))) return { root: path, ilsvrc: joinPath(path, 'ILSVRC') };
  for (const part of ['Data', 'Annotations']) {
    if (await files.stat(joinPath(path, part, 'CLS-LOC'))) return { root: dirname(path), ilsvrc: path };
  }
  if (await files.stat(joinPath(path, MAPPING))) return { root: path, ilsvrc: joinPath(path, 'ILSVRC') };
  return null;
}

interface Entry {
  split: string;
  /** Relative to the ILSVRC folder. */
  file?: string;
  synset?: string;
  /** xmin, ymin, xmax, ymax (inclusive pixel indexes) per box. */
  boxes: { synset: string; corners: number[] }[];
  width: number;
  height: number;
}

/** `n01440764_10026` → `n01440764`; val/test ids have no synset in them. */
const synsetOfId = (id: string) => /^(n\d{8})_/.exec(id)?.[1];

async function readCsv(files: FileAccess, file: string, split: string, entries: Map<string, Entry>): Promise<void> {
  let line = 0;
  for await (const text of files.readLines(file)) {
    line++;
    if (line === 1 && text.startsWith('ImageId')) continue;
    if (text.trim() === '') continue;
    const comma = text.indexOf(',');
    if (comma < 0) throw new DetkitError('expected "ImageId,PredictionString"', { file, line });
    const id = text.slice(0, comma);
    const tokens = text
      .slice(comma + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (tokens.length % 5 !== 0) {
      throw new DetkitError(`${tokens.length} values; boxes are "synset xmin ymin xmax ymax" groups of 5`, {
        file,
        line,
      });
    }
    const entry = entries.get(id) ?? { split, boxes: [], width: 0, height: 0, synset: synsetOfId(id) };
    for (let k = 0; k < tokens.length; k += 5) {
      const corners = tokens.slice(k + 1, k + 5).map(Number);
      if (corners.some((v) => !Number.isFinite(v))) {
        throw new DetkitError(`box ${k / 5} has a non-numeric corner: ${tokens.slice(k, k + 5).join(' ')}`, {
          file,
          line,
        });
      }
      entry.boxes.push({ synset: tokens[k], corners });
    }
    entries.set(id, entry);
  }
}

// Loaded on first use: fast-xml-parser is heavy to import and most commands never read ILSVRC.
let xml: Promise<import('fast-xml-parser').XMLParser> | undefined;

/** One CLS-LOC annotation file: size and boxes. */
export async function parseIlsvrcXml(text: string, file: string): Promise<Pick<Entry, 'boxes' | 'width' | 'height'>> {
  xml ??= import('fast-xml-parser').then(({ XMLParser }) => new XMLParser({ isArray: (name) => name === 'object' }));
  const parser = await xml;
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new DetkitError(`not well-formed XML (${(e as Error).message})`, { file });
  }
  interface XmlObject {
    name?: unknown;
    bndbox?: Record<string, unknown>;
  }
  const ann = doc.annotation as { object?: XmlObject[]; size?: { width?: unknown; height?: unknown } } | undefined;
  if (!ann) throw new DetkitError('no <annotation> element', { file });
  const boxes = (ann.object ?? []).map((o, k) => {
    const b = o.bndbox ?? {};
    const corners = [b.xmin, b.ymin, b.xmax, b.ymax].map(Number);
    if (typeof o.name !== 'string' || corners.some((v) => !Number.isFinite(v))) {
      throw new DetkitError('object needs <name> and numeric <bndbox> xmin/ymin/xmax/ymax', {
        file,
        record: `object[${k}]`,
      });
    }
    return { synset: o.name, corners };
  });
  return { boxes, width: Number(ann.size?.width) || 0, height: Number(ann.size?.height) || 0 };
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const where = await layout(files, path);
  if (!where)
    throw new DetkitError(`no ILSVRC layout here (${MAPPING} or ILSVRC/Data/CLS-LOC expected)`, { file: path });
  const warn = options.warn ?? (() => {});
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'ilsvrc', task: 'detection', imageRoot: where.ilsvrc };
  const categoryOf = new Map<string, number>();
  const mapping = joinPath(where.root, MAPPING);
  if (await files.stat(mapping)) {
    let line = 0;
    for await (const text of files.readLines(mapping)) {
      line++;
      const m = /^(\S+)\s*(.*)$/.exec(text.trim());
      if (!m) continue;
      if (categoryOf.has(m[1])) throw new DetkitError(`synset ${m[1]} is listed twice`, { file: mapping, line });
      categoryOf.set(m[1], categoryOf.size);
      dataset.addCategory({ id: categoryOf.size - 1, name: m[1], ...(m[2] ? { extra: { words: m[2] } } : {}) });
    }
  }

  const entries = new Map<string, Entry>();
  for (const split of SPLITS) {
    const dataDir = joinPath(where.ilsvrc, 'Data', 'CLS-LOC', split);
    if ((await files.stat(dataDir))?.isDirectory) {
      for (const rel of await walkFiles(files, dataDir, isImagePath)) {
        const id = stem(basename(rel));
        const folder = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : undefined;
        entries.set(id, {
          split,
          file: `Data/CLS-LOC/${split}/${rel}`,
          synset: folder,
          boxes: [],
          width: 0,
          height: 0,
        });
      }
    }
    const csv = joinPath(where.root, `LOC_${split}_solution.csv`);
    const annDir = joinPath(where.ilsvrc, 'Annotations', 'CLS-LOC', split);
    if (await files.stat(csv)) await readCsv(files, csv, split, entries);
    else if ((await files.stat(annDir))?.isDirectory) {
      const xmls = await walkFiles(files, annDir, (p) => p.endsWith('.xml'));
      const parsed = await mapPool(xmls, 32, async (rel) => {
        const file = joinPath(annDir, rel);
        return parseIlsvrcXml(await files.readText(file), file);
      });
      xmls.forEach((rel, k) => {
        const id = stem(basename(rel));
        const entry = entries.get(id) ?? { split, boxes: [], width: 0, height: 0, synset: synsetOfId(id) };
        Object.assign(entry, parsed[k]);
        entries.set(id, entry);
      });
    }
  }
  if (entries.size === 0) throw new DetkitError('no ILSVRC images or annotations found', { file: path });

  // Synsets not in the mapping (or no mapping at all) become categories in sorted order.
  const seen = new Set<string>();
  for (const e of entries.values()) {
    if (e.synset) seen.add(e.synset);
    for (const b of e.boxes) seen.add(b.synset);
  }
  const unknown = [...seen].filter((s) => !categoryOf.has(s)).sort();
  if (unknown.length > 0 && categoryOf.size > 0) warn(`${unknown.length} synsets are not in ${MAPPING} (added)`);
  for (const synset of unknown) {
    categoryOf.set(synset, categoryOf.size);
    dataset.addCategory({ id: categoryOf.size - 1, name: synset });
  }

  const images: { image: ImageRecord; entry: Entry }[] = [];
  for (const [id, entry] of entries) {
    const file =
      entry.file ??
      `Data/CLS-LOC/${entry.split}/${entry.split === 'train' && entry.synset ? `${entry.synset}/` : ''}${id}.JPEG`;
    const labels =
      entry.split === 'test' ? [] : entry.synset ? [entry.synset] : [...new Set(entry.boxes.map((b) => b.synset))];
    const image: ImageRecord = {
      id: images.length + 1,
      file,
      width: entry.width,
      height: entry.height,
      split: entry.split,
    };
    if (labels.length > 0) image.labels = labels.map((s) => categoryOf.get(s) as number);
    images.push({ image, entry });
  }
  let unsized = 0;
  await mapPool(
    images,
    32,
    async ({ image, entry }) => {
      if (image.width > 0 && image.height > 0) return;
      if (!entry.file) return void unsized++;
      try {
        ({ width: image.width, height: image.height } = await readImageSize(files, joinPath(where.ilsvrc, entry.file)));
      } catch (e) {
        if (!isDetkitError(e)) throw e;
        if (unsized++ === 0) warn(`${e.message} (size left unknown)`);
      }
    },
    options.progress,
  );
  if (unsized > 0) warn(`${unsized} images have no known size (no image file or XML); their boxes are not clipped`);
  for (const { image, entry } of images) {
    dataset.addImage(image);
    for (const { synset, corners } of entry.boxes) {
      const [x1, y1, x2, y2] = corners;
      let w = x2 - x1 + 1;
      let h = y2 - y1 + 1;
      if (image.width > 0) w = Math.min(w, image.width - x1);
      if (image.height > 0) h = Math.min(h, image.height - y1);
      dataset.annotations.addBox(image.id, categoryOf.get(synset) as number, x1, y1, w, h);
    }
  }
  return dataset;
}

export const ilsvrc: DatasetFormat = {
  name: 'ilsvrc',
  description:
    'ImageNet ILSVRC CLS-LOC (LOC_synset_mapping.txt, LOC_*_solution.csv, ILSVRC/Data|Annotations/CLS-LOC) — read only',
  capabilities,
  async detect(files, path) {
    const where = await layout(files, path);
    if (!where) return null;
    const found: string[] = [];
    if (await files.stat(joinPath(where.root, MAPPING))) found.push(MAPPING);
    for (const split of SPLITS) {
      if (await files.stat(joinPath(where.root, `LOC_${split}_solution.csv`))) found.push(`LOC_${split}_solution.csv`);
    }
    for (const part of ['Data', 'Annotations']) {
      if (await files.stat(joinPath(where.ilsvrc, part, 'CLS-LOC'))) found.push(`ILSVRC/${part}/CLS-LOC`);
    }
    if (found.length === 0) return null;
    return { confidence: 0.95, reason: `found ${found.join(', ')} (ImageNet ILSVRC CLS-LOC)` };
  },
  read,
  async write() {
    throw new DetkitError('ilsvrc is read-only in detkit; convert to coco (boxes + image labels) or imagefolder');
  },
};
