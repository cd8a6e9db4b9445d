/**
 * TFRecord files of tf.train.Example in the TensorFlow Object Detection API's layout, read and
 * written natively (no TensorFlow). Keys: image/{height,width,filename,source_id,key/sha256,
 * encoded,format}, image/object/bbox/{xmin,xmax,ymin,ymax} (normalised), image/object/class/
 * {text,label} (label 1-based; 0 is the background), image/object/{difficult,truncated,is_crowd,
 * group_of,weight,area}, image/object/mask (PNG or float masks ↔ COCO RLE, masks.ts). Shards
 * are `name-00000-of-00010.tfrecord`; the label map is `label_map.pbtxt` beside them.
 */
import { Dataset, type ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { imageSizeFromHeader } from '../../core/image-size.js';
import { basename, dirname, extname, joinPath, stem } from '../../core/paths.js';
import { type DatasetFormat, holds, type ReadOptions, type WriteOptions, type WriteResult } from '../format.js';
import { readImageBytes } from '../images.js';
import type { LossReport } from '../loss.js';
import { maskedCrc32c } from './crc32c.js';
import type { Features, FeatureValue } from './example.js';
import { frameRecord, readRecords } from './framing.js';
import { formatLabelMap, type LabelMapItem, parseLabelMap } from './label-map.js';
import { MASK_KEY, maskFeature, readMasks } from './masks.js';

const SHARD = /^(.*)-(\d{5})-of-(\d{5})(\.[^/]*)?$/;
const RECORD_FILE = /\.(tfrecords?|record)(-\d{5}-of-\d{5})?$|-\d{5}-of-\d{5}$/i;
const te = new TextEncoder();
const td = new TextDecoder();

const capabilities = holds({
  boxes: true,
  rle: true,
  crowd: true,
  attributes: ['difficult', 'truncated', 'group_of', 'weight'],
  negatives: true,
  categoryIds: true,
  imageIds: true,
  area: true,
  splits: true,
});

async function recordFiles(files: FileAccess, path: string): Promise<string[]> {
  const stat = await files.stat(path);
  if (!stat) throw new DetkitError('no such file or folder', { file: path });
  if (stat.isDirectory) {
    const found = (await files.list(path)).filter((e) => !e.isDirectory && RECORD_FILE.test(e.name));
    return found.map((e) => joinPath(path, e.name));
  }
  const shard = SHARD.exec(basename(path));
  if (!shard) return [path];
  // One shard names the whole set: read every sibling of the same base.
  const [, base, , total, ext = ''] = shard;
  const siblings = (await files.list(dirname(path))).map((e) => e.name);
  return siblings
    .filter((name) => {
      const m = SHARD.exec(name);
      return m && m[1] === base && m[3] === total && (m[4] ?? '') === ext;
    })
    .map((name) => joinPath(dirname(path), name));
}

async function detect(files: FileAccess, path: string) {
  let candidates: string[];
  try {
    candidates = await recordFiles(files, path);
  } catch {
    return null;
  }
  const first =
    candidates.find((f) => RECORD_FILE.test(basename(f))) ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!first) return null;
  const head = await files.readHead(first, 12);
  if (head.length < 12) return null;
  const crc = new DataView(head.buffer, head.byteOffset, 12).getUint32(8, true);
  if (crc !== maskedCrc32c(head, 0, 8)) return null;
  return {
    confidence: 0.95,
    reason: `${basename(first)} starts with a valid TFRecord frame (length CRC checks)${candidates.length > 1 ? `; ${candidates.length} record files` : ''}`,
  };
}

function feature(features: Features, key: string): FeatureValue | undefined {
  return features.get(key);
}
function ints(features: Features, key: string): number[] {
  const f = feature(features, key);
  return f?.kind === 'int64' ? f.value : f?.kind === 'float' ? f.value : [];
}
function floats(features: Features, key: string): number[] {
  const f = feature(features, key);
  return f?.kind === 'float' ? f.value : f?.kind === 'int64' ? f.value : [];
}
function strings(features: Features, key: string): string[] {
  const f = feature(features, key);
  return f?.kind === 'bytes' ? f.value.map((b) => td.decode(b)) : [];
}
function bytes(features: Features, key: string): Uint8Array | undefined {
  const f = feature(features, key);
  return f?.kind === 'bytes' ? f.value[0] : undefined;
}

async function read(files: FileAccess, path: string, options: ReadOptions = {}): Promise<Dataset> {
  // protobufjs is loaded only when a TFRecord is really read or written: it costs start-up time.
  const { decodeExample } = await import('./example.js');
  const shards = await recordFiles(files, path);
  if (shards.length === 0) throw new DetkitError('no .tfrecord / .record files here', { file: path });
  const folder = (await files.stat(path))?.isDirectory ? path : dirname(path);
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'tfrecord', imageRoot: folder };
  const keepBytes = options.keepImageBytes === true;
  if (keepBytes) dataset.info.embeddedImages = new Map();

  const labelMapPath = typeof options.labelMap === 'string' ? options.labelMap : joinPath(folder, 'label_map.pbtxt');
  const byId = new Map<number, string>();
  if (await files.stat(labelMapPath)) {
    for (const item of parseLabelMap(await files.readText(labelMapPath), labelMapPath)) {
      byId.set(item.id, item.name);
      dataset.addCategory({
        id: item.id,
        name: item.name,
        ...(item.displayName && item.displayName !== item.name ? { extra: { display_name: item.displayName } } : {}),
      });
    }
  }
  const warn = options.warn ?? (() => {});
  const usedIds = new Set<number>();
  let nextId = 1;
  const split = shards.length > 0 ? splitName(shards[0]) : undefined;

  for (const shard of shards) {
    const shardSplit = splitName(shard) ?? split;
    for await (const event of readRecords(files.readChunks(shard))) {
      if (event.kind !== 'record') {
        warn(`${shard} (record ${event.index}): ${event.problem}`);
        continue;
      }
      let f: Features;
      try {
        f = decodeExample(event.data);
      } catch (e) {
        warn(`${shard} (record ${event.index}): not a tf.train.Example (${(e as Error).message}); record skipped`);
        continue;
      }
      try {
        const firstRow = dataset.annotations.length;
        const image = addExample(dataset, f, shardSplit, keepBytes, byId, usedIds, () => {
          while (usedIds.has(nextId)) nextId++;
          return nextId;
        });
        const masks = await readMasks(f, dataset.annotations.length - firstRow, image.width, image.height);
        masks?.forEach((mask, k) => dataset.annotations.segmentations.set(firstRow + k, mask));
      } catch (e) {
        if (e instanceof DetkitError) throw new DetkitError(e.detail, { ...e.where, file: shard, record: event.index });
        throw e;
      }
    }
  }
  dataset.categories.sort((a, b) => a.id - b.id);
  return dataset;
}

function splitName(file: string): string | undefined {
  const base = stem(basename(file).replace(/-\d{5}-of-\d{5}/, ''));
  const known = ['train', 'val', 'valid', 'validation', 'test', 'eval', 'trainval', 'minival'];
  return known.find((s) => base === s || base.endsWith(`_${s}`) || base.startsWith(`${s}_`) || base.endsWith(`-${s}`));
}

function addExample(
  dataset: Dataset,
  f: Features,
  split: string | undefined,
  keepBytes: boolean,
  byId: Map<number, string>,
  usedIds: Set<number>,
  freshId: () => number,
): ImageRecord {
  const encoded = bytes(f, 'image/encoded');
  let width = ints(f, 'image/width')[0] ?? 0;
  let height = ints(f, 'image/height')[0] ?? 0;
  if ((!width || !height) && encoded) {
    let size: ReturnType<typeof imageSizeFromHeader>;
    try {
      size = imageSizeFromHeader(encoded.subarray(0, 65536));
    } catch (e) {
      // A recognisably broken header throws a plain Error: the record is what is wrong.
      throw new DetkitError(
        `image/width and image/height are missing and image/encoded is broken: ${(e as Error).message}`,
      );
    }
    if (size && size !== 'need-more') ({ width, height } = size);
  }
  if (!width || !height)
    throw new DetkitError('image/width and image/height are missing and image/encoded has no readable size');
  const sourceId = strings(f, 'image/source_id')[0];
  let id = sourceId !== undefined && /^\d+$/.test(sourceId) ? Number(sourceId) : Number.NaN;
  if (Number.isNaN(id) || usedIds.has(id)) id = freshId();
  usedIds.add(id);
  const format = strings(f, 'image/format')[0];
  const filename = strings(f, 'image/filename')[0] || `${sourceId || id}.${format === 'png' ? 'png' : 'jpg'}`;
  const image: ImageRecord = { id, file: filename, width, height };
  if (split) image.split = split;
  const extra: Record<string, unknown> = {};
  if (sourceId !== undefined && String(id) !== sourceId) extra.source_id = sourceId;
  if (Object.keys(extra).length) image.extra = extra;
  dataset.addImage(image);
  if (keepBytes && encoded) dataset.info.embeddedImages?.set(id, encoded);

  const xmin = floats(f, 'image/object/bbox/xmin');
  const xmax = floats(f, 'image/object/bbox/xmax');
  const ymin = floats(f, 'image/object/bbox/ymin');
  const ymax = floats(f, 'image/object/bbox/ymax');
  const n = xmin.length;
  if (xmax.length !== n || ymin.length !== n || ymax.length !== n) {
    throw new DetkitError(
      `bbox lists differ in length (xmin ${n}, xmax ${xmax.length}, ymin ${ymin.length}, ymax ${ymax.length})`,
    );
  }
  const labels = ints(f, 'image/object/class/label');
  const texts = strings(f, 'image/object/class/text');
  const difficult = ints(f, 'image/object/difficult');
  const truncated = ints(f, 'image/object/truncated');
  const crowd = ints(f, 'image/object/is_crowd');
  const groupOf = ints(f, 'image/object/group_of');
  const weight = floats(f, 'image/object/weight');
  const area = floats(f, 'image/object/area');
  for (let k = 0; k < n; k++) {
    let label = labels[k];
    const text = texts[k];
    if (label === undefined) {
      if (text === undefined) throw new DetkitError(`object ${k} has neither class/label nor class/text`);
      label = [...byId].find(([, name]) => name === text)?.[0] ?? byId.size + 1;
    }
    if (!byId.has(label)) {
      byId.set(label, text ?? String(label));
      dataset.addCategory({ id: label, name: text ?? String(label) });
    }
    const row = dataset.annotations.addBox(
      id,
      label,
      xmin[k] * width,
      ymin[k] * height,
      (xmax[k] - xmin[k]) * width,
      (ymax[k] - ymin[k]) * height,
    );
    const t = dataset.annotations;
    if (crowd[k]) t.setCrowd(row, true);
    if (difficult[k]) t.setFlag(row, 'difficult', true);
    if (truncated[k]) t.setFlag(row, 'truncated', true);
    if (groupOf[k]) t.setFlag(row, 'group_of', true);
    if (area[k] !== undefined) t.areas[row] = area[k];
    if (weight[k] !== undefined && weight[k] !== 1) t.attributes.set(row, { weight: weight[k] });
  }
  return image;
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function shardNames(base: string, ext: string, shards: number): string[] {
  if (shards <= 1) return [`${base}${ext}`];
  const pad = (k: number) => String(k).padStart(5, '0');
  return Array.from({ length: shards }, (_, k) => `${base}-${pad(k)}-of-${pad(shards)}${ext}`);
}

async function write(
  dataset: Dataset,
  files: FileAccess,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const { encodeExample } = await import('./example.js');
  const loss: LossReport = [];
  const shards = Math.max(1, Number(options.shards ?? 1) | 0);
  const single = RECORD_FILE.test(basename(path)) || extname(path) === '.tfrecord';
  const folder = single ? dirname(path) : path;
  await files.mkdir(folder);

  // Label ids must be ≥ 1 (0 is the background): keep the dataset's ids when they are.
  const remap = new Map<number, number>();
  const keepIds = dataset.categories.every((c) => c.id >= 1);
  dataset.categories.forEach((c, k) => remap.set(c.id, keepIds ? c.id : k + 1));
  if (!keepIds) {
    loss.push({
      what: 'category-ids',
      count: dataset.categories.length,
      message: 'category ids below 1 (renumbered 1..N; 0 is the background)',
    });
  }
  const names = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const labelMap: LabelMapItem[] = dataset.categories.map((c) => ({ id: remap.get(c.id) ?? 0, name: c.name }));
  const written: string[] = [];
  const labelMapPath = joinPath(folder, 'label_map.pbtxt');
  await files.writeText(labelMapPath, formatLabelMap(labelMap));
  written.push(labelMapPath);

  // One record set per split when writing a folder; a single file otherwise.
  const groups = new Map<string, number[]>();
  dataset.images.forEach((im, k) => {
    const key = single ? '' : (im.split ?? '');
    const list = groups.get(key) ?? [];
    list.push(k);
    groups.set(key, list);
  });
  const { offsets, order } = dataset.rowsByImage();
  const t = dataset.annotations;
  const withMasks = t.segmentations.size > 0;
  const masks = { empty: 0 };
  let boxes = 0;
  for (const [split, imageIndexes] of groups) {
    const base = single ? joinPath(folder, stem(basename(path))) : joinPath(folder, split || 'data');
    const ext = single ? extname(path) || '.tfrecord' : '.tfrecord';
    const targets = shardNames(base, ext, shards);
    const sinks = await Promise.all(targets.map((p) => files.openWriter(p)));
    written.push(...targets);
    let done = 0;
    for (const k of imageIndexes) {
      const image = dataset.images[k];
      const encoded = await readImageBytes(dataset, image, files, options.imageRoot);
      const size = imageSizeFromHeader(encoded.subarray(0, 65536));
      const format =
        size && size !== 'need-more' ? (size.format === 'jpeg' ? 'jpeg' : size.format) : extname(image.file).slice(1);
      const W = image.width;
      const H = image.height;
      const f: Features = new Map();
      const rows = order.subarray(offsets[k], offsets[k + 1]);
      const col = (fn: (row: number) => number) => Array.from(rows, fn);
      f.set('image/height', { kind: 'int64', value: [H] });
      f.set('image/width', { kind: 'int64', value: [W] });
      f.set('image/filename', { kind: 'bytes', value: [te.encode(image.file)] });
      f.set('image/source_id', { kind: 'bytes', value: [te.encode(String(image.id))] });
      f.set('image/key/sha256', { kind: 'bytes', value: [te.encode(await sha256Hex(encoded))] });
      f.set('image/encoded', { kind: 'bytes', value: [encoded] });
      f.set('image/format', { kind: 'bytes', value: [te.encode(format)] });
      f.set('image/object/bbox/xmin', { kind: 'float', value: col((r) => t.boxes[r * 4] / W) });
      f.set('image/object/bbox/xmax', { kind: 'float', value: col((r) => (t.boxes[r * 4] + t.boxes[r * 4 + 2]) / W) });
      f.set('image/object/bbox/ymin', { kind: 'float', value: col((r) => t.boxes[r * 4 + 1] / H) });
      f.set('image/object/bbox/ymax', {
        kind: 'float',
        value: col((r) => (t.boxes[r * 4 + 1] + t.boxes[r * 4 + 3]) / H),
      });
      f.set('image/object/class/text', {
        kind: 'bytes',
        value: Array.from(rows, (r) => te.encode(names.get(t.categoryIds[r]) ?? String(t.categoryIds[r]))),
      });
      f.set('image/object/class/label', {
        kind: 'int64',
        value: col((r) => remap.get(t.categoryIds[r]) ?? t.categoryIds[r]),
      });
      f.set('image/object/difficult', { kind: 'int64', value: col((r) => (t.flag(r, 'difficult') ? 1 : 0)) });
      f.set('image/object/truncated', { kind: 'int64', value: col((r) => (t.flag(r, 'truncated') ? 1 : 0)) });
      f.set('image/object/is_crowd', { kind: 'int64', value: col((r) => (t.isCrowd(r) ? 1 : 0)) });
      f.set('image/object/group_of', { kind: 'int64', value: col((r) => (t.flag(r, 'group_of') ? 1 : 0)) });
      f.set('image/object/weight', {
        kind: 'float',
        value: col((r) => {
          const w = t.attributes.get(r)?.weight;
          return typeof w === 'number' ? w : 1;
        }),
      });
      if (rows.some((r) => t.hasArea(r)))
        f.set('image/object/area', { kind: 'float', value: col((r) => t.effectiveArea(r)) });
      if (withMasks) f.set(MASK_KEY, await maskFeature(t, rows, W, H, masks));
      boxes += rows.length;
      await sinks[done % sinks.length].write(frameRecord(encodeExample(f)));
      done++;
      options.progress?.(done, imageIndexes.length);
    }
    await Promise.all(sinks.map((s) => s.close()));
  }
  if (masks.empty > 0) {
    options.warn?.(
      `${masks.empty} objects without a segmentation got an empty mask (the TF OD API wants one per object)`,
    );
  }
  if (boxes > 0) {
    loss.push({
      what: 'float32-boxes',
      count: boxes,
      message: 'box coordinates beyond float32 precision (tf.train.FloatList; ~1e-7 of the image size)',
    });
  }
  return { files: written, loss };
}

export const tfrecord: DatasetFormat = {
  name: 'tfrecord',
  description: 'TFRecord of tf.train.Example for the TensorFlow Object Detection API (+ label_map.pbtxt)',
  capabilities,
  detect,
  read,
  write,
};
