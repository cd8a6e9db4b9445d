/**
 * One API from a model file to boxes: `loadDetector(model)` picks the runtime by file, the
 * family by the model's signature, and `detect(image)` returns Detections in original-image
 * pixels — whatever framework exported the model.
 *
 *   const detector = await loadDetector('yolov8n.onnx', { scoreThreshold: 0.3 });
 *   const found = await detector.detect('street.jpg');
 */
import { createDetector, type Detector, type DetectorOptions } from './create-detector.js';
import { type LoadSessionOptions, loadSession } from './runtime/load.js';

export * from './create-detector.js';

export async function loadDetector(modelPath: string, options: DetectorOptions = {}): Promise<Detector> {
  const loadOptions: LoadSessionOptions = { runtime: options.runtime, threads: options.threads };
  const session = await loadSession(modelPath, loadOptions);
  try {
    const { decodeImage } = await import('./io/decode-image.js');
    return createDetector(session, modelPath, options, (source, plan) => decodeImage(source, undefined, plan));
  } catch (e) {
    await session.dispose();
    throw e;
  }
}
