/**
 * COCO's 80 detection classes in the order COCO-trained models index them (0 = person), and
 * their official category ids (1..90 with gaps: the 2014 paper listed 91 ids, 11 never
 * annotated), which COCO results files and `instances_*.json` use.
 */
// biome-ignore format: a table reads better packed
export const COCO_LABELS: readonly string[] = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
  'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
  'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
  'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear',
  'hair drier', 'toothbrush',
];

/** Official COCO category id of each of the 80 classes, by class index (person → 1, toothbrush → 90). */
// biome-ignore format: a table reads better packed
export const COCO_CATEGORY_IDS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31, 32, 33, 34,
  35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
  64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90,
];

/** Official COCO category id for a 0-based class index, or undefined outside 0..79. */
export function cocoCategoryId(classIndex: number): number | undefined {
  return COCO_CATEGORY_IDS[classIndex];
}

/** 0-based class index for an official COCO category id, or -1 when the id is not one of the 80. */
export function cocoClassIndex(categoryId: number): number {
  return COCO_CATEGORY_IDS.indexOf(categoryId);
}

/** True when `labels` are COCO's 80 names in COCO's order (so class ids map to official category ids). */
export function isCocoLabels(labels: readonly string[] | undefined): boolean {
  return labels !== undefined && labels.length === 80 && labels.every((l, i) => l === COCO_LABELS[i]);
}
