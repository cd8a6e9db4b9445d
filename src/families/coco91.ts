/**
 * COCO's category-id label map (91 slots, index = category id): what torchvision's detectors,
 * the TF Object Detection API and HF DETR output as class ids. Ids 0 (background) and the 11
 * never-annotated ids are 'N/A' slots, as in torchvision's COCO_V1 list ('__background__' at 0).
 */
import { COCO_CATEGORY_IDS, COCO_LABELS } from './coco-labels.js';

function byCategoryId(background: string): string[] {
  const labels = new Array<string>(91).fill('N/A');
  labels[0] = background;
  COCO_CATEGORY_IDS.forEach((id, i) => (labels[id] = COCO_LABELS[i]!));
  return labels;
}

/** torchvision's COCO_V1 categories: '__background__', 'person', 'bicycle', … with 'N/A' gaps. */
export const COCO91_LABELS: readonly string[] = byCategoryId('__background__');

/** HF DETR's id2label: the same 91 slots with 'N/A' at 0. */
export const COCO91_DETR_LABELS: readonly string[] = byCategoryId('N/A');

/** Category id by class id for families whose class ids already are COCO ids (identity, 0..90). */
export const COCO91_IDS: readonly number[] = Array.from({ length: 91 }, (_, i) => i);
