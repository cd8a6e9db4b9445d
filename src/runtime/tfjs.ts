/**
 * TF.js graph models (`model.json` + weight shards) in Node on the WASM backend: SIMD kernels
 * run ~40× faster than the pure-JS CPU backend and need no native addon. The session itself is
 * environment-free (`tfjs-graph.ts`); this file reads the files from disk and picks the backend.
 */
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DetkitError } from '../core/errors.js';
import type { InferenceSession } from './tensor.js';
import { createTfjsGraphSession, parseModelJson, shardPaths, type Tfjs } from './tfjs-graph.js';

let backend: Promise<Tfjs> | undefined;

/** Loads TF.js once and switches it to the WASM backend, its binaries read from the package's dist folder. */
export function tfjsWasm(): Promise<Tfjs> {
  backend ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${dist}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js could not start its WASM backend');
    await tf.ready();
    return tf;
  })();
  return backend;
}

export interface TfjsOptions {
  /** Accepted for symmetry with ONNX Runtime; Node's WASM backend runs on one thread. */
  threads?: number;
}

export async function createTfjsSession(modelPath: string, _options: TfjsOptions = {}): Promise<InferenceSession> {
  let text: string;
  try {
    text = await fsp.readFile(modelPath, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const what = err.code === 'ENOENT' ? 'no such file' : `not a TF.js model.json (${err.message})`;
    throw new DetkitError(what, { file: modelPath });
  }
  const json = parseModelJson(text, modelPath);
  const shards: Uint8Array[] = [];
  for (const shard of shardPaths(json)) {
    try {
      shards.push(await fsp.readFile(join(dirname(modelPath), shard)));
    } catch {
      throw new DetkitError(`weight shard "${shard}" listed in weightsManifest is missing`, { file: modelPath });
    }
  }
  return createTfjsGraphSession(await tfjsWasm(), json, shards, modelPath);
}
