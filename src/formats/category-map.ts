/**
 * Categories for formats that store names only (VOC) or class indices with names (YOLO).
 * Without help, ids are assigned by the format's rule; the `categories` read option restores
 * known ids (e.g. COCO's 1..90 with gaps after a COCO→YOLO→COCO round trip): a name found in
 * it takes that category (id, supercategory, extra) and every listed category is kept, used or
 * not. Names it lacks get fresh ids after the largest.
 */
import type { Category } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';

export class CategoryNames {
  readonly categories: Category[] = [];
  private readonly byName = new Map<string, Category[]>();
  private readonly claimed = new Set<Category>();
  private nextId: number;

  constructor(known: readonly Category[] = [], firstId = 1) {
    let max = firstId - 1;
    for (const c of known) {
      const copy: Category = { ...c };
      this.categories.push(copy);
      const list = this.byName.get(c.name);
      if (list) list.push(copy);
      else this.byName.set(c.name, [copy]);
      if (c.id > max) max = c.id;
    }
    this.nextId = max + 1;
  }

  /**
   * The category for `name`. With `distinct`, a name listed twice (YOLO names may repeat) takes
   * the next known category of that name rather than the first.
   */
  resolve(name: string, distinct = false): Category {
    const list = this.byName.get(name);
    if (list) {
      if (!distinct) return list[0];
      const free = list.find((c) => !this.claimed.has(c));
      if (free) {
        this.claimed.add(free);
        return free;
      }
    }
    const created: Category = { id: this.nextId++, name };
    this.categories.push(created);
    if (list) list.push(created);
    else this.byName.set(name, [created]);
    if (distinct) this.claimed.add(created);
    return created;
  }
}

/** The `categories` read option, checked. */
export function knownCategories(option: unknown): Category[] {
  if (option === undefined) return [];
  if (!Array.isArray(option) || option.some((c) => typeof c?.id !== 'number' || typeof c?.name !== 'string')) {
    throw new DetkitError('the "categories" option must be a list of {id, name} categories');
  }
  return option as Category[];
}

/**
 * Image ids for files read from a format that stores none (VOC, YOLO): 1..N in read order, or,
 * with the `images` read option (the records a dataset was written from), the id of the known
 * image with the same file name — so a round trip through the format keeps image ids. Files it
 * does not know get ids after the largest.
 */
export function imageIdsFor(files: readonly string[], option: unknown): number[] {
  if (option === undefined) return files.map((_f, k) => k + 1);
  if (!Array.isArray(option) || option.some((im) => typeof im?.id !== 'number' || typeof im?.file !== 'string')) {
    throw new DetkitError('the "images" option must be a list of {id, file} image records');
  }
  const byName = new Map<string, number>();
  let next = 1;
  for (const im of option as { id: number; file: string }[]) {
    byName.set(baseName(im.file), im.id);
    if (im.id >= next) next = im.id + 1;
  }
  return files.map((f) => byName.get(baseName(f)) ?? next++);
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}
