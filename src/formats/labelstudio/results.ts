/**
 * One Label Studio result (region) read into a table row and written from one: percent of the
 * image size, rectangles rotated about their top-left corner, polygons.
 */
import type { AnnotationTable, Dataset, ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { type CategoryNames, jsonNumber, polygonExtent, rotatedExtent, rotatePoint, snap } from '../shared/values.js';

export type Json = Record<string, unknown>;
type Box = [number, number, number, number];

export function readResult(
  dataset: Dataset,
  names: CategoryNames,
  image: ImageRecord,
  r: Json,
  type: 'rectanglelabels' | 'polygonlabels',
  where: { file: string; record: string },
  score = Number.NaN,
): void {
  const value = r.value as Json | undefined;
  if (!value || typeof value !== 'object') throw new DetkitError('missing value', where);
  const W = jsonNumber(r.original_width, where, 'original_width');
  const H = jsonNumber(r.original_height, where, 'original_height');
  image.width = W;
  image.height = H;
  const labels = value[type];
  if (!Array.isArray(labels) || typeof labels[0] !== 'string') {
    throw new DetkitError('missing label', { ...where, field: `value.${type}` });
  }
  const categoryId = names.id(labels[0]);
  const num = (key: string) => jsonNumber(value[key], where, `value.${key}`);
  const t = dataset.annotations;
  if (type === 'polygonlabels') {
    if (!Array.isArray(value.points)) throw new DetkitError('missing points', { ...where, field: 'value.points' });
    const flat: number[] = [];
    value.points.forEach((p: unknown, i: number) => {
      const field = { ...where, field: `value.points[${i}]` };
      if (!Array.isArray(p) || p.length !== 2) throw new DetkitError('a point is [x, y]', field);
      flat.push(snap((jsonNumber(p[0], field) / 100) * W), snap((jsonNumber(p[1], field) / 100) * H));
    });
    const row = t.addBox(image.id, categoryId, ...polygonExtent([flat]), score);
    t.segmentations.set(row, [flat]);
    return;
  }
  const box: Box = [
    snap((num('x') / 100) * W),
    snap((num('y') / 100) * H),
    snap((num('width') / 100) * W),
    snap((num('height') / 100) * H),
  ];
  const rotation = value.rotation === undefined ? 0 : num('rotation');
  if (rotation === 0) {
    t.addBox(image.id, categoryId, ...box, score);
    return;
  }
  const row = t.addBox(image.id, categoryId, ...rotatedExtent(box, rotation, box[0], box[1]), score);
  t.attributes.set(row, { rotation, unrotated_box: aboutCentre(box, rotation) });
}

/** Top-left-pivot rotation → the same rectangle as a box rotated about its centre. */
function aboutCentre([x, y, w, h]: Box, degrees: number): Box {
  const [cx, cy] = rotatePoint(x + w / 2, y + h / 2, x, y, degrees);
  return [snap(cx - w / 2), snap(cy - h / 2), w, h];
}

/** The inverse: the top-left corner Label Studio rotates about. */
function aboutTopLeft([x, y, w, h]: Box, degrees: number): Box {
  const [cx, cy] = [x + w / 2, y + h / 2];
  const [dx, dy] = rotatePoint(w / 2, h / 2, 0, 0, degrees);
  return [snap(cx - dx), snap(cy - dy), w, h];
}

const pct = (v: number, size: number) => snap((v / size) * 100);

/** What writing results lost: rotations changed since read, second and later polygon rings. */
export interface ResultLoss {
  unrotated: number;
  extraRings: number;
}

/** The result (region) for row `row` of `t`, on an image of W × H; its `score` when it has one. */
export function writeResult(
  t: AnnotationTable,
  row: number,
  names: Map<number, string>,
  W: number,
  H: number,
  loss: ResultLoss,
): Json {
  const score = t.hasScore(row) ? { score: t.scores[row] } : {};
  const label = names.get(t.categoryIds[row]) ?? String(t.categoryIds[row]);
  // Key order as Label Studio exports a region.
  const region = (from_name: string, type: string, value: Json): Json => ({
    id: String(t.ids[row]),
    from_name,
    to_name: 'image',
    type,
    original_width: W,
    original_height: H,
    image_rotation: 0,
    value,
    ...score,
  });
  const seg = t.segmentations.get(row);
  if (Array.isArray(seg) && seg.length > 0) {
    loss.extraRings += seg.length - 1;
    const points: number[][] = [];
    for (let i = 0; i + 1 < seg[0].length; i += 2) points.push([pct(seg[0][i], W), pct(seg[0][i + 1], H)]);
    return region('polygon', 'polygonlabels', { points, closed: true, polygonlabels: [label] });
  }
  let box: Box = t.bbox(row);
  let rotation = 0;
  const a = t.attributes.get(row);
  if (a && typeof a.rotation === 'number' && Array.isArray(a.unrotated_box)) {
    const centred = a.unrotated_box as Box;
    const extent = rotatedExtent(centred, a.rotation, centred[0] + centred[2] / 2, centred[1] + centred[3] / 2);
    if (extent.every((v, i) => Math.abs(v - box[i]) <= 1e-6 * Math.max(1, Math.abs(v)))) {
      box = aboutTopLeft(centred, a.rotation);
      rotation = a.rotation;
    } else loss.unrotated++;
  }
  return region('label', 'rectanglelabels', {
    x: pct(box[0], W),
    y: pct(box[1], H),
    width: pct(box[2], W),
    height: pct(box[3], H),
    rotation,
    rectanglelabels: [label],
  });
}
