/**
 * JSON helpers shared by JSON-based formats: parse once with a one-line, located error, and
 * describe values by their JSON path.
 */
import { DetkitError } from '../core/errors.js';

/** `JSON.parse`, with syntax errors turned into `file:line:column: what is wrong`. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = syntaxErrorPosition(text, message);
    const { line, column } = lineColumn(text, position);
    const what = position >= text.length ? 'JSON ends too early (truncated file?)' : describeSyntaxError(message);
    throw new DetkitError(`invalid JSON: ${what}`, { file, line, column });
  }
}

/** Where the parser stopped: V8 says so for most errors; for the rest, scan for it. */
function syntaxErrorPosition(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/end of JSON input/.test(message)) return text.length;
  return firstSyntaxError(text);
}

function describeSyntaxError(message: string): string {
  // V8 quotes the text around an unexpected token; the location already points there.
  const cut = message.replace(/,\s*(\.\.\.)?".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
  return cut.charAt(0).toLowerCase() + cut.slice(1);
}

/** 1-based line and column of a UTF-16 offset. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  const end = Math.min(position, text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Offset of the first character a strict JSON parser rejects (text.length when the text ends
 * early). Runs only after `JSON.parse` failed without saying where.
 */
export function firstSyntaxError(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++;
    while (i < n && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
          }
        } else if (i >= n || !'"\\/bfnrt'.includes(text[i])) fail();
      }
      i++;
    }
    if (i >= n) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail();
      string();
      ws();
      if (text[i] !== ':') fail();
      i++;
      value();
      ws();
      if (text[i] === '}') break;
      if (text[i] !== ',') fail();
      i++;
    }
    i++;
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (text[i] === ']') break;
      if (text[i] !== ',') fail();
      i++;
    }
    i++;
  };
  function value(): void {
    ws();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else fail();
  }
  try {
    value();
    ws();
    return Math.min(i, n);
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, n);
    throw at;
  }
}

/** A short description of a JSON value's kind for messages ("a string", "null", …). */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
