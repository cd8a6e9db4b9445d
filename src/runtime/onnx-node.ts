/**
 * ONNX models in Node on onnxruntime-node: CUDA when the machine has it, else the CPU, falling
 * back silently. Intra-op threads do not spin-wait by default: spinning helps an idle machine a
 * little but makes 2 threads lose to 1 when other work shares the cores.
 */
import { existsSync, promises as fsp } from 'node:fs';
import type * as Ort from 'onnxruntime-common';
import { DetkitError } from '../core/errors.js';
import { readOnnxMetadata } from './onnx-metadata.js';
import { fromOrt, ortSignature, toOrt } from './ort-tensors.js';
import type { InferenceSession } from './tensor.js';

export interface OnnxNodeOptions {
  /** Intra-op threads (default: ONNX Runtime's choice, one a physical core). */
  threads?: number;
  /** Let idle intra-op threads spin-wait (default false). */
  allowSpinning?: boolean;
  /** 'auto' (default): CUDA when present, else CPU; 'cpu' forces the CPU. */
  device?: 'auto' | 'cpu' | 'cuda';
}

function cudaPresent(): boolean {
  return existsSync('/proc/driver/nvidia/version') || existsSync('/dev/nvidiactl');
}

async function readMetadata(modelPath: string): Promise<Record<string, string>> {
  const handle = await fsp.open(modelPath, 'r');
  try {
    const { size } = await handle.stat();
    return await readOnnxMetadata(async (offset, length) => {
      const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    }, size);
  } finally {
    await handle.close();
  }
}

export async function createOnnxNodeSession(
  modelPath: string,
  options: OnnxNodeOptions = {},
): Promise<InferenceSession> {
  if (!existsSync(modelPath)) throw new DetkitError('no such file', { file: modelPath });
  let metadata: Record<string, string>;
  try {
    metadata = await readMetadata(modelPath);
  } catch (e) {
    throw new DetkitError((e as Error).message, { file: modelPath });
  }
  const ort = (await import('onnxruntime-node')) as unknown as typeof Ort & {
    listSupportedBackends?: () => { name: string }[];
  };
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' } } },
  };
  if (options.threads) sessionOptions.intraOpNumThreads = options.threads;
  const wantCuda =
    options.device === 'cuda' ||
    (options.device !== 'cpu' &&
      cudaPresent() &&
      (ort.listSupportedBackends?.().some((b) => b.name === 'cuda') ?? false));
  let session: Ort.InferenceSession | undefined;
  if (wantCuda) {
    try {
      session = await ort.InferenceSession.create(modelPath, {
        ...sessionOptions,
        executionProviders: ['cuda', 'cpu'],
      });
    } catch {
      // No usable CUDA (driver, libraries): the CPU serves.
    }
  }
  try {
    session ??= await ort.InferenceSession.create(modelPath, { ...sessionOptions, executionProviders: ['cpu'] });
  } catch (e) {
    throw new DetkitError(`ONNX Runtime could not load the model: ${(e as Error).message}`, { file: modelPath });
  }
  const loaded = session;
  const signature = ortSignature(loaded, metadata);
  return {
    signature,
    async run(feeds, outputNames) {
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(ort.Tensor, t);
      const result = outputNames ? await loaded.run(ortFeeds, outputNames) : await loaded.run(ortFeeds);
      const out: Record<string, ReturnType<typeof fromOrt>> = {};
      for (const [name, value] of Object.entries(result)) out[name] = fromOrt(value as Ort.Tensor);
      return out;
    },
    async dispose() {
      await loaded.release();
    },
  };
}
