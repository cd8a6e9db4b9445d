/**
 * TF.js graph models in the browser: `model.json` and its shards fetched by URL, run on the
 * first backend that starts — WebGL (GPU), then WASM (SIMD), then the pure-JS CPU backend.
 */
import { DetkitError } from '../core/errors.js';
import type { InferenceSession } from '../runtime/tensor.js';
import { createTfjsGraphSession, parseModelJson, shardPaths, type Tfjs } from '../runtime/tfjs-graph.js';

export type TfjsBackend = 'webgl' | 'wasm' | 'cpu';

export interface TfjsWebOptions {
  /** Backends to try, in order (default webgl → wasm → cpu). */
  backends?: TfjsBackend[];
  /** Where tfjs-backend-wasm*.wasm are served from (default: next to the bundle). */
  wasmPaths?: string;
}

let started: Promise<Tfjs> | undefined;

/**
 * The WebGL renderer when it is a software one (SwiftShader, llvmpipe): what headless or GPU-less
 * Chromium gives. TF.js on it runs CenterNet ~40× slower than on WASM, so WebGL is then skipped
 * when another backend follows it in the list.
 */
export function softwareWebGl(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const gl = document.createElement('canvas').getContext('webgl');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : undefined;
}

/** TF.js on the first backend of `backends` that starts; chosen once a page (TF.js's backend is global). */
export function tfjsInBrowser(options: TfjsWebOptions = {}): Promise<Tfjs> {
  started ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const tried: string[] = [];
    const backends = options.backends ?? ['webgl', 'wasm', 'cpu'];
    for (const [i, name] of backends.entries()) {
      const software = name === 'webgl' && i < backends.length - 1 ? softwareWebGl() : undefined;
      if (software) {
        tried.push(`webgl: skipped, software renderer (${software})`);
        continue;
      }
      try {
        if (name === 'wasm') {
          const wasm = await import('@tensorflow/tfjs-backend-wasm');
          wasm.setWasmPaths(options.wasmPaths ?? new URL('./', import.meta.url).href);
        }
        if (await tf.setBackend(name)) {
          await tf.ready();
          return tf;
        }
        tried.push(`${name}: did not start`);
      } catch (e) {
        tried.push(`${name}: ${(e as Error).message}`);
      }
    }
    throw new DetkitError(`no TF.js backend started (${tried.join('; ')})`);
  })();
  started.catch(() => {
    started = undefined;
  });
  return started;
}

/** The name of the backend TF.js runs on, once a model was loaded. */
export async function tfjsBackendName(): Promise<string | undefined> {
  return started ? (await started).getBackend() : undefined;
}

async function fetchBytes(url: string, file: string, what: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new DetkitError(`could not fetch ${what} (HTTP ${response.status})`, { file });
  return new Uint8Array(await response.arrayBuffer());
}

export async function createTfjsWebSession(modelUrl: string, options: TfjsWebOptions = {}): Promise<InferenceSession> {
  const base = new URL(modelUrl, globalThis.location?.href);
  const text = new TextDecoder().decode(await fetchBytes(base.href, modelUrl, 'the model.json'));
  const json = parseModelJson(text, modelUrl);
  const shards = await Promise.all(
    shardPaths(json).map((shard) => fetchBytes(new URL(shard, base).href, modelUrl, `weight shard "${shard}"`)),
  );
  return createTfjsGraphSession(await tfjsInBrowser(options), json, shards, modelUrl);
}
