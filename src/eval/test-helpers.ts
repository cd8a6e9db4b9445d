/** Small dataset builders for the evaluation tests. */
import { Dataset } from '../core/dataset.js';

export interface BoxSpec {
  image: number;
  cat: number;
  box: [number, number, number, number];
  score?: number;
  difficult?: boolean;
  crowd?: boolean;
}

/** A dataset with categories `names` (ids 1…n), images 1…`images`, and the given boxes. */
export function datasetOf(names: string[], images: number, boxes: BoxSpec[]): Dataset {
  const ds = new Dataset();
  names.forEach((name, i) => ds.addCategory({ id: i + 1, name }));
  for (let id = 1; id <= images; id++) ds.addImage({ id, file: `${id}.jpg`, width: 100, height: 100 });
  for (const b of boxes) {
    ds.annotations.add({
      imageId: b.image,
      categoryId: b.cat,
      bbox: b.box,
      score: b.score,
      iscrowd: b.crowd,
      attributes: b.difficult ? { difficult: true } : undefined,
    });
  }
  return ds;
}
