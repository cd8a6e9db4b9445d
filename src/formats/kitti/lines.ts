/**
 * One KITTI object line, read into a table row and written back from one; shared by the
 * whole-dataset and the streaming reader and writer so both give the same rows and bytes.
 */
import type { AnnotationTable } from '../../core/dataset.js';
import { DetkitError, type ErrorLocation } from '../../core/errors.js';
import type { LossReport } from '../loss.js';
import { fixedOrExact, parseNumber, snap } from '../shared/values.js';

export const DONT_CARE = 'DontCare';

/** The object type of a line (its first field), for listing categories before reading rows. */
export function objectType(text: string): string {
  return text.trim().split(/\s+/, 1)[0];
}

/** Adds the object on `text` as a row of `t` (id assigned when `id` is left out). */
export function readObject(
  t: AnnotationTable,
  categoryOf: (type: string) => number,
  imageId: number,
  text: string,
  where: ErrorLocation,
  id?: number,
): void {
  const f = text.trim().split(/\s+/);
  if (f.length !== 15 && f.length !== 16) {
    throw new DetkitError(`expected 15 fields (16 with a score), found ${f.length}`, where);
  }
  const [type] = f;
  const n = (k: number, field: string) => parseNumber(f[k], where, field);
  const truncation = n(1, 'truncated');
  const occlusion = n(2, 'occluded');
  const [left, top, right, bottom] = [n(4, 'left'), n(5, 'top'), n(6, 'right'), n(7, 'bottom')];
  const score = f.length === 16 ? n(15, 'score') : Number.NaN;
  const row = t.addBox(imageId, categoryOf(type), left, top, snap(right - left), snap(bottom - top), score, id);
  if (truncation > 0) t.setFlag(row, 'truncated', true);
  if (occlusion > 0) t.setFlag(row, 'occluded', true);
  const attrs: Record<string, unknown> = {
    truncation,
    occlusion,
    alpha: n(3, 'alpha'),
    dimensions: [n(8, 'h'), n(9, 'w'), n(10, 'l')],
    location: [n(11, 'x'), n(12, 'y'), n(13, 'z')],
    rotation_y: n(14, 'rotation_y'),
  };
  if (type === DONT_CARE) attrs.ignore = true;
  t.attributes.set(row, attrs);
}

/** The devkit writes 2 decimals, and integers for its "unknown" sentinels (−1, −10, −1000). */
function value(v: number, sentinel: number): string {
  return v === sentinel ? String(v) : fixedOrExact(v, 2);
}

function numbers(value: unknown, length: number): number[] | undefined {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number')
    ? value
    : undefined;
}

/** What writing lines lost: crowd boxes turned DontCare, names whose spaces became "_". */
export interface LineLoss {
  crowd: number;
  renamed: number;
}

/** The line for row `row` of `t` (no newline). */
export function formatObject(t: AnnotationTable, row: number, names: Map<number, string>, loss: LineLoss): string {
  const a = t.attributes.get(row) ?? {};
  let type = names.get(t.categoryIds[row]) ?? String(t.categoryIds[row]);
  if (/\s/.test(type)) {
    type = type.replace(/\s+/g, '_');
    loss.renamed++;
  }
  if (t.isCrowd(row)) {
    type = DONT_CARE;
    loss.crowd++;
  }
  const truncation = typeof a.truncation === 'number' ? a.truncation : t.flag(row, 'truncated') ? 1 : 0;
  const occlusion = typeof a.occlusion === 'number' ? a.occlusion : t.flag(row, 'occluded') ? 1 : 0;
  const [x, y, w, h] = t.bbox(row);
  const fields = [
    type,
    value(truncation, -1),
    String(occlusion),
    value(typeof a.alpha === 'number' ? a.alpha : -10, -10),
    ...[x, y, x + w, y + h].map((v) => fixedOrExact(v, 2)),
    ...(numbers(a.dimensions, 3) ?? [-1, -1, -1]).map((v) => value(v, -1)),
    ...(numbers(a.location, 3) ?? [-1000, -1000, -1000]).map((v) => value(v, -1000)),
    value(typeof a.rotation_y === 'number' ? a.rotation_y : -10, -10),
  ];
  if (t.hasScore(row)) fields.push(fixedOrExact(t.scores[row], 2));
  return fields.join(' ');
}

export function lineLossReport({ crowd, renamed }: LineLoss): LossReport {
  const loss: LossReport = [];
  if (crowd) loss.push({ what: 'crowd', count: crowd, message: 'crowd boxes (written as DontCare regions)' });
  if (renamed) {
    loss.push({ what: 'category-names', count: renamed, message: 'spaces in category names (written as "_")' });
  }
  return loss;
}
