/**
 * The TF Object Detection API's `label_map.pbtxt` (StringIntLabelMap in protobuf text format):
 *   item { id: 1 name: 'person' display_name: 'person' }
 * Ids are 1-based; 0 is reserved for the background.
 */
import { DetkitError } from '../../core/errors.js';

export interface LabelMapItem {
  id: number;
  name: string;
  displayName?: string;
}

export function parseLabelMap(text: string, file = 'label_map.pbtxt'): LabelMapItem[] {
  const items: LabelMapItem[] = [];
  const token =
    /\s*(?:(#[^\n]*)|(item)\s*\{|(\})|(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(-?\d+)|([A-Za-z_]\w*))|(\S))/gy;
  let current: Partial<LabelMapItem> | null = null;
  let m: RegExpExecArray | null;
  const lineAt = (pos: number) => text.slice(0, pos).split('\n').length;
  token.lastIndex = 0;
  while (token.lastIndex < text.length && (m = token.exec(text))) {
    const at = m.index + m[0].length - m[0].trimStart().length;
    if (m[1] !== undefined) continue;
    if (m[2]) {
      if (current) throw new DetkitError('nested "item {" — a closing "}" is missing', { file, line: lineAt(at) });
      current = {};
    } else if (m[3]) {
      if (!current) throw new DetkitError('"}" without an opening "item {"', { file, line: lineAt(at) });
      if (current.id === undefined) throw new DetkitError('item has no id', { file, line: lineAt(at) });
      items.push({
        id: current.id,
        name: current.name ?? current.displayName ?? String(current.id),
        displayName: current.displayName,
      });
      current = null;
    } else if (m[4]) {
      if (!current) throw new DetkitError(`field "${m[4]}" outside an item`, { file, line: lineAt(at) });
      const str = m[5] ?? m[6];
      if (m[4] === 'id') {
        if (m[7] === undefined) throw new DetkitError('id must be an integer', { file, line: lineAt(at) });
        current.id = Number(m[7]);
      } else if (m[4] === 'name') current.name = unescapeText(str ?? m[7] ?? m[8] ?? '');
      else if (m[4] === 'display_name') current.displayName = unescapeText(str ?? m[7] ?? m[8] ?? '');
    } else if (m[9]) {
      throw new DetkitError(`unexpected "${m[9]}"`, { file, line: lineAt(at) });
    }
  }
  if (current) throw new DetkitError('file ends inside an item (missing "}")', { file, line: lineAt(text.length) });
  return items;
}

function unescapeText(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export function formatLabelMap(items: LabelMapItem[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return items
    .map((it) => {
      const display = it.displayName !== undefined ? `\n  display_name: ${quote(it.displayName)}` : '';
      return `item {\n  id: ${it.id}\n  name: ${quote(it.name)}${display}\n}\n`;
    })
    .join('');
}
