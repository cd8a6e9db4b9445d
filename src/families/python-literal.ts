/**
 * Reads the Python literals exporters write into model metadata — Ultralytics' `names` is
 * `str(dict)`, e.g. `{0: 'person', 1: "driver's seat"}`; `imgsz` is `[640, 640]` — without eval.
 */
import { DetkitError } from '../core/errors.js';

type Literal = string | number | boolean | null | Literal[] | Map<string | number, Literal>;

class Reader {
  at = 0;
  constructor(
    readonly text: string,
    readonly field: string,
  ) {}

  fail(what: string): never {
    throw new DetkitError(`${what} at character ${this.at} of ${JSON.stringify(this.text.slice(0, 60))}`, {
      field: this.field,
    });
  }

  skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.at] ?? '';
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected "${ch}"`);
    this.at++;
  }

  value(): Literal {
    const ch = this.peek();
    if (ch === '{') return this.dict();
    if (ch === '[' || ch === '(') return this.list(ch === '[' ? ']' : ')');
    if (ch === "'" || ch === '"') return this.string();
    const m = /^(?:[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)|True|False|None)/.exec(this.text.slice(this.at));
    if (!m) this.fail('expected a Python literal');
    this.at += m[0].length;
    if (m[0] === 'True' || m[0] === 'False') return m[0] === 'True';
    if (m[0] === 'None') return null;
    return Number(m[0]);
  }

  dict(): Map<string | number, Literal> {
    this.expect('{');
    const out = new Map<string | number, Literal>();
    while (this.peek() !== '}') {
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('expected a string or number key');
      this.expect(':');
      out.set(key, this.value());
      if (this.peek() === ',') this.at++;
      else if (this.peek() !== '}') this.fail('expected "," or "}"');
    }
    this.at++;
    return out;
  }

  list(close: string): Literal[] {
    this.at++;
    const out: Literal[] = [];
    while (this.peek() !== close) {
      out.push(this.value());
      if (this.peek() === ',') this.at++;
      else if (this.peek() !== close) this.fail(`expected "," or "${close}"`);
    }
    this.at++;
    return out;
  }

  string(): string {
    const quote = this.text[this.at++]!;
    let out = '';
    for (;;) {
      const ch = this.text[this.at++];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const e = this.text[this.at++];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = this.text.slice(this.at, this.at + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad escape');
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        this.at += len;
      } else out += `\\${e ?? ''}`;
    }
  }
}

/** Parses one Python literal (dict, list, tuple, str, number, bool, None). */
export function parsePythonLiteral(text: string, field = 'metadata'): Literal {
  const reader = new Reader(text, field);
  const value = reader.value();
  if (reader.peek() !== '') reader.fail('unexpected text after the literal');
  return value;
}

/** Class names from a `{id: name}` dict or a `[name, …]` list literal, indexed by class id. */
export function parseClassNames(text: string, field = 'names'): string[] {
  const value = parsePythonLiteral(text, field);
  const names: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => (names[i] = String(v)));
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      const id = Number(k);
      if (!Number.isInteger(id) || id < 0)
        throw new DetkitError(`class id ${JSON.stringify(k)} is not an integer`, { field });
      names[id] = String(v);
    }
  } else {
    throw new DetkitError('expected a dict or list of class names', { field });
  }
  for (let i = 0; i < names.length; i++) names[i] ??= `class${i}`;
  return names;
}

/** `[640, 640]`, `(640, 640)` or `640` → [height, width]. */
export function parseImageSize(text: string, field = 'imgsz'): [number, number] | undefined {
  const value = parsePythonLiteral(text, field);
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  return undefined;
}
