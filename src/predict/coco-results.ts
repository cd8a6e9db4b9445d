/**
 * Detections → COCO results (the array `loadRes` / pycocotools and `detkit eval` read):
 * `{ image_id, category_id, bbox: [x, y, w, h], score }` plus `label` for people reading it.
 */
import type { Detections } from '../core/detections.js';

export interface CocoResult {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
  label?: string;
}

/** Maps a model class id to the category id written in results. */
export type CategoryMapper = (classId: number, label: string | undefined) => number;

/**
 * The category mapping for a run: a dataset's category of the same name when one is given (so
 * a model's names line up with the ground truth), else the family's official ids (COCO's 80 →
 * 1..90), else the class id itself.
 */
export function categoryMapper(
  officialIds: readonly number[] | undefined,
  datasetCategories?: { id: number; name: string }[],
): CategoryMapper {
  const byName = new Map(datasetCategories?.map((c) => [c.name, c.id]));
  return (classId, label) => {
    const named = label !== undefined ? byName.get(label) : undefined;
    if (named !== undefined) return named;
    return officialIds?.[classId] ?? classId;
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function toCocoResults(d: Detections, imageId: number, mapCategory: CategoryMapper): CocoResult[] {
  const out: CocoResult[] = [];
  for (let i = 0; i < d.length; i++) {
    const b = i * 4;
    const x1 = d.boxes[b];
    const y1 = d.boxes[b + 1];
    const label = d.labels?.[d.classIds[i]];
    const result: CocoResult = {
      image_id: imageId,
      category_id: mapCategory(d.classIds[i], label),
      bbox: [round(x1, 2), round(y1, 2), round(d.boxes[b + 2] - x1, 2), round(d.boxes[b + 3] - y1, 2)],
      score: round(d.scores[i], 5),
    };
    if (label !== undefined) result.label = label;
    out.push(result);
  }
  return out;
}
