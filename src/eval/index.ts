/** Evaluation: environment-free (runs in Node and in a browser page). */
export * from './box-overlap.js';
export * from './classification.js';
export * from './coco/index.js';
export * from './detection-analysis.js';
export * from './report/charts.js';
export * from './report/html.js';
export * from './report/write.js';
export * from './voc.js';
