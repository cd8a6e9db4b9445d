/**
 * How sure a family is that it explains a model, and why — what `recogniseFamily` reports so a
 * user can see why a model was taken for YOLOv8 rather than RT-DETR.
 */
import type { ModelSignature } from '../runtime/tensor.js';
import type { ModelFamily } from './family.js';

export interface Recognition {
  /** 0..1, 0 = not this family. */
  confidence: number;
  reason: string;
}

/** A family that can say why it recognises a model (`recognise` returns the same confidence). */
export interface ExplainingFamily extends ModelFamily {
  explain(signature: ModelSignature): Recognition;
}
