/**
 * Conversions between detkit's runtime-neutral tensors/signature and ONNX Runtime's, shared by
 * onnxruntime-node and onnxruntime-web (both implement onnxruntime-common's API).
 */
import type * as Ort from 'onnxruntime-common';
import type { ModelSignature, Tensor, TensorInfo, TensorType } from './tensor.js';

const KNOWN: readonly string[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'int8', 'bool', 'string'];

function tensorType(type: string): TensorType {
  if (type === 'float16') return 'float32';
  return (KNOWN.includes(type) ? type : 'float32') as TensorType;
}

function tensorInfo(meta: Ort.InferenceSession.ValueMetadata | undefined, name: string): TensorInfo {
  if (!meta?.isTensor) return { name, type: 'float32', dims: [] };
  return {
    name,
    type: tensorType(meta.type),
    dims: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null)),
  };
}

export function ortSignature(session: Ort.InferenceSession, metadata: Record<string, string>): ModelSignature {
  return {
    inputs: session.inputNames.map((n, i) => tensorInfo(session.inputMetadata?.[i], n)),
    outputs: session.outputNames.map((n, i) => tensorInfo(session.outputMetadata?.[i], n)),
    metadata,
    format: 'onnx',
  };
}

/** IEEE half → float, for float16 model outputs (families read float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export function fromOrt(t: Ort.Tensor): Tensor {
  if (t.type === 'float16') {
    const raw = t.data as Uint16Array;
    return { type: 'float32', dims: [...t.dims], data: Float32Array.from(raw, halfToFloat) };
  }
  return { type: tensorType(t.type), dims: [...t.dims], data: t.data as Tensor['data'] };
}

/** Wraps a detkit tensor as an ONNX Runtime tensor (no copy), given the runtime's Tensor class. */
export function toOrt(ctor: typeof Ort.Tensor, t: Tensor): Ort.Tensor {
  return new ctor(t.type as Ort.Tensor.Type, t.data as Ort.Tensor.DataType, t.dims);
}
