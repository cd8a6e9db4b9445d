/**
 * Picks the runtime for a model file in Node: `.onnx` → ONNX Runtime, a TF.js `model.json`
 * (any `.json` whose content is a graph model) → TF.js on WASM.
 */
import { DetkitError } from '../core/errors.js';
import type { InferenceSession } from './tensor.js';

export type RuntimeName = 'onnx' | 'tfjs';

export interface LoadSessionOptions {
  /** Force a runtime instead of choosing by file name. */
  runtime?: RuntimeName;
  /** Intra-op threads (ONNX Runtime). */
  threads?: number;
}

export function runtimeForFile(modelPath: string): RuntimeName | undefined {
  const lower = modelPath.toLowerCase();
  if (lower.endsWith('.onnx') || lower.endsWith('.ort')) return 'onnx';
  if (lower.endsWith('.json')) return 'tfjs';
  return undefined;
}

export async function loadSession(modelPath: string, options: LoadSessionOptions = {}): Promise<InferenceSession> {
  const runtime = options.runtime ?? runtimeForFile(modelPath);
  if (runtime === 'onnx') {
    const { createOnnxNodeSession } = await import('./onnx-node.js');
    return createOnnxNodeSession(modelPath, { threads: options.threads });
  }
  if (runtime === 'tfjs') {
    const { createTfjsSession } = await import('./tfjs.js');
    return createTfjsSession(modelPath, { threads: options.threads });
  }
  throw new DetkitError('unknown model file type: expected an ONNX model (.onnx) or a TF.js graph model (model.json)', {
    file: modelPath,
  });
}
