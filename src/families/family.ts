/**
 * A model family knows how one kind of exported detector wants its input and lays out its
 * output: pre-processing (resize, letterbox, normalisation, layout) and decoding back to boxes
 * in original-image pixels. Families are environment-free and shared by Node and the browser.
 */
import type { Detections } from '../core/detections.js';
import type { RawImage } from '../core/image.js';
import type { ModelSignature, Tensor } from '../runtime/tensor.js';

export interface DetectOptions {
  /** Drop detections scoring below this (default 0.25). */
  scoreThreshold?: number;
  /** NMS IoU threshold for families whose export leaves NMS outside (default 0.45). */
  iouThreshold?: number;
  /** Keep at most this many detections per image (default 100). */
  maxDetections?: number;
  classAgnostic?: boolean;
  /** Override the model's input size [height, width] when it is dynamic. */
  inputSize?: [number, number];
  /** Class names by class id; default from model metadata or the family's label map. */
  labels?: string[];
  /**
   * Let the image decoder resize to the model input while decoding (default true; families
   * with an `inputPlan`). false: decode at full size, then resize in JS with cv2.INTER_LINEAR's
   * exact pixels.
   */
  resizeWhileDecoding?: boolean;
}

/** How model-input pixels map back to the original image: x_orig = (x_in - padX) / scaleX. */
export interface ImageMapping {
  /** Original image size. */
  width: number;
  height: number;
  /** Model input size. */
  inputWidth: number;
  inputHeight: number;
  scaleX: number;
  scaleY: number;
  padX: number;
  padY: number;
}

/**
 * The geometry a family's pre-processing resizes to, so an image decoder can resize while it
 * decodes (sharp: one pipeline, JPEG shrink-on-load) instead of handing over full-size pixels.
 */
export interface InputPlan {
  height: number;
  width: number;
  /** 'letterbox': aspect kept, centred, `padValue` around; 'stretch': exactly height × width. */
  fit: 'letterbox' | 'stretch';
  padValue: number;
}

/** Pixels a decoder already resized to an InputPlan, with the way back to the original image. */
export interface FittedImage extends RawImage {
  mapping: ImageMapping;
}

/**
 * Lends a float32 buffer of `length` values for an input tensor; the detector takes it back
 * once the runtime has run, so repeated calls reuse it instead of allocating (and collecting)
 * megabytes each time.
 */
export type TensorScratch = (length: number) => Float32Array;

export interface Prepared {
  feeds: Record<string, Tensor>;
  mapping: ImageMapping;
}

export interface ModelFamily {
  name: string;
  description: string;
  /** 0..1: how well this family explains the model's inputs, outputs and metadata (0 = not at all). */
  recognise(signature: ModelSignature): number;
  /** `image` may be a FittedImage a decoder already resized to this family's `inputPlan`. */
  preprocess(image: RawImage, signature: ModelSignature, options: DetectOptions, scratch?: TensorScratch): Prepared;
  /** Decodes one image's outputs (batch index `batch`) to detections in original-image pixels. */
  postprocess(
    outputs: Record<string, Tensor>,
    mapping: ImageMapping,
    signature: ModelSignature,
    options: DetectOptions,
    batch: number,
  ): Detections;
  /** The resize its pre-processing does, when a decoder may do it instead (see InputPlan). */
  inputPlan?(signature: ModelSignature, options: DetectOptions): InputPlan | undefined;
  /** Class names known from the model itself or the family's convention. */
  labels?(signature: ModelSignature): string[] | undefined;
  /** The outputs decoding reads, when fewer than all (the runtime then skips reading the rest back). */
  outputNames?(signature: ModelSignature): string[] | undefined;
  /** Official dataset category id by class id, when the model was trained on a known dataset (COCO's 80 → 1..90). */
  categoryIds?(signature: ModelSignature): readonly number[] | undefined;
}
