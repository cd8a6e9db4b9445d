/** The environment-free core: runs in Node and in the browser. */
export * from './dataset.js';
export * from './detections.js';
export * from './errors.js';
export * from './files.js';
export * from './geometry.js';
export * from './image.js';
export * from './image-size.js';
export * from './memory-files.js';
export * from './paths.js';
