/**
 * Test helper: an onnxruntime-node session behind detkit's InferenceSession interface, with the
 * ONNX metadata_props read from the file. The real runtime adapter lives in src/runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import type { InferenceSession, ModelSignature, Tensor, TensorInfo, TensorType } from '../../runtime/tensor.js';
import { readOnnxMetadata } from './onnx-builder.js';

export function fixturePath(name: string): string {
  return join(process.cwd(), 'src', 'families', 'fixtures', name);
}

function info(meta: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) throw new Error(`${meta.name} is not a tensor`);
  return {
    name: meta.name,
    type: meta.type as TensorType,
    dims: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null)),
  };
}

export async function openFixture(name: string): Promise<InferenceSession> {
  const bytes = readFileSync(fixturePath(name));
  const session = await ort.InferenceSession.create(bytes);
  const signature: ModelSignature = {
    inputs: session.inputMetadata.map(info),
    outputs: session.outputMetadata.map(info),
    metadata: readOnnxMetadata(bytes),
    format: 'onnx',
  };
  return {
    signature,
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type, t.data, t.dims);
      const out = await session.run(ortFeeds);
      const result: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(out)) {
        result[k] = { type: t.type as TensorType, dims: [...t.dims], data: t.data as Tensor['data'] };
      }
      return result;
    },
    dispose: () => session.release(),
  };
}
