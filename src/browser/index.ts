/**
 * detkit in the browser (`dist/browser/detkit.js`, built by `npm run build:browser`): the
 * environment-free core — dataset model, formats, COCO / VOC evaluation, post-processing, model
 * families — with browser edges: models loaded by URL on onnxruntime-web or TF.js, images
 * decoded on a canvas, dropped files read through FileAccess. The runtimes load on first use,
 * their .wasm files served from next to the bundle.
 */
export * from '../core/index.js';
export {
  chooseFamily,
  createDetector,
  type Detector,
  type DetectorOptions,
  type ImageDecoder,
  type ImageInput,
  type StageTimings,
} from '../create-detector.js';
export * as cocoEval from '../eval/coco/index.js';
export * from '../eval/index.js';
export { COCO_CATEGORY_IDS, COCO_LABELS, cocoCategoryId } from '../families/coco-labels.js';
export * from '../families/index.js';
export * from '../formats/index.js';
export * from '../postprocess/index.js';
export { createOnnxWebSession, type OnnxWebOptions } from '../runtime/onnx-web.js';
export type { InferenceSession, ModelSignature, Tensor, TensorInfo } from '../runtime/tensor.js';
export { type BrowserImageSource, decodeImageInBrowser, pixelsOf, toRgb } from './decode.js';
export { type DroppedContent, DroppedFiles } from './dropped-files.js';
export { type BrowserDetectorOptions, bundleBaseUrl, loadDetectorFromUrl, loadSessionFromUrl } from './load.js';
export {
  createTfjsWebSession,
  softwareWebGl,
  type TfjsBackend,
  type TfjsWebOptions,
  tfjsBackendName,
  tfjsInBrowser,
} from './tfjs-web.js';
