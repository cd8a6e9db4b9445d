/** detkit's library entry: the environment-free core plus the Node edges. */
export * from './core/index.js';
export * as cocoEval from './eval/coco/index.js';
export * from './formats/index.js';
export { NodeFiles, nodeFiles, writeAtomically } from './io/node-files.js';
