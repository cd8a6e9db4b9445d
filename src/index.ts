/** detkit's library entry: the environment-free core plus the Node edges. */
export * from './core/index.js';
export {
  chooseFamily,
  createDetector,
  type Detector,
  type DetectorOptions,
  type ImageInput,
  loadDetector,
  type StageTimings,
} from './detector.js';
export * as cocoEval from './eval/coco/index.js';
export { COCO_CATEGORY_IDS, COCO_LABELS, cocoCategoryId } from './families/coco-labels.js';
export * from './formats/index.js';
export { NodeFiles, nodeFiles, writeAtomically } from './io/node-files.js';
export * from './ops/filter.js';
export * from './ops/group-key.js';
export * from './ops/image-hash.js';
export * from './ops/merge.js';
export * from './ops/random.js';
export * from './ops/remap.js';
export * from './ops/sample.js';
export * from './ops/split.js';
export * from './ops/split-assign.js';
export * from './ops/stats.js';
export * from './ops/validate.js';
export * from './postprocess/index.js';
export { loadSession } from './runtime/load.js';
export type { InferenceSession, ModelSignature, Tensor, TensorInfo } from './runtime/tensor.js';
