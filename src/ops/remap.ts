/**
 * Renaming, merging and dropping classes from a mapping.
 *
 * Mapping (a parsed YAML or JSON value), either
 *   { rename: { car: vehicle, truck: vehicle }, drop: [traffic light] }
 * or a flat map where `null` drops:
 *   { car: vehicle, truck: vehicle, traffic light: null }
 * Names match case-insensitively after trimming. Classes the mapping does not name are kept.
 * Several classes renamed to one name (or to a kept class's name) are merged; the merged class
 * keeps the id of the kept class of that name, else of the first class renamed to it.
 * Dropped classes lose their boxes and their image-level labels; images stay (maybe as negatives).
 */
import type { Category, CategoryId, Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';

export interface ClassMapping {
  /** Old name → new name (normalised keys). */
  rename: Map<string, string>;
  drop: Set<string>;
}

export const normalizeName = (name: string) => name.trim().toLowerCase();

/** Checks the shape of a parsed mapping file; errors name `file` and the key. */
export function parseClassMapping(value: unknown, file?: string): ClassMapping {
  const bad = (detail: string, record?: string) => new DetkitError(detail, { file, record });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw bad('a class mapping must be an object: { rename: {old: new}, drop: [name] } or {old: new | null}');
  }
  const obj = value as Record<string, unknown>;
  const mapping: ClassMapping = { rename: new Map(), drop: new Set() };
  const structured = Object.keys(obj).every((k) => k === 'rename' || k === 'drop');
  const renames = structured ? (obj.rename ?? {}) : obj;
  if (renames === null || typeof renames !== 'object' || Array.isArray(renames)) {
    throw bad('rename must map old names to new names', 'rename');
  }
  for (const [from, to] of Object.entries(renames as Record<string, unknown>)) {
    const where = structured ? `rename.${from}` : from;
    if (to === null && !structured) mapping.drop.add(normalizeName(from));
    else if (typeof to === 'string' && to.trim() !== '') mapping.rename.set(normalizeName(from), to.trim());
    else throw bad(`the new name must be a non-empty string${structured ? '' : ' (or null to drop)'}`, where);
  }
  if (structured && obj.drop !== undefined) {
    if (!Array.isArray(obj.drop)) throw bad('drop must be a list of class names', 'drop');
    obj.drop.forEach((name, k) => {
      if (typeof name !== 'string') throw bad('class names must be strings', `drop[${k}]`);
      mapping.drop.add(normalizeName(name));
    });
  }
  for (const name of mapping.drop) {
    if (mapping.rename.has(name)) throw bad(`"${name}" is both renamed and dropped`);
  }
  return mapping;
}

export interface RemapClassReport {
  id: CategoryId;
  name: string;
  action: 'kept' | 'renamed' | 'merged' | 'dropped';
  /** The class it became (absent when dropped). */
  to?: { id: CategoryId; name: string };
  boxes: number;
}

export interface RemapReport {
  classes: RemapClassReport[];
  droppedBoxes: number;
  /** Merged classes: the target and the boxes each source brought. */
  merged: { id: CategoryId; name: string; from: { name: string; boxes: number }[]; boxes: number }[];
  /** Images that had boxes and have none left. */
  emptiedImages: number;
  relabelledImages: number;
}

export function remapClasses(
  dataset: Dataset,
  mapping: ClassMapping,
  file?: string,
): { dataset: Dataset; report: RemapReport } {
  const byName = new Map<string, Category>();
  for (const c of dataset.categories) if (!byName.has(normalizeName(c.name))) byName.set(normalizeName(c.name), c);
  for (const name of [...mapping.rename.keys(), ...mapping.drop]) {
    if (!byName.has(name)) {
      throw new DetkitError(
        `class "${name}" is not in the dataset (classes: ${dataset.categories.map((c) => c.name).join(', ')})`,
        { file },
      );
    }
  }
  // New categories in the old order; each old id points at its new category or null.
  const categories: Category[] = [];
  const target = new Map<string, Category>();
  const newOf = new Map<CategoryId, Category | null>();
  for (const c of dataset.categories) {
    const key = normalizeName(c.name);
    if (mapping.drop.has(key)) {
      newOf.set(c.id, null);
      continue;
    }
    const name = mapping.rename.get(key) ?? c.name;
    const nameKey = normalizeName(name);
    let into = target.get(nameKey);
    if (!into) {
      // A kept class of the target name lends its id to the merge.
      const kept = byName.get(nameKey);
      const keptStays = kept && !mapping.rename.has(nameKey) && !mapping.drop.has(nameKey);
      into = keptStays ? { ...kept } : { ...c, name };
      target.set(nameKey, into);
      categories.push(into);
    }
    newOf.set(c.id, into);
  }
  const position = new Map(dataset.categories.map((c, k) => [c.id, k]));
  categories.sort((a, b) => position.get(a.id)! - position.get(b.id)!);

  const t = dataset.annotations;
  const boxesOf = new Map<CategoryId, number>();
  for (let row = 0; row < t.length; row++) boxesOf.set(t.categoryIds[row], (boxesOf.get(t.categoryIds[row]) ?? 0) + 1);
  const rows = t.filterRows((row) => newOf.get(t.categoryIds[row]) !== null);
  const hadBoxes = new Set<number>();
  for (let row = 0; row < t.length; row++) hadBoxes.add(t.imageIds[row]);
  let relabelledImages = 0;
  const images = dataset.images.map((im) => {
    if (!im.labels) return im;
    const labels = [
      ...new Set(im.labels.flatMap((id) => (newOf.has(id) ? (newOf.get(id) ? [newOf.get(id)!.id] : []) : [id]))),
    ];
    if (labels.length !== im.labels.length || labels.some((l, k) => l !== im.labels![k])) relabelledImages++;
    return { ...im, labels };
  });
  const out = dataset.derive(images, rows);
  out.categories = categories;
  for (let row = 0; row < out.annotations.length; row++) {
    const to = newOf.get(out.annotations.categoryIds[row]);
    if (to) out.annotations.categoryIds[row] = to.id;
  }
  const stillBoxed = new Set<number>();
  for (let row = 0; row < out.annotations.length; row++) stillBoxed.add(out.annotations.imageIds[row]);

  const sources = new Map<Category, Category[]>();
  for (const c of dataset.categories) {
    const to = newOf.get(c.id);
    if (to) sources.set(to, [...(sources.get(to) ?? []), c]);
  }
  const classes = dataset.categories.map((c): RemapClassReport => {
    const to = newOf.get(c.id);
    const boxes = boxesOf.get(c.id) ?? 0;
    if (!to) return { id: c.id, name: c.name, action: 'dropped', boxes };
    const action = (sources.get(to)?.length ?? 0) > 1 ? 'merged' : to.name !== c.name ? 'renamed' : 'kept';
    return { id: c.id, name: c.name, action, to: { id: to.id, name: to.name }, boxes };
  });
  const merged = [...sources]
    .filter(([, from]) => from.length > 1)
    .map(([to, from]) => {
      const parts = from.map((c) => ({ name: c.name, boxes: boxesOf.get(c.id) ?? 0 }));
      return { id: to.id, name: to.name, from: parts, boxes: parts.reduce((n, p) => n + p.boxes, 0) };
    });
  return {
    dataset: out,
    report: {
      classes,
      droppedBoxes: t.length - rows.length,
      merged,
      emptiedImages: [...hadBoxes].filter((id) => !stillBoxed.has(id)).length,
      relabelledImages,
    },
  };
}
