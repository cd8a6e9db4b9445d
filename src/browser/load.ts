/**
 * `loadDetectorFromUrl(url)`: the browser's `loadDetector`. The runtime follows the file name —
 * onnxruntime-web for `.onnx` / `.ort`, TF.js for a `model.json` — and images decode on a canvas.
 */

import { DetkitError } from '../core/errors.js';
import { createDetector, type Detector, type DetectorOptions } from '../create-detector.js';
import { createOnnxWebSession } from '../runtime/onnx-web.js';
import type { InferenceSession } from '../runtime/tensor.js';
import { decodeImageInBrowser } from './decode.js';
import { createTfjsWebSession, type TfjsBackend } from './tfjs-web.js';

export interface BrowserDetectorOptions extends DetectorOptions {
  /** Folder URL of the runtimes' .wasm files (default: the folder the bundle was loaded from). */
  wasmPaths?: string;
  /** onnxruntime-web device: 'auto' (default: WebGPU when the browser has it), 'wasm' or 'webgpu'. */
  device?: 'auto' | 'wasm' | 'webgpu';
  /** TF.js backends to try, in order (default webgl → wasm → cpu). */
  tfjsBackends?: TfjsBackend[];
}

/** Where the bundle (and the .wasm files copied next to it) is served from. */
export function bundleBaseUrl(): string {
  return new URL('./', import.meta.url).href;
}

function runtimeForUrl(url: string): 'onnx' | 'tfjs' | undefined {
  const path = url.split(/[?#]/)[0]!.toLowerCase();
  if (path.endsWith('.onnx') || path.endsWith('.ort')) return 'onnx';
  if (path.endsWith('.json')) return 'tfjs';
  return undefined;
}

export async function loadSessionFromUrl(
  modelUrl: string,
  options: BrowserDetectorOptions = {},
): Promise<InferenceSession> {
  const wasmPaths = options.wasmPaths ?? bundleBaseUrl();
  const runtime = options.runtime ?? runtimeForUrl(modelUrl);
  if (runtime === 'onnx') {
    return createOnnxWebSession(modelUrl, { wasmPaths, device: options.device, threads: options.threads });
  }
  if (runtime === 'tfjs') return createTfjsWebSession(modelUrl, { wasmPaths, backends: options.tfjsBackends });
  throw new DetkitError('unknown model file type: expected an ONNX model (.onnx) or a TF.js graph model (model.json)', {
    file: modelUrl,
  });
}

export async function loadDetectorFromUrl(modelUrl: string, options: BrowserDetectorOptions = {}): Promise<Detector> {
  const session = await loadSessionFromUrl(modelUrl, options);
  try {
    return createDetector(session, modelUrl, options, decodeImageInBrowser);
  } catch (e) {
    await session.dispose();
    throw e;
  }
}
