/** Detection post-processing, environment-free: NMS, Soft-NMS, box ensembling, flip TTA. */
export * from './ensemble.js';
export {
  type EnsembleNmsOptions,
  type EnsembleSoftNmsOptions,
  ensembleNms,
  ensembleSoftNms,
} from './ensemble-nms.js';
export * from './nms.js';
export * from './soft-nms.js';
export * from './tta.js';
