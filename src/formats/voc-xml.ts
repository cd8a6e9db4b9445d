/**
 * A fast path for VOC's plain XML. fast-xml-parser (validation + parse) costs ~0.5 ms per VOC
 * file, which is most of a 5,000-image read; VOC annotations use a tiny subset of XML
 * (elements, text, comments, a declaration), which this scanner reads in a single indexOf pass
 * into the same shape fast-xml-parser produces (`{tag: text | {child…} | [repeats]}`,
 * attributes dropped, text trimmed). Anything outside the subset — a DOCTYPE, attributes
 * with quoted '>', unknown entities — or anything malformed returns null, and the caller
 * takes fast-xml-parser's path, whose validator names the line of a real error.
 */

export type XmlNode = { [tag: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string | null {
  if (!text.includes('&')) return text;
  let bad = false;
  const out = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) {
      bad = true;
      return whole;
    }
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const c = ENTITIES[ref];
    if (c === undefined) bad = true;
    return c ?? whole;
  });
  return bad ? null : out;
}

function attach(parent: XmlNode, tag: string, value: XmlValue): void {
  const seen = parent[tag];
  if (seen === undefined) parent[tag] = value;
  else if (Array.isArray(seen)) seen.push(value);
  else parent[tag] = [seen, value];
}

interface Open {
  tag: string;
  node: XmlNode | null;
  /** Where the element's text starts (just past its start tag). */
  textStart: number;
}

/** True when src[from, to) is only whitespace. */
function blank(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (src.charCodeAt(i) > 32) return false;
  return true;
}

function isNameChar(c: number): boolean {
  // A-Z a-z 0-9 _ - . :
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 45 || c === 46;
}

/**
 * Tag names seen before, by length. Reusing one string per name (instead of a fresh slice per
 * element) keeps property writes on the fast path: V8 need not hash and internalise each key.
 */
const knownTags = new Map<number, string[]>();

function internTag(src: string, start: number, end: number): string {
  const length = end - start;
  let list = knownTags.get(length);
  if (list) {
    for (const tag of list) if (src.startsWith(tag, start)) return tag;
  } else {
    list = [];
    knownTags.set(length, list);
  }
  const tag = src.slice(start, end);
  if (list.length < 32) list.push(tag);
  return tag;
}

/** The document as nested nodes, or null when it is malformed or outside the VOC subset. */
export function scanXml(src: string): XmlNode | null {
  const top: XmlNode = {};
  const stack: Open[] = [];
  let roots = 0;
  let pos = 0;
  for (;;) {
    const lt = src.indexOf('<', pos);
    const current = stack.length > 0 ? stack[stack.length - 1] : null;
    // Text may only sit inside a leaf element (mixed content is outside the subset).
    if ((!current || current.node) && !blank(src, pos, lt < 0 ? src.length : lt)) return null;
    if (lt < 0) break;
    const next = src.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = src.indexOf('?>', lt + 2);
      if (end < 0 || current) return null;
      pos = end + 2;
      continue;
    }
    if (next === 33 /* ! */) {
      // Comments between elements are skipped; inside text, CDATA and DOCTYPE are outside the subset.
      if (!src.startsWith('<!--', lt) || (current && !current.node)) return null;
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) return null;
      pos = end + 3;
      continue;
    }
    if (next === 47 /* / */) {
      const gt = src.indexOf('>', lt + 2);
      if (gt < 0 || !current) return null;
      let tagEnd = gt;
      while (tagEnd > lt + 2 && src.charCodeAt(tagEnd - 1) <= 32) tagEnd--;
      if (tagEnd - (lt + 2) !== current.tag.length || !src.startsWith(current.tag, lt + 2)) return null;
      stack.pop();
      let value: XmlValue;
      if (current.node) {
        value = current.node;
      } else {
        const decoded = decode(src.slice(current.textStart, lt).trim());
        if (decoded === null) return null;
        value = decoded;
      }
      attach(stack.length > 0 ? stack[stack.length - 1].node! : top, current.tag, value);
      pos = gt + 1;
      continue;
    }
    let j = lt + 1;
    while (j < src.length && isNameChar(src.charCodeAt(j))) j++;
    if (j === lt + 1 || next <= 57 /* digits, '-', '.' cannot start a name */) return null;
    const tag = internTag(src, lt + 1, j);
    // Skip attributes (their values may hold '>' inside quotes).
    for (;;) {
      if (j >= src.length) return null;
      const c = src.charCodeAt(j);
      if (c === 62 /* > */) break;
      if (c === 34 || c === 39) {
        const close = src.indexOf(c === 34 ? '"' : "'", j + 1);
        if (close < 0) return null;
        j = close + 1;
      } else if (c === 60 /* < */) {
        return null;
      } else {
        j++;
      }
    }
    const selfClosing = src.charCodeAt(j - 1) === 47;
    pos = j + 1;
    if (current) {
      if (!current.node) {
        if (!blank(src, current.textStart, lt)) return null; // mixed content
        current.node = {};
      }
    } else if (roots++ > 0) {
      return null;
    }
    if (selfClosing) attach(current ? current.node! : top, tag, '');
    else stack.push({ tag, node: null, textStart: pos });
  }
  return stack.length === 0 && roots === 1 ? top : null;
}
