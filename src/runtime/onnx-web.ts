/**
 * ONNX models in the browser on onnxruntime-web: WebGPU when the browser has it, else WASM
 * (SIMD, threaded when the page is cross-origin isolated). Browser-safe: no Node imports; the
 * model comes as bytes or a URL. Same InferenceSession interface as onnx-node.
 */
import type * as Ort from 'onnxruntime-common';
import { DetkitError } from '../core/errors.js';
import { bytesReader, readOnnxMetadata } from './onnx-metadata.js';
import { fromOrt, ortSignature, toOrt } from './ort-tensors.js';
import type { InferenceSession } from './tensor.js';

export interface OnnxWebOptions {
  /** WASM threads (default: ONNX Runtime's choice; 1 unless the page is cross-origin isolated). */
  threads?: number;
  /** Where ort-wasm*.wasm are served from (default: next to the bundle). */
  wasmPaths?: string;
  /** 'auto' (default): WebGPU when `navigator.gpu` exists, else WASM. */
  device?: 'auto' | 'wasm' | 'webgpu';
  /** A name for error messages when `source` is bytes. */
  name?: string;
}

function hasWebGpu(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && Boolean((navigator as { gpu?: unknown }).gpu);
}

export async function createOnnxWebSession(
  source: string | Uint8Array | ArrayBuffer,
  options: OnnxWebOptions = {},
): Promise<InferenceSession> {
  const file = typeof source === 'string' ? source : (options.name ?? 'model.onnx');
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    const response = await fetch(source);
    if (!response.ok) throw new DetkitError(`could not fetch the model (HTTP ${response.status})`, { file });
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  }
  let metadata: Record<string, string>;
  try {
    metadata = await readOnnxMetadata(bytesReader(bytes), bytes.length);
  } catch (e) {
    throw new DetkitError((e as Error).message, { file });
  }
  const ort = (await import('onnxruntime-web')) as unknown as typeof Ort & {
    env: { wasm: { numThreads?: number; wasmPaths?: string } };
  };
  if (options.threads) ort.env.wasm.numThreads = options.threads;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  const useGpu = options.device === 'webgpu' || (options.device !== 'wasm' && hasWebGpu());
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: useGpu ? ['webgpu', 'wasm'] : ['wasm'],
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new DetkitError(`ONNX Runtime Web could not load the model: ${(e as Error).message}`, { file });
  }
  const signature = ortSignature(session, metadata);
  return {
    signature,
    async run(feeds, outputNames) {
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(ort.Tensor, t);
      const result = outputNames ? await session.run(ortFeeds, outputNames) : await session.run(ortFeeds);
      const out: Record<string, ReturnType<typeof fromOrt>> = {};
      for (const [name, value] of Object.entries(result)) {
        // WebGPU outputs may live on the GPU: bring them to the CPU before reading.
        const t = value as Ort.Tensor;
        if (t.location && t.location !== 'cpu') await t.getData(true);
        out[name] = fromOrt(t);
      }
      return out;
    },
    async dispose() {
      await session.release();
    },
  };
}
