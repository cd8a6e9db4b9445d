/**
 * Mutators for the format fuzzer: byte-level (truncate, flip, insert, delete, duplicate) and
 * structure-aware ones per file kind — JSON (wrong types, removed keys, huge numbers, negative
 * sizes), XML (dropped closing tags, replaced text, CDATA), YAML (wrong value types), text
 * lines (wrong field counts, non-numeric fields), TFRecord (huge lengths with valid CRCs,
 * corrupted CRCs, data edits behind a recomputed CRC), binary headers (huge 32-bit fields).
 * All randomness comes from one seeded generator, so a case replays from its seed.
 */
import { extname } from '../core/paths.js';
import { maskedCrc32c } from './tfrecord/crc32c.js';
import { decodeExample, encodeExample, type FeatureValue } from './tfrecord/example.js';
import { frameRecord } from './tfrecord/framing.js';

/** mulberry32: small, fast, and the same sequence on every platform. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** One seed per (run seed, format, case): any case replays alone. */
export function caseSeed(runSeed: number, format: string, caseIndex: number): number {
  let h = (runSeed ^ 0x9e3779b9) >>> 0;
  for (const c of `${format}#${caseIndex}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export type FileKind = 'json' | 'xml' | 'yaml' | 'lines' | 'tfrecord' | 'image' | 'binary';

const te = new TextEncoder();
const td = new TextDecoder();

export function fileKind(path: string, bytes: Uint8Array): FileKind {
  const ext = extname(path);
  if (ext === '.json') return 'json';
  if (ext === '.xml') return 'xml';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (/\.(tfrecords?|record)$|-\d{5}-of-\d{5}/.test(path)) return 'tfrecord';
  if (['.png', '.jpg', '.jpeg', '.bmp', '.gif', '.webp', '.tif', '.tiff'].includes(ext)) return 'image';
  const head = bytes.subarray(0, 512);
  return head.every((b) => b === 9 || b === 10 || b === 13 || b >= 32) ? 'lines' : 'binary';
}

/** Values of the wrong type, edge numbers and number-like strings. */
const WRONG_VALUES: unknown[] = [
  'x',
  '',
  '12',
  'NaN',
  '-Infinity',
  '1e999',
  0,
  -1,
  -1e308,
  1e308,
  2 ** 53 + 2,
  0.5,
  -0,
  null,
  true,
  false,
  [],
  {},
  [1, 2],
  [[]],
  ['a', null],
  { a: 1 },
  { size: [-1, 5], counts: 'x' },
];
/** Raw JSON number tokens JSON.stringify cannot produce (1e999 parses to Infinity). */
const RAW_NUMBERS = ['1e999', '-1e999', '1e-400', '123456789012345678901234567890', '-0.0'];
const JUNK_TEXT = [
  '',
  'abc',
  '-1',
  '-5',
  '0',
  'NaN',
  'nan',
  'inf',
  '1e999',
  '-1e308',
  '0x10',
  '1,5',
  '  7  ',
  '&bogus;',
  '&amp',
  '<',
  '>',
  'é',
  '9'.repeat(30),
];
const JUNK_FIELDS = [
  'abc',
  'nan',
  'NaN',
  'inf',
  '-inf',
  '-1',
  '1e999',
  '',
  '0x1F',
  '3.',
  '-0',
  '1e-400',
  '99999999999',
  '2.5',
  '-3',
  '1',
  '0',
];
const YAML_VALUES = [
  '[',
  '{',
  '[a, b',
  '~',
  '123',
  'null',
  '"unterminated',
  '- x',
  '{0: a, 5: b}',
  '{-1: a}',
  '{a: b}',
  '[1, [2]]',
  '*alias',
  '&a x',
  '!!binary x',
  "'",
  '../../x',
  '/abs/path',
  'x/../../..',
  'true',
  '[]',
  '{}',
  '0.5',
  'detect',
  'obb',
  'segment',
  'nonsense',
  // Paths of the seed's own files: a list that is a label file, a folder without images…
  'labels/train/img1.txt',
  'data.yaml',
  'images/train/img1.png',
  'labels',
  '.',
  '..',
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ── byte-level ──────────────────────────────────────────────────────────────────────────────

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

const BYTE_MUTATIONS: Record<string, (rng: Rng, b: Uint8Array) => Uint8Array> = {
  truncate: (rng, b) => b.slice(0, rng.int(b.length + 1)),
  'flip bits': (rng, b) => {
    const out = b.slice();
    for (let k = 1 + rng.int(4); k > 0 && out.length > 0; k--) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
  'random bytes': (rng, b) => {
    const out = b.slice();
    for (let k = 1 + rng.int(4); k > 0 && out.length > 0; k--) out[rng.int(out.length)] = rng.int(256);
    return out;
  },
  insert: (rng, b) => {
    const at = rng.int(b.length + 1);
    return concat(b.subarray(0, at), randomBytes(rng, 1 + rng.int(8)), b.subarray(at));
  },
  delete: (rng, b) => {
    const at = rng.int(b.length + 1);
    return concat(b.subarray(0, at), b.subarray(at + 1 + rng.int(16)));
  },
  duplicate: (rng, b) => {
    const at = rng.int(b.length + 1);
    const end = Math.min(b.length, at + 1 + rng.int(64));
    return concat(b.subarray(0, end), b.subarray(at, end), b.subarray(end));
  },
  empty: () => new Uint8Array(0),
};

// ── text lines ──────────────────────────────────────────────────────────────────────────────

function splitLines(text: string): string[] {
  return text.split('\n');
}

const LINE_MUTATIONS: Record<string, (rng: Rng, lines: string[]) => string[]> = {
  'duplicate line': (rng, lines) => {
    const k = rng.int(lines.length);
    return [...lines.slice(0, k + 1), lines[k], ...lines.slice(k + 1)];
  },
  'remove line': (rng, lines) => lines.filter((_, k) => k !== rng.int(lines.length)),
  'swap lines': (rng, lines) => {
    const out = lines.slice();
    const [i, j] = [rng.int(out.length), rng.int(out.length)];
    [out[i], out[j]] = [out[j], out[i]];
    return out;
  },
  'field count': (rng, lines) =>
    editFields(rng, lines, (fields) =>
      rng.chance(0.5) && fields.length > 0
        ? fields.slice(0, -1 - rng.int(fields.length))
        : [...fields, rng.pick(JUNK_FIELDS)],
    ),
  'non-numeric field': (rng, lines) =>
    editFields(rng, lines, (fields) => {
      const out = fields.slice();
      out[rng.int(Math.max(1, out.length))] = rng.pick(JUNK_FIELDS);
      return out;
    }),
  separators: (rng, lines) =>
    editFields(rng, lines, (fields) => [fields.join(rng.pick(['\t', '  ', ' \t ', ',', ';']))]),
  'line ending': (rng, lines) => lines.map((l) => (rng.chance(0.5) ? `${l}\r` : l)),
  'junk line': (rng, lines) => {
    const k = rng.int(lines.length + 1);
    return [...lines.slice(0, k), rng.pick(JUNK_TEXT), ...lines.slice(k)];
  },
};

function editFields(rng: Rng, lines: string[], edit: (fields: string[]) => string[]): string[] {
  const candidates = lines.map((l, k) => (l.trim() ? k : -1)).filter((k) => k >= 0);
  const k = candidates.length > 0 ? rng.pick(candidates) : rng.int(lines.length);
  const out = lines.slice();
  out[k] = edit(lines[k].trim().split(/\s+/).filter(Boolean)).join(' ');
  return out;
}

// ── JSON ────────────────────────────────────────────────────────────────────────────────────

type JsonContainer = Record<string, unknown> | unknown[];

/** Every (container, key) in the document, the root excluded. */
function jsonSlots(value: unknown, out: [JsonContainer, string | number][] = []): [JsonContainer, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((v, k) => {
      out.push([value, k]);
      jsonSlots(v, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, key]);
      jsonSlots(v, out);
    }
  }
  return out;
}

function mutateJson(rng: Rng, text: string): [string, string] | null {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return null;
  }
  const slots = jsonSlots(root);
  if (slots.length === 0) return null;
  let raw: string | undefined;
  const edits = 1 + (rng.chance(0.2) ? rng.int(3) : 0);
  const done: string[] = [];
  for (let k = 0; k < edits; k++) {
    const [container, key] = rng.pick(slots);
    const kind = rng.int(6);
    const set = (v: unknown) => {
      (container as Record<string | number, unknown>)[key] = v;
    };
    const current = (container as Record<string | number, unknown>)[key];
    if (kind <= 1) {
      const v = rng.pick(WRONG_VALUES);
      set(structuredClone(v));
      done.push(`${key} = ${JSON.stringify(v)}`);
    } else if (kind === 2) {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      done.push(`remove ${key}`);
    } else if (kind === 3 && typeof current === 'number') {
      set(rng.pick([-current, -1, current * 1e6, current + 0.5, 2 ** 31, -(2 ** 31) - 1]));
      done.push(`${key} = odd number`);
    } else if (kind === 4) {
      raw = rng.pick(RAW_NUMBERS);
      set('\u0000RAW\u0000');
      done.push(`${key} = ${raw}`);
    } else if (Array.isArray(current) && current.length > 0) {
      current.push(structuredClone(current[rng.int(current.length)]));
      done.push(`duplicate an item of ${key}`);
    } else {
      set([current]);
      done.push(`${key} = [value]`);
    }
  }
  let out = JSON.stringify(root, null, rng.chance(0.5) ? rng.pick([1, 2, '\t']) : undefined) ?? '';
  if (raw !== undefined) out = out.split('"\\u0000RAW\\u0000"').join(raw);
  return [out, `JSON: ${done.join(', ')}`];
}

// ── XML ─────────────────────────────────────────────────────────────────────────────────────

function mutateXml(rng: Rng, text: string): [string, string] | null {
  const tags = [...text.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^>]*>/g)];
  if (tags.length === 0) return null;
  const leaves = [...text.matchAll(/<([A-Za-z_][\w.:-]*)>([^<]*)<\/\1>/g)];
  const kind = rng.int(7);
  const cut = (from: number, to: number, put: string) => text.slice(0, from) + put + text.slice(to);
  if (kind === 0) {
    const closing = tags.filter((m) => m[1] === '/');
    const m = rng.pick(closing.length > 0 ? closing : tags);
    return [cut(m.index!, m.index! + m[0].length, ''), `XML: drop ${m[0]}`];
  }
  if (kind === 1 && leaves.length > 0) {
    const m = rng.pick(leaves);
    const junk = rng.pick(JUNK_TEXT);
    return [
      cut(m.index!, m.index! + m[0].length, `<${m[1]}>${junk}</${m[1]}>`),
      `XML: <${m[1]}> text = ${JSON.stringify(junk)}`,
    ];
  }
  if (kind === 2 && leaves.length > 0) {
    const m = rng.pick(leaves);
    return [cut(m.index!, m.index! + m[0].length, `<${m[1]}><![CDATA[${m[2]}]]></${m[1]}>`), `XML: CDATA in <${m[1]}>`];
  }
  if (kind === 3 && leaves.length > 0) {
    const m = rng.pick(leaves);
    return [cut(m.index!, m.index! + m[0].length, m[0] + m[0]), `XML: duplicate <${m[1]}>`];
  }
  if (kind === 4 && leaves.length > 0) {
    const m = rng.pick(leaves);
    return [cut(m.index!, m.index! + m[0].length, ''), `XML: remove <${m[1]}>`];
  }
  if (kind === 5) {
    const m = rng.pick(tags);
    const renamed = m[0].replace(m[2], rng.pick(['x', 'object', 'annotation', 'bndbox', 'size', m[2].toUpperCase()]));
    return [cut(m.index!, m.index! + m[0].length, renamed), `XML: rename ${m[0]}`];
  }
  const m = rng.pick(tags.filter((t) => t[1] === '').concat(tags.slice(0, 1)));
  const extra = rng.pick([' a="1"', ' a=">"', '/', ' <', ' b']);
  return [cut(m.index! + m[0].length - 1, m.index! + m[0].length - 1, extra), `XML: ${m[0]} gets ${extra}`];
}

// ── YAML ────────────────────────────────────────────────────────────────────────────────────

function mutateYaml(rng: Rng, text: string): [string, string] | null {
  const lines = splitLines(text);
  const keyed = lines.map((l, k) => (/^\s*[^#\s][^:]*:/.test(l) ? k : -1)).filter((k) => k >= 0);
  if (keyed.length === 0) return null;
  const k = rng.pick(keyed);
  const out = lines.slice();
  const kind = rng.int(3);
  if (kind === 0) {
    const value = rng.pick(YAML_VALUES);
    out[k] = `${lines[k].slice(0, lines[k].indexOf(':') + 1)} ${value}`;
    return [out.join('\n'), `YAML: line ${k + 1} value = ${value}`];
  }
  if (kind === 1) {
    out[k] = `${rng.pick([' ', '  ', '\t', '- '])}${lines[k]}`;
    return [out.join('\n'), `YAML: indent line ${k + 1}`];
  }
  out.splice(k, 0, `${rng.pick(['names', 'train', 'val', 'path', 'task', 'nc', '0'])}: ${rng.pick(YAML_VALUES)}`);
  return [out.join('\n'), `YAML: insert a key before line ${k + 1}`];
}

// ── binary ──────────────────────────────────────────────────────────────────────────────────

interface Frame {
  at: number;
  length: number;
}

function tfrecordFrames(b: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 0; at + 12 <= b.length; ) {
    const length = Number(view.getBigUint64(at, true));
    if (at + 16 + length > b.length) break;
    frames.push({ at, length });
    at += 16 + length;
  }
  return frames;
}

function mutateTfrecord(rng: Rng, b: Uint8Array): [Uint8Array, string] | null {
  const frames = tfrecordFrames(b);
  if (frames.length === 0) return null;
  const f = rng.pick(frames);
  const out = b.slice();
  const view = new DataView(out.buffer);
  const fixLengthCrc = () => view.setUint32(f.at + 8, maskedCrc32c(out, f.at, f.at + 8), true);
  const kind = rng.int(6);
  if (kind === 0) {
    const huge = rng.pick([
      2n ** 31n,
      2n ** 32n + 5n,
      2n ** 40n,
      2n ** 53n + 1n,
      2n ** 63n - 1n,
      2n ** 64n - 1n,
      BigInt(f.length + 1),
    ]);
    view.setBigUint64(f.at, huge, true);
    const fixed = rng.chance(0.8);
    if (fixed) fixLengthCrc();
    return [out, `TFRecord: record at ${f.at} length = ${huge}${fixed ? ' (length CRC valid)' : ''}`];
  }
  if (kind === 1) {
    const which = rng.chance(0.5) ? f.at + 8 : f.at + 12 + f.length;
    view.setUint32(which, view.getUint32(which, true) ^ (1 << rng.int(32)), true);
    return [out, `TFRecord: corrupt CRC at ${which}`];
  }
  if (kind === 2) {
    const edited = mutateExample(rng, b.subarray(f.at + 12, f.at + 12 + f.length));
    if (edited) {
      return [
        concat(b.subarray(0, f.at), frameRecord(edited[0]), b.subarray(f.at + 16 + f.length)),
        `TFRecord: ${edited[1]}`,
      ];
    }
  }
  // Edit the record's data and make both CRCs valid again, so the Example decoder sees it.
  const data = out.subarray(f.at + 12, f.at + 12 + f.length);
  const mutation = rng.pick(['flip bits', 'random bytes', 'truncate', 'insert', 'delete', 'duplicate']);
  const edited = BYTE_MUTATIONS[mutation](rng, data);
  const frame = new Uint8Array(16 + edited.length);
  const fv = new DataView(frame.buffer);
  fv.setBigUint64(0, BigInt(edited.length), true);
  fv.setUint32(8, maskedCrc32c(frame, 0, 8), true);
  frame.set(edited, 12);
  fv.setUint32(12 + edited.length, maskedCrc32c(edited), true);
  return [
    concat(b.subarray(0, f.at), frame, b.subarray(f.at + 16 + f.length)),
    `TFRecord: ${mutation} inside record at ${f.at} (CRCs valid)`,
  ];
}

/** Headers of broken images: a JPEG with no frame before its data, a PNG cut short, junk. */
const BROKEN_IMAGES = [
  [0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0x00],
  [0xff, 0xd8, 0x00, 0x00, 0x00, 0x00],
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a],
  [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x58, 0x58, 0x58, 0x58, ...new Array(20).fill(0)],
  [0x49, 0x49, 0x2a, 0x00, 0xff, 0xff, 0xff, 0x00],
  [],
];

/** A tf.train.Example with one feature of the wrong kind, length or value (a valid protobuf still). */
function mutateExample(rng: Rng, data: Uint8Array): [Uint8Array, string] | null {
  let features: Map<string, FeatureValue>;
  try {
    features = decodeExample(data);
  } catch {
    return null;
  }
  const keys = [...features.keys()];
  if (keys.length === 0) return null;
  const key = rng.pick(keys);
  const f = features.get(key)!;
  const kind = rng.int(6);
  let what: string;
  if (kind === 0) {
    features.delete(key);
    what = `remove ${key}`;
  } else if (kind === 1) {
    const to = rng.pick(['bytes', 'float', 'int64'] as const);
    features.set(
      key,
      to === 'bytes'
        ? { kind: 'bytes', value: [te.encode(rng.pick(JUNK_FIELDS))] }
        : { kind: to, value: [rng.pick([-1, 0, 1e9, 2.5])] },
    );
    what = `${key} as ${to}`;
  } else if (kind === 2 && f.kind !== 'bytes') {
    const values = f.value.slice();
    if (rng.chance(0.5) && values.length > 0) values.pop();
    else values.push(rng.pick([-1, 0, 1e30, Number.NaN]));
    features.set(key, { kind: f.kind, value: values });
    what = `${key} has ${values.length} values`;
  } else if (kind === 3 && f.kind !== 'bytes') {
    const edge = f.kind === 'float' ? [Number.NaN, Number.POSITIVE_INFINITY, -1, 3.4e38] : [-1, 0, 2 ** 53, -(2 ** 62)];
    features.set(key, { kind: f.kind, value: f.value.map(() => rng.pick(edge)) });
    what = `${key} = edge values`;
  } else if (kind === 4) {
    features.set('image/encoded', { kind: 'bytes', value: [Uint8Array.from(rng.pick(BROKEN_IMAGES))] });
    for (const size of ['image/width', 'image/height']) if (rng.chance(0.7)) features.delete(size);
    what = 'broken image/encoded, sizes maybe removed';
  } else {
    features.set(key, { kind: 'bytes', value: f.kind === 'bytes' ? [...f.value, randomBytes(rng, 3)] : [] });
    what = `${key} bytes edited`;
  }
  return [encodeExample(features), `Example: ${what}`];
}

/** A 32-bit field in the header set to an edge value (image sizes, IDX dimensions, counts). */
function mutateHeaderInt(rng: Rng, b: Uint8Array): [Uint8Array, string] | null {
  if (b.length < 4) return null;
  const out = b.slice();
  const at = Math.min(b.length - 4, 4 * rng.int(Math.min(8, b.length >> 2)));
  const value = rng.pick([0, 1, 0x7fffffff, 0xffffffff, 0x10000, 0x80000000]);
  new DataView(out.buffer).setUint32(at, value, rng.chance(0.5));
  return [out, `binary: 32-bit field at ${at} = ${value}`];
}

// ── entry point ─────────────────────────────────────────────────────────────────────────────

/** One mutation of a file's bytes: structure-aware for its kind most of the time, else byte-level. */
export function mutateBytes(rng: Rng, path: string, bytes: Uint8Array): { bytes: Uint8Array; what: string } {
  const kind = fileKind(path, bytes);
  if (rng.chance(0.65)) {
    const text = () => td.decode(bytes);
    let done: [Uint8Array, string] | null = null;
    const fromText = (r: [string, string] | null): [Uint8Array, string] | null => (r ? [te.encode(r[0]), r[1]] : null);
    if (kind === 'json') done = rng.chance(0.8) ? fromText(mutateJson(rng, text())) : null;
    else if (kind === 'xml') done = rng.chance(0.8) ? fromText(mutateXml(rng, text())) : null;
    else if (kind === 'yaml') done = rng.chance(0.6) ? fromText(mutateYaml(rng, text())) : null;
    else if (kind === 'tfrecord') done = mutateTfrecord(rng, bytes);
    else if (kind === 'image' || kind === 'binary') done = mutateHeaderInt(rng, bytes);
    if (!done && kind !== 'tfrecord' && kind !== 'image' && kind !== 'binary') {
      const name = rng.pick(Object.keys(LINE_MUTATIONS));
      done = [te.encode(LINE_MUTATIONS[name](rng, splitLines(text())).join('\n')), `lines: ${name}`];
    }
    if (done) return { bytes: done[0], what: done[1] };
  }
  const name = rng.pick(Object.keys(BYTE_MUTATIONS));
  return { bytes: BYTE_MUTATIONS[name](rng, bytes), what: `bytes: ${name}` };
}
