/**
 * Columnar detections for one image: what every model family produces and every consumer
 * (post-processing, eval, server, web page) takes. Boxes are xyxy in absolute pixels.
 */
export interface Detections {
  length: number;
  /** Interleaved x1, y1, x2, y2 (absolute pixels of the original image). */
  boxes: Float32Array;
  scores: Float32Array;
  classIds: Int32Array;
  /** Class names by class id, when the model or user gave them. */
  labels?: string[];
}

export function createDetections(length: number, labels?: string[]): Detections {
  return {
    length,
    boxes: new Float32Array(length * 4),
    scores: new Float32Array(length),
    classIds: new Int32Array(length),
    labels,
  };
}
