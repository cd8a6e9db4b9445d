/**
 * The model-family registry: every family registers once here, and `recogniseFamily` picks the
 * one that best explains a model's signature (inputs, outputs, metadata).
 */
import type { ModelSignature } from '../runtime/tensor.js';
import { centernet } from './centernet.js';
import { hfDetrFamily, hfRtdetrFamily } from './detr.js';
import type { ModelFamily } from './family.js';
import { nanodet } from './nanodet.js';
import type { ExplainingFamily } from './recognition.js';
import { tfliteSsdFamily, tfodFamily } from './tfod.js';
import { torchvisionFamily } from './torchvision.js';
import { ultralyticsRtdetrFamily, yoloEnd2EndFamily, yolov5Family, yolov8Family } from './ultralytics.js';

export type { DetectOptions, ImageMapping, ModelFamily, Prepared } from './family.js';

export interface FamilyRecognition {
  family: ModelFamily;
  /** 0..1, as the family's `recognise` returned it. */
  confidence: number;
  reason: string;
}

const families = new Map<string, ModelFamily>();

export function registerFamily(family: ModelFamily): void {
  if (families.has(family.name)) throw new Error(`model family "${family.name}" is registered twice`);
  families.set(family.name, family);
}

export function listFamilies(): ModelFamily[] {
  return [...families.values()];
}

export function getFamily(name: string): ModelFamily | undefined {
  return families.get(name);
}

/** The same as `getFamily` (the name src/detector.ts uses). */
export const findFamily = getFamily;

function explain(family: ModelFamily, signature: ModelSignature): { confidence: number; reason: string } {
  if ('explain' in family && typeof (family as ExplainingFamily).explain === 'function') {
    return (family as ExplainingFamily).explain(signature);
  }
  const confidence = family.recognise(signature);
  return { confidence, reason: confidence > 0 ? family.description : 'not recognised' };
}

/** Every family's view of the model, best first (confidence 0 left out). */
export function rankFamilies(signature: ModelSignature): FamilyRecognition[] {
  const ranked: FamilyRecognition[] = [];
  for (const family of families.values()) {
    const { confidence, reason } = explain(family, signature);
    if (confidence > 0) ranked.push({ family, confidence, reason });
  }
  // Stable: on equal confidence the family registered first wins.
  return ranked.sort((x, y) => y.confidence - x.confidence);
}

/** The family that best explains the model, or undefined when none recognises it. */
export function recogniseFamily(signature: ModelSignature): FamilyRecognition | undefined {
  return rankFamilies(signature)[0];
}

registerFamily(yolov8Family);
registerFamily(yolov5Family);
registerFamily(yoloEnd2EndFamily);
registerFamily(ultralyticsRtdetrFamily);
registerFamily(hfDetrFamily);
registerFamily(hfRtdetrFamily);
registerFamily(torchvisionFamily);
registerFamily(tfodFamily);
registerFamily(tfliteSsdFamily);
registerFamily(centernet);
registerFamily(nanodet);
