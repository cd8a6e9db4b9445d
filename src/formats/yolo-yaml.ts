/**
 * Ultralytics `data.yaml`: `names` (list or {index: name} dict), `path` (dataset root, relative
 * to the yaml's folder; the folder itself when absent), `train` / `val` / `test` entries (a
 * folder of images, a `.txt` list of image paths, or a list of those) and detkit's `task` key
 * (detect | segment | obb), which decides how label lines with many numbers read.
 */
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { dirname, extname, isAbsolutePath, joinPath } from '../core/paths.js';

export type YoloTask = 'detect' | 'segment' | 'obb';

export const YOLO_SPLITS = ['train', 'val', 'test'] as const;

export interface YoloSource {
  path: string;
  /**
   * Ultralytics' second guess for an entry starting with '../' that does not exist: the same
   * entry without it (Roboflow exports write `train: ../train/images` next to `train/`).
   */
  orElse?: string;
  /** The data.yaml line of the entry, for messages. */
  line?: number;
}

export interface YoloConfig {
  yamlFile: string;
  /** Dataset root: split entries and list files resolve against it. */
  root: string;
  /** Class names by class index. */
  names: string[];
  /** Per split, the resolved sources: image folders or `.txt` list files. */
  splits: { split: string; sources: YoloSource[] }[];
  task: YoloTask;
}

/** `task` as written in a yaml or given as an option; undefined when absent. */
export function parseTask(
  value: unknown,
  where: { file?: string; line?: number; field?: string },
): YoloTask | undefined {
  if (value === undefined || value === null) return undefined;
  switch (value) {
    case 'detect':
    case 'detection':
      return 'detect';
    case 'segment':
    case 'segmentation':
      return 'segment';
    case 'obb':
      return 'obb';
  }
  throw new DetkitError(`unknown YOLO task ${JSON.stringify(value)}; expected detect, segment or obb`, where);
}

/** 1-based line of a top-level `key:` in the yaml text, for messages (undefined when not found). */
function keyLine(text: string, key: string): number | undefined {
  const lines = text.split('\n');
  const k = lines.findIndex((l) => l.startsWith(key) && /^\s*:/.test(l.slice(key.length)));
  return k < 0 ? undefined : k + 1;
}

/** Class indices beyond this are a typo, not a class list (and would not fit an array). */
const MAX_CLASSES = 1 << 24;

/**
 * The data.yaml's top-level mapping. Whatever the yaml library reports — errors, and warnings
 * too (an unresolved `!!python/tuple` tag, a `%YAML 1.3` directive), which it would otherwise
 * print and then read the value some other way — is a DetkitError at the line it names.
 */
async function parseYamlMapping(text: string, file: string): Promise<Record<string, unknown>> {
  // Loaded on first need: only YOLO reads parse YAML, and loading it costs start-up time.
  const YAML = (await import('yaml')).default;
  const message = (e: Error) => e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  // 'error', not 'silent' (which also drops the several-documents error): warnings are not
  // printed, each becomes an error below.
  const doc = YAML.parseDocument(text, { prettyErrors: true, logLevel: 'error' });
  const [error] = doc.errors;
  if (error) throw new DetkitError(`invalid YAML: ${message(error)}`, { file, line: error.linePos?.[0]?.line });
  const [warning] = doc.warnings;
  if (warning) {
    throw new DetkitError(`YAML the parser warns about: ${message(warning)}`, {
      file,
      line: warning.linePos?.[0]?.line,
    });
  }
  let complexKey: number | undefined;
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isCollection(pair.key)) {
        complexKey = pair.key.range?.[0] ?? 0;
        return YAML.visit.BREAK;
      }
    },
  });
  if (complexKey !== undefined) {
    throw new DetkitError('invalid YAML: a mapping key is a list or mapping, not a name', {
      file,
      line: text.slice(0, complexKey).split('\n').length,
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Alias expansion past the limit ("billion laughs") throws from toJS, without a position.
    throw new DetkitError(`invalid YAML: ${message(e as Error)}`, { file });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new DetkitError('a YOLO data.yaml must be a mapping with "names" and split entries', {
      file,
      line: value === null || value === undefined ? undefined : contentLine(text),
    });
  }
  return value as Record<string, unknown>;
}

/** Line of the document's first content (skipping blank lines, comments and directives). */
function contentLine(text: string): number {
  const lines = text.split('\n');
  const k = lines.findIndex((l) => l.trim() !== '' && !/^\s*#/.test(l) && !/^(%|---\s*$)/.test(l));
  return k < 0 ? 1 : k + 1;
}

function parseNames(value: unknown, file: string, line?: number): string[] {
  if (value === undefined || value === null) {
    throw new DetkitError('no "names": the class names are needed to read YOLO labels', { file, field: 'names' });
  }
  if (Array.isArray(value)) {
    return value.map((n, k) => {
      if (typeof n === 'string' || typeof n === 'number') return String(n);
      throw new DetkitError(`class ${k} has no name (${JSON.stringify(n) ?? typeof n})`, {
        file,
        line,
        field: `names[${k}]`,
      });
    });
  }
  // Plain mappings only: a `!!set` or `!!binary` value is an object too, of no names.
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const names: string[] = [];
    for (const [key, name] of Object.entries(value as Record<string, unknown>)) {
      const k = Number(key);
      if (!Number.isInteger(k) || k < 0 || k >= MAX_CLASSES) {
        throw new DetkitError(`class index "${key}" is not a non-negative integer`, {
          file,
          line,
          field: `names.${key}`,
        });
      }
      names[k] = String(name);
    }
    let missing = 0;
    while (missing < names.length && missing in names) missing++;
    if (missing < names.length) {
      throw new DetkitError(`class indices must be 0..N-1: index ${missing} has no name`, {
        file,
        line,
        field: 'names',
      });
    }
    return names;
  }
  throw new DetkitError('"names" must be a list or an {index: name} mapping', { file, line, field: 'names' });
}

/** Parses `text` (the content of `file`) into a config; paths resolve against the yaml's folder. */
export async function parseDataYaml(text: string, file: string, taskOption?: unknown): Promise<YoloConfig> {
  const data = await parseYamlMapping(text, file);
  const here = dirname(file);
  if (data.path !== undefined && data.path !== null && typeof data.path !== 'string') {
    throw new DetkitError('"path" must be a folder path', { file, line: keyLine(text, 'path'), field: 'path' });
  }
  const root =
    typeof data.path === 'string' && data.path !== ''
      ? isAbsolutePath(data.path)
        ? data.path
        : joinPath(here, data.path)
      : here;
  const splits: YoloConfig['splits'] = [];
  for (const split of YOLO_SPLITS) {
    const entry = data[split];
    if (entry === undefined || entry === null || entry === '') continue;
    const list = Array.isArray(entry) ? entry : [entry];
    const line = keyLine(text, split);
    const sources = list.map((s): YoloSource => {
      if (typeof s !== 'string')
        throw new DetkitError(`"${split}" entries must be paths`, { file, line, field: split });
      if (isAbsolutePath(s)) return { path: s, line };
      return s.startsWith('../')
        ? { path: joinPath(root, s), orElse: joinPath(root, s.slice(3)), line }
        : { path: joinPath(root, s), line };
    });
    splits.push({ split, sources });
  }
  const names = parseNames(data.names, file, keyLine(text, 'names'));
  // Ultralytics refuses an `nc` that disagrees with `names`; reading on would guess which is right.
  if (data.nc !== undefined && data.nc !== null && data.nc !== names.length) {
    throw new DetkitError(`"nc" is ${JSON.stringify(data.nc)} but "names" lists ${names.length} classes`, {
      file,
      line: keyLine(text, 'nc'),
      field: 'nc',
    });
  }
  return {
    yamlFile: file,
    root,
    names,
    splits,
    task:
      parseTask(taskOption, {}) ??
      parseTask(data.task, { file, line: keyLine(text, 'task'), field: 'task' }) ??
      'detect',
  };
}

/** The data.yaml for `path`: the file itself, `path/data.yaml`, or the only yaml in `path`. */
export async function findDataYaml(files: FileAccess, path: string): Promise<string | null> {
  const stat = await files.stat(path);
  if (!stat) return null;
  if (!stat.isDirectory) return ['.yaml', '.yml'].includes(extname(path)) ? path : null;
  const yamls = (await files.list(path)).filter((e) => !e.isDirectory && ['.yaml', '.yml'].includes(extname(e.name)));
  const data = yamls.find((e) => e.name === 'data.yaml' || e.name === 'data.yml');
  if (data) return joinPath(path, data.name);
  return yamls.length === 1 ? joinPath(path, yamls[0].name) : null;
}

/** Words YAML 1.1 (PyYAML, so Ultralytics) reads as booleans or null. */
const YAML11_SPECIAL = new Set(
  ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~'].flatMap((w) => [
    w,
    w.toUpperCase(),
    w[0].toUpperCase() + w.slice(1),
  ]),
);

/**
 * One YAML scalar that PyYAML reads back as the same string: plain when it is clearly a word
 * (`traffic light`), else double-quoted — a JSON string is a valid YAML double-quoted scalar.
 */
export function yamlString(value: string): string {
  const plain = /^[A-Za-z_/][\w ./-]*$/.test(value) && !value.endsWith(' ') && !YAML11_SPECIAL.has(value);
  return plain ? value : JSON.stringify(value);
}

/** A data.yaml in Ultralytics' style: no `path` (so it resolves to the yaml's folder). */
export function formatDataYaml(splits: [split: string, folder: string][], names: string[], task: YoloTask): string {
  let text = '';
  for (const [split, folder] of splits) text += `${split}: ${yamlString(folder)}\n`;
  if (task !== 'detect') text += `task: ${task}\n`;
  text += `nc: ${names.length}\nnames:${names.length === 0 ? ' {}' : ''}\n`;
  names.forEach((name, k) => {
    text += `  ${k}: ${yamlString(name)}\n`;
  });
  return text;
}
