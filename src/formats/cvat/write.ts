/** Writes CVAT for images 1.1 XML: meta with the task's labels, then one <image> per image. */
import type { Category, Dataset } from '../../core/dataset.js';
import { escapeXml as esc, fixedOrExact, snap } from '../shared/values.js';
import { FLAG_ATTRIBUTES } from './read.js';

interface AttributeSpec {
  name: string;
  mutable: string;
  input_type: string;
  default_value: string;
  values: string;
}

/** Shape attributes written as XML attributes, not <attribute> children. */
const ELEMENT_ATTRIBUTES = new Set(['source', 'z_order', 'group_id', 'rotation', 'unrotated_box']);

function labelSpec(category: Category): { color?: string; type?: string; attributes?: AttributeSpec[] } {
  return (category.extra?.cvat_label ?? {}) as { color?: string; type?: string; attributes?: AttributeSpec[] };
}

/** Attribute specs per category: the CVAT spec when read from CVAT, plus any other name the boxes use. */
function attributeSpecs(dataset: Dataset): Map<number, AttributeSpec[]> {
  const specs = new Map<number, AttributeSpec[]>();
  for (const c of dataset.categories) specs.set(c.id, [...(labelSpec(c).attributes ?? [])]);
  const t = dataset.annotations;
  for (let row = 0; row < t.length; row++) {
    const id = t.categoryIds[row];
    const attrs = t.attributesOf(row);
    if (!attrs) continue;
    const list = specs.get(id) ?? [];
    const names = Object.keys(attrs).filter((n) => n !== 'occluded' && !ELEMENT_ATTRIBUTES.has(n));
    for (const name of names) {
      if (list.some((s) => s.name === name)) continue;
      const flag = (FLAG_ATTRIBUTES as readonly string[]).includes(name);
      list.push({
        name,
        mutable: 'False',
        input_type: flag ? 'checkbox' : 'text',
        default_value: flag ? 'false' : '',
        values: flag ? 'false' : '',
      });
    }
    specs.set(id, list);
  }
  return specs;
}

export function formatCvat(dataset: Dataset): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>', '<annotations>', '  <version>1.1</version>'];
  out.push('  <meta>', '    <task>', '      <name>detkit</name>', `      <size>${dataset.images.length}</size>`);
  out.push('      <mode>annotation</mode>', '      <labels>');
  const specs = attributeSpecs(dataset);
  for (const c of dataset.categories) {
    const spec = labelSpec(c);
    out.push('        <label>', `          <name>${esc(c.name)}</name>`);
    if (spec.color !== undefined) out.push(`          <color>${esc(spec.color)}</color>`);
    if (spec.type !== undefined) out.push(`          <type>${esc(spec.type)}</type>`);
    const attrs = specs.get(c.id) ?? [];
    if (attrs.length === 0) out.push('          <attributes />');
    else {
      out.push('          <attributes>');
      for (const a of attrs) {
        out.push('            <attribute>', `              <name>${esc(a.name)}</name>`);
        out.push(
          `              <mutable>${esc(a.mutable)}</mutable>`,
          `              <input_type>${esc(a.input_type)}</input_type>`,
        );
        out.push(`              <default_value>${esc(a.default_value)}</default_value>`);
        out.push(`              <values>${esc(a.values)}</values>`, '            </attribute>');
      }
      out.push('          </attributes>');
    }
    out.push('        </label>');
  }
  out.push('      </labels>', '    </task>', '  </meta>');

  const names = new Map(dataset.categories.map((c) => [c.id, c.name]));
  const { offsets, order } = dataset.rowsByImage();
  const keepIds = dataset.info.sourceFormat === 'cvat';
  dataset.images.forEach((image, k) => {
    const subset = image.split ? ` subset="${esc(image.split)}"` : '';
    const open = `  <image id="${keepIds ? image.id : k}" name="${esc(image.file)}" width="${image.width}" height="${image.height}"${subset}`;
    const rows = order.subarray(offsets[k], offsets[k + 1]);
    if (rows.length === 0 && !image.labels?.length) {
      out.push(`${open} />`);
      return;
    }
    out.push(`${open}>`);
    for (const row of rows) out.push(...shapeLines(dataset, row, names, specs));
    for (const label of image.labels ?? []) {
      out.push(`    <tag label="${esc(names.get(label) ?? String(label))}" source="manual" />`);
    }
    out.push('  </image>');
  });
  out.push('</annotations>');
  return `${out.join('\n')}\n`;
}

function shapeLines(
  dataset: Dataset,
  row: number,
  names: Map<number, string>,
  specs: Map<number, AttributeSpec[]>,
): string[] {
  const t = dataset.annotations;
  const a = t.attributes.get(row) ?? {};
  const label = esc(names.get(t.categoryIds[row]) ?? String(t.categoryIds[row]));
  const head = `label="${label}" source="${esc(String(a.source ?? 'manual'))}" occluded="${t.flag(row, 'occluded') ? 1 : 0}"`;
  const tail = `z_order="${a.z_order ?? 0}"${a.group_id !== undefined ? ` group_id="${a.group_id}"` : ''}`;
  const seg = t.segmentations.get(row);
  const lines: string[] = [];
  let close: string;
  if (Array.isArray(seg) && seg.length > 0) {
    // CVAT has no multi-part polygon: each part is a polygon of its own (reported by the writer).
    for (const ring of seg) {
      const points: string[] = [];
      for (let i = 0; i + 1 < ring.length; i += 2) points.push(`${fixedOrExact(ring[i])},${fixedOrExact(ring[i + 1])}`);
      lines.push(`    <polygon ${head} points="${points.join(';')}" ${tail}`);
    }
    close = '    </polygon>';
  } else {
    const [x, y, w, h] = unrotated(t.bbox(row), a);
    const rotation = typeof a.rotation === 'number' && a.unrotated_box ? ` rotation="${fixedOrExact(a.rotation)}"` : '';
    const corners = [x, y, snap(x + w), snap(y + h)].map((v) => fixedOrExact(v));
    lines.push(
      `    <box ${head} xtl="${corners[0]}" ytl="${corners[1]}" xbr="${corners[2]}" ybr="${corners[3]}"${rotation} ${tail}`,
    );
    close = '    </box>';
  }
  const children: string[] = [];
  const spec = specs.get(t.categoryIds[row]) ?? [];
  for (const s of spec) {
    const flag = (FLAG_ATTRIBUTES as readonly string[]).includes(s.name);
    const value = flag ? String(t.flag(row, s.name as 'difficult')) : a[s.name];
    if (value === undefined) continue;
    // CVAT attribute values are text: lists and objects (KITTI's dimensions, LabelMe's flags) as JSON.
    const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    children.push(`      <attribute name="${esc(s.name)}">${esc(text)}</attribute>`);
  }
  if (children.length === 0) return lines.map((line) => `${line} />`);
  return lines.flatMap((line) => [`${line}>`, ...children, close]);
}

/** The box as CVAT stores it: unrotated when the dataset kept CVAT's rotation. */
function unrotated(
  bbox: [number, number, number, number],
  a: Record<string, unknown>,
): [number, number, number, number] {
  const box = a.unrotated_box;
  if (typeof a.rotation === 'number' && Array.isArray(box) && box.length === 4)
    return box as [number, number, number, number];
  return bbox;
}
