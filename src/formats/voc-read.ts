/**
 * Pascal VOC reader: `Annotations/*.xml` (or a folder of bare XMLs), images in `JPEGImages/`,
 * splits from `ImageSets/Main/{train,val,test,trainval}.txt`. Coordinates: see voc-coords.ts.
 *
 * Categories: VOC stores names only. Ids are the sorted names numbered 1..N, unless the
 * `categories` read option lists known categories (their ids are kept; see category-map.ts).
 * Image ids are 1..N in file order, or those of the `images` option's records with the same
 * file name. The `split` option reads only the images of one list (`trainval`, `test`, …).
 */
import type { BoxXYWH, ImageRecord } from '../core/dataset.js';
import { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { type FileAccess, isDirectory } from '../core/files.js';
import { readImageSize } from '../core/image-size.js';
import { extname, joinPath, stem } from '../core/paths.js';
import { FILE_CONCURRENCY, mapPool } from '../core/pool.js';
import { CategoryNames, imageIdsFor, knownCategories } from './category-map.js';
import type { ReadOptions } from './format.js';
import { lineColumn } from './json-text.js';
import { boxFromVoc } from './voc-coords.js';
import { scanXml, type XmlNode } from './voc-xml.js';

/** Split lists in the order they claim images: an image in train.txt and trainval.txt is 'train'. */
export const VOC_SPLITS = ['train', 'val', 'test', 'trainval'] as const;

export interface VocLayout {
  /** Folder holding the XML files. */
  annotationDir: string;
  /** Folder the `<filename>` entries are relative to. */
  imageRoot: string;
  /** `ImageSets/Main`, when the dataset has one. */
  splitDir?: string;
}

export async function vocLayout(files: FileAccess, path: string): Promise<VocLayout> {
  const annotations = joinPath(path, 'Annotations');
  if (await isDirectory(files, annotations)) {
    const splitDir = joinPath(path, 'ImageSets', 'Main');
    return {
      annotationDir: annotations,
      imageRoot: joinPath(path, 'JPEGImages'),
      splitDir: (await isDirectory(files, splitDir)) ? splitDir : undefined,
    };
  }
  if (await isDirectory(files, path)) return { annotationDir: joinPath(path), imageRoot: joinPath(path) };
  throw new DetkitError('not a folder: expected a VOC root (with Annotations/) or a folder of VOC XML files', {
    file: path,
  });
}

interface VocObject {
  name: string;
  box: BoxXYWH;
  difficult: boolean;
  truncated: boolean;
  occluded: boolean;
  pose?: string;
}

interface VocFile {
  xml: string;
  filename: string;
  width: number;
  height: number;
  depth?: number;
  segmented?: number;
  folder?: string;
  objects: VocObject[];
}

let fallback: Promise<(source: string, xml: string) => XmlNode> | undefined;

/**
 * fast-xml-parser, for files outside scanXml's subset: its validator locates real errors.
 * Loaded on first need — most VOC reads never need it, and loading it costs start-up time.
 */
function parseWithFastXmlParser(source: string, xml: string): Promise<XmlNode> {
  fallback ??= import('fast-xml-parser').then(({ XMLParser, XMLValidator }) => {
    const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false });
    return (text: string, file: string) => {
      const valid = XMLValidator.validate(text);
      if (valid !== true) {
        throw new DetkitError(`invalid XML: ${valid.err.msg}`, { file, line: valid.err.line });
      }
      return parser.parse(text) as XmlNode;
    };
  });
  return fallback.then((parse) => parse(source, xml));
}

function text(node: XmlNode, key: string): string | undefined {
  const v = node[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function flag(node: XmlNode, key: string): boolean {
  const v = text(node, key);
  return v !== undefined && v !== '' && Number(v) !== 0;
}

/** Parses one VOC XML document; `xml` names it in errors. */
export async function parseVocXml(source: string, xml: string): Promise<VocFile> {
  const doc = scanXml(source) ?? (await parseWithFastXmlParser(source, xml));
  try {
    return vocFromXml(doc, xml);
  } catch (e) {
    // The parsed tree has no positions: find the element's line in the text, only on failure.
    if (e instanceof DetkitError && e.where.line === undefined) {
      const line = elementLine(source, e.where.record, e.where.field);
      if (line !== undefined) throw new DetkitError(e.detail, { ...e.where, line });
    }
    throw e;
  }
}

/** Line of the element a `vocFromXml` error names (`object[2]` + `bndbox.xmin`, `size.width`). */
function elementLine(source: string, record: unknown, field: string | undefined): number | undefined {
  let from = 0;
  let end = source.length;
  const object = typeof record === 'string' ? /^object\[(\d+)\]$/.exec(record) : null;
  if (object) {
    from = -1;
    for (let k = 0; k <= Number(object[1]); k++) {
      from = source.indexOf('<object', from + 1);
      if (from < 0) return undefined;
    }
    const close = source.indexOf('</object', from);
    if (close >= 0) end = close;
  } else if (field?.startsWith('size.')) {
    from = Math.max(0, source.indexOf('<size'));
  } else if (!field) {
    return undefined;
  }
  const tag = field?.split('.').pop();
  const at = tag ? source.indexOf(`<${tag}`, from) : -1;
  return lineColumn(source, at >= 0 && at < end ? at : from).line;
}

function vocFromXml(doc: XmlNode, xml: string): VocFile {
  const root = doc.annotation as XmlNode | undefined;
  if (!root || typeof root !== 'object') throw new DetkitError('no <annotation> root element', { file: xml });
  const size = (typeof root.size === 'object' ? root.size : {}) as XmlNode;
  const sizeField = (key: string): number => {
    const v = text(size, key);
    if (v === undefined || v === '') return 0;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new DetkitError(`<size><${key}> "${v}" is not a size`, { file: xml, field: `size.${key}` });
    return n;
  };
  const out: VocFile = {
    xml,
    filename: text(root, 'filename') || `${stem(xml)}.jpg`,
    width: sizeField('width'),
    height: sizeField('height'),
    objects: [],
  };
  // Like segmented=0, depth 3 (colour) is the default the writer restores: only other depths are kept.
  const depth = text(size, 'depth');
  if (depth && Number(depth) !== 3) out.depth = sizeField('depth');
  // segmented=0 is the default the writer restores: only a segmented image carries the flag.
  const segmented = Number(text(root, 'segmented') || 0);
  if (segmented) out.segmented = segmented;
  const folder = text(root, 'folder');
  if (folder) out.folder = folder;
  const objects = (
    root.object === undefined ? [] : Array.isArray(root.object) ? root.object : [root.object]
  ) as XmlNode[];
  objects.forEach((o, index) => {
    const record = `object[${index}]`;
    const name = typeof o === 'object' ? text(o, 'name') : undefined;
    if (!name) throw new DetkitError('object has no <name>', { file: xml, record, field: 'name' });
    const bndbox = o.bndbox as XmlNode | undefined;
    if (!bndbox || typeof bndbox !== 'object') {
      throw new DetkitError('object has no <bndbox>', { file: xml, record, field: 'bndbox' });
    }
    const corner = (key: string): number => {
      const v = text(bndbox, key);
      if (v === undefined || v === '') {
        throw new DetkitError(`<bndbox> has no <${key}>`, { file: xml, record, field: `bndbox.${key}` });
      }
      const n = Number(v);
      if (!Number.isFinite(n)) {
        throw new DetkitError(`<${key}> "${v}" is not a number`, { file: xml, record, field: `bndbox.${key}` });
      }
      return n;
    };
    const box = boxFromVoc({ xmin: corner('xmin'), ymin: corner('ymin'), xmax: corner('xmax'), ymax: corner('ymax') });
    const object: VocObject = {
      name,
      box,
      difficult: flag(o, 'difficult'),
      truncated: flag(o, 'truncated'),
      occluded: flag(o, 'occluded'),
    };
    const pose = text(o, 'pose');
    if (pose && pose !== 'Unspecified') object.pose = pose;
    out.objects.push(object);
  });
  return out;
}

/** Image ids (XML stems) of a split list; per-class lists carry a second column, ignored. */
function listIds(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split('\n')) {
    const id = line.trim().split(/\s/, 1)[0];
    if (id) ids.push(id);
  }
  return ids;
}

/** Split name by image id (XML stem), from the standard split lists. */
async function readSplits(files: FileAccess, splitDir: string | undefined): Promise<Map<string, string>> {
  const split = new Map<string, string>();
  if (!splitDir) return split;
  // Then any other split list (`minival.txt`); `<class>_<split>.txt` are per-class lists, not splits.
  const others = (await files.list(splitDir))
    .map((e) => e.name)
    .filter((n) => n.endsWith('.txt') && !n.includes('_'))
    .map((n) => n.slice(0, -4))
    .filter((n) => !(VOC_SPLITS as readonly string[]).includes(n));
  for (const name of [...VOC_SPLITS, ...others]) {
    const list = joinPath(splitDir, `${name}.txt`);
    if (!(await files.stat(list))) continue;
    for (const id of listIds(await files.readText(list))) if (!split.has(id)) split.set(id, name);
  }
  return split;
}

export async function readVoc(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  const layout = await vocLayout(files, path);
  const splits = await readSplits(files, layout.splitDir);
  let xmls = (await files.list(layout.annotationDir))
    .filter((e) => !e.isDirectory && extname(e.name) === '.xml')
    .map((e) => e.name);
  if (options.split !== undefined) {
    // Only the images of one list (e.g. VOC2007's trainval), each still tagged with its own split.
    const list = layout.splitDir && joinPath(layout.splitDir, `${options.split}.txt`);
    if (!list || !(await files.stat(list))) {
      throw new DetkitError(`no split list "${options.split}.txt" in ImageSets/Main`, { file: path });
    }
    const wanted = new Set(listIds(await files.readText(list)));
    xmls = xmls.filter((name) => wanted.has(stem(name)));
  }
  let done = 0;
  const parsed = await mapPool(xmls, FILE_CONCURRENCY, async (name) => {
    const xml = `${layout.annotationDir}/${name}`;
    const doc = await parseVocXml(await files.readText(xml), xml);
    if (!(doc.width > 0 && doc.height > 0)) {
      // Some VOC exports write <size> as 0 or leave it out: the image header knows.
      let size: { width: number; height: number };
      try {
        size = await readImageSize(files, joinPath(layout.imageRoot, doc.filename));
      } catch (e) {
        if (!(e instanceof DetkitError)) throw e;
        // The XML sent us to the image: name it too, its <filename> or <size> may be the mistake.
        throw new DetkitError(`<size> is missing or 0 and its image cannot be sized: ${e.message}`, { file: xml });
      }
      doc.width = size.width;
      doc.height = size.height;
    }
    options.progress?.(++done, xmls.length);
    return doc;
  });

  const names = new Set<string>();
  for (const doc of parsed) for (const o of doc.objects) names.add(o.name);
  const categories = new CategoryNames(knownCategories(options.categories));
  const idByName = new Map<string, number>();
  for (const name of [...names].sort()) idByName.set(name, categories.resolve(name).id);

  let boxes = 0;
  for (const doc of parsed) boxes += doc.objects.length;
  const dataset = new Dataset(boxes);
  dataset.categories = categories.categories;
  dataset.info = { sourceFormat: 'voc', imageRoot: layout.imageRoot, task: 'detection' };
  const t = dataset.annotations;
  const imageIds = imageIdsFor(
    parsed.map((doc) => doc.filename),
    options.images,
  );
  parsed.forEach((doc, k) => {
    const image: ImageRecord = { id: imageIds[k], file: doc.filename, width: doc.width, height: doc.height };
    const split = splits.get(stem(doc.xml));
    if (split) image.split = split;
    const extra: Record<string, unknown> = {};
    if (doc.depth !== undefined) extra.depth = doc.depth;
    if (doc.segmented !== undefined) extra.segmented = doc.segmented;
    if (doc.folder !== undefined) extra.folder = doc.folder;
    if (Object.keys(extra).length > 0) image.extra = extra;
    dataset.addImage(image);
    for (const o of doc.objects) {
      const row = t.addBox(image.id, idByName.get(o.name)!, o.box[0], o.box[1], o.box[2], o.box[3]);
      if (o.difficult) t.setFlag(row, 'difficult', true);
      if (o.truncated) t.setFlag(row, 'truncated', true);
      if (o.occluded) t.setFlag(row, 'occluded', true);
      if (o.pose !== undefined) t.attributes.set(row, { pose: o.pose });
    }
  });
  return dataset;
}
