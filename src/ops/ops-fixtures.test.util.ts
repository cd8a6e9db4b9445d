/** Small synthetic datasets for the ops tests. */
import { Dataset, type ImageRecord } from '../core/dataset.js';

/**
 * One image per entry of `classesPerImage`: a box per class name listed (negatives: []).
 * Categories are created in order of first appearance, ids 1, 2, …
 */
export function datasetOf(
  classesPerImage: string[][],
  image: (i: number) => Partial<ImageRecord> = () => ({}),
): Dataset {
  const d = new Dataset();
  const ids = new Map<string, number>();
  classesPerImage.forEach((classes, i) => {
    d.addImage({ id: i + 1, file: `img-${i + 1}.jpg`, width: 100, height: 100, ...image(i) });
    for (const name of classes) {
      let id = ids.get(name);
      if (id === undefined) {
        id = ids.size + 1;
        ids.set(name, id);
        d.addCategory({ id, name });
      }
      d.annotations.addBox(i + 1, id, 10, 10, 20, 20);
    }
  });
  return d;
}

/** `n` copies of `classes`. */
export const times = (n: number, classes: string[]): string[][] => Array.from({ length: n }, () => classes);

/** Split name of every image, by file name. */
export function splitOfFiles(parts: { name: string; dataset: Dataset }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of parts) for (const im of p.dataset.images) out.set(im.file, p.name);
  return out;
}
