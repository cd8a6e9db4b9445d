/**
 * Reads CVAT for images 1.1 XML. `<box xtl ytl xbr ybr>` are continuous pixel corners (CVAT
 * draws on a continuous canvas), so x = xtl, y = ytl, w = xbr − xtl, h = ybr − ytl. A box with
 * `rotation` (degrees clockwise about its centre) becomes its axis-aligned extent, keeping
 * `rotation` and the `unrotated_box` as attributes.
 */
import { type Category, Dataset, type ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { dirname } from '../../core/paths.js';
import type { ReadOptions } from '../format.js';
import { CategoryNames, parseNumber, polygonExtent, rotatedExtent, snap } from '../shared/values.js';

type Node = Record<string, unknown>;
export const SHAPES = ['box', 'polygon', 'polyline', 'points', 'ellipse', 'cuboid', 'mask', 'skeleton', 'tag'];
const ARRAYS = new Set([...SHAPES, 'image', 'label', 'attribute']);
export const FLAG_ATTRIBUTES = ['difficult', 'truncated', 'group_of'] as const;

// fast-xml-parser and its entity tables cost tens of milliseconds to load: only CVAT reads pay.
let xml: Promise<{
  parser: import('fast-xml-parser').XMLParser;
  validate: typeof import('fast-xml-parser').XMLValidator.validate;
}>;
function loadXml() {
  xml ??= import('fast-xml-parser').then(({ XMLParser, XMLValidator }) => ({
    parser: new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      isArray: (name) => ARRAYS.has(name),
    }),
    validate: XMLValidator.validate,
  }));
  return xml;
}

export async function parseCvatXml(text: string, file: string): Promise<Node> {
  const { parser, validate } = await loadXml();
  const valid = validate(text);
  if (valid !== true) throw new DetkitError(`invalid XML: ${valid.err.msg}`, { file, line: valid.err.line });
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (e) {
    // The validator lets a few errors through (an unclosed `<?…`) and the parser gives no position.
    throw new DetkitError(`invalid XML: ${(e as Error).message}`, {
      file,
      line: parserErrorLine(text, (e as Error).message),
    });
  }
  const root = doc.annotations as Node | undefined;
  if (!root || typeof root !== 'object') throw new DetkitError('not a CVAT file: no <annotations> root', { file });
  return root;
}

/**
 * Where the parser's unlocated errors point: a processing instruction (`<?…`) is the first one
 * in the file (in practice the declaration, its quotes broken); anything else, the last line.
 */
function parserErrorLine(xml: string, message: string): number {
  const pi = /Pi Tag/.test(message) ? xml.indexOf('<?') : -1;
  return xml.slice(0, pi >= 0 ? pi : xml.length).split('\n').length;
}

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'object') return String((node as Node)['#text'] ?? '');
  return String(node);
}

/** `<meta><task|project|job><labels>` → categories with their CVAT label spec in `extra.cvat_label`. */
function readLabels(root: Node, dataset: Dataset): void {
  const meta = (root.meta ?? {}) as Node;
  const owner = (meta.task ?? meta.project ?? meta.job ?? {}) as Node;
  const labels = ((owner.labels as Node | undefined)?.label ?? []) as Node[];
  labels.forEach((label, k) => {
    const spec: Record<string, unknown> = {};
    if (label.color !== undefined) spec.color = text(label.color);
    if (label.type !== undefined) spec.type = text(label.type);
    const attributes = ((label.attributes as Node | undefined)?.attribute ?? []) as Node[];
    if (attributes.length) {
      spec.attributes = attributes.map((a) => ({
        name: text(a.name),
        mutable: text(a.mutable),
        input_type: text(a.input_type),
        default_value: text(a.default_value),
        values: text(a.values),
      }));
    }
    const category: Category = { id: k + 1, name: text(label.name) };
    if (Object.keys(spec).length) category.extra = { cvat_label: spec };
    dataset.addCategory(category);
  });
}

export function readCvat(root: Node, file: string, options: ReadOptions = {}): Dataset {
  const dataset = new Dataset();
  dataset.info = { sourceFormat: 'cvat', imageRoot: dirname(file) };
  readLabels(root, dataset);
  const names = new CategoryNames(dataset);
  const skipped = new Map<string, number>();
  const images = (root.image ?? []) as Node[];
  images.forEach((node, k) => {
    const where = { file, record: `image[${k}]` };
    const num = (name: string) => parseNumber(node[`@_${name}`] as string | undefined, where, name);
    const name = node['@_name'];
    if (typeof name !== 'string' || name === '') throw new DetkitError('missing name', { ...where, field: 'name' });
    const image: ImageRecord = { id: num('id'), file: name, width: num('width'), height: num('height') };
    if (typeof node['@_subset'] === 'string') image.split = node['@_subset'];
    dataset.addImage(image);
    for (const kind of SHAPES) {
      ((node[kind] ?? []) as Node[]).forEach((shape, j) => {
        const at = { file, record: `image[${k}] ${kind}[${j}]` };
        const label = shape['@_label'];
        if (typeof label !== 'string' || label === '')
          throw new DetkitError('missing label', { ...at, field: 'label' });
        if (kind === 'box') addBox(dataset, image.id, names.id(label), shape, at);
        else if (kind === 'polygon') addPolygon(dataset, image.id, names.id(label), shape, at);
        else if (kind === 'tag') (image.labels ??= []).push(names.id(label));
        else skipped.set(kind, (skipped.get(kind) ?? 0) + 1);
      });
    }
    options.progress?.(k + 1, images.length);
  });
  for (const [kind, count] of skipped) {
    options.warn?.(`cvat: ${count} <${kind}> shapes skipped (only boxes, polygons and tags are read)`);
  }
  return dataset;
}

function addBox(
  dataset: Dataset,
  imageId: number,
  categoryId: number,
  shape: Node,
  where: { file: string; record: string },
) {
  const num = (name: string) => parseNumber(shape[`@_${name}`] as string | undefined, where, name);
  const [xtl, ytl, xbr, ybr] = [num('xtl'), num('ytl'), num('xbr'), num('ybr')];
  const box: [number, number, number, number] = [xtl, ytl, snap(xbr - xtl), snap(ybr - ytl)];
  const rotation = shape['@_rotation'] === undefined ? 0 : num('rotation');
  const bbox = rotation === 0 ? box : rotatedExtent(box, rotation, xtl + box[2] / 2, ytl + box[3] / 2);
  const row = dataset.annotations.addBox(imageId, categoryId, ...bbox);
  const attrs = readShapeAttributes(dataset, row, shape, where);
  if (rotation !== 0) Object.assign(attrs, { rotation, unrotated_box: box });
  if (Object.keys(attrs).length) dataset.annotations.attributes.set(row, attrs);
}

function addPolygon(
  dataset: Dataset,
  imageId: number,
  categoryId: number,
  shape: Node,
  where: { file: string; record: string },
) {
  const points = shape['@_points'];
  if (typeof points !== 'string') throw new DetkitError('missing points', { ...where, field: 'points' });
  const flat: number[] = [];
  for (const pair of points.split(';')) {
    const xy = pair.split(',');
    if (xy.length !== 2) throw new DetkitError(`a point is "x,y", got "${pair}"`, { ...where, field: 'points' });
    for (const v of xy) flat.push(parseNumber(v, where, 'points'));
  }
  if (flat.length < 6)
    throw new DetkitError(`a polygon needs at least 3 points, got ${flat.length / 2}`, { ...where, field: 'points' });
  const row = dataset.annotations.addBox(imageId, categoryId, ...polygonExtent([flat]));
  dataset.annotations.segmentations.set(row, [flat]);
  const attrs = readShapeAttributes(dataset, row, shape, where);
  if (Object.keys(attrs).length) dataset.annotations.attributes.set(row, attrs);
}

/** occluded → flag; z_order, source, group_id and `<attribute>` children → attributes. */
function readShapeAttributes(dataset: Dataset, row: number, shape: Node, where: { file: string; record: string }) {
  const t = dataset.annotations;
  const attrs: Record<string, unknown> = {};
  if (shape['@_occluded'] === '1') t.setFlag(row, 'occluded', true);
  if (typeof shape['@_source'] === 'string') attrs.source = shape['@_source'];
  for (const name of ['z_order', 'group_id']) {
    const v = shape[`@_${name}`];
    if (v !== undefined) attrs[name] = parseNumber(v as string, where, name);
  }
  for (const a of (shape.attribute ?? []) as Node[]) {
    const name = a['@_name'];
    if (typeof name !== 'string') throw new DetkitError('<attribute> without a name', where);
    const value = text(a);
    const flag = (FLAG_ATTRIBUTES as readonly string[]).includes(name) ? value.toLowerCase() : '';
    if (flag === 'true') t.setFlag(row, name as 'difficult', true);
    else if (flag !== 'false') attrs[name] = value;
  }
  return attrs;
}
