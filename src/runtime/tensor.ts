/**
 * The runtime-neutral view of a model: its signature and tensors. ONNX Runtime (Node, web) and
 * TF.js sessions adapt to these, so model families' pre/post-processing is written once.
 */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Float64Array | Int8Array;

export type TensorType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool' | 'string';

export interface Tensor {
  type: TensorType;
  dims: number[];
  data: TensorData;
}

export interface TensorInfo {
  name: string;
  type: TensorType;
  /** Fixed sizes as numbers; symbolic or unknown dimensions (batch, dynamic size) as null. */
  dims: (number | null)[];
}

export interface ModelSignature {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Model metadata: ONNX metadata_props (Ultralytics writes `names`, `imgsz`, `task`, `stride`), TF.js userDefinedMetadata. */
  metadata: Record<string, string>;
  /** 'onnx' | 'tfjs' — where the model came from (families may differ in layout by runtime). */
  format: 'onnx' | 'tfjs';
}

/** One loaded model in one runtime. */
export interface InferenceSession {
  readonly signature: ModelSignature;
  /** Runs the model; `outputNames` limits which outputs are computed and read back (default: all). */
  run(feeds: Record<string, Tensor>, outputNames?: string[]): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
}

/** Number of elements a tensor of these dims holds. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** One line per tensor (`images float32 [null,3,640,640]`), for error messages and `bench-model`. */
export function describeSignature(signature: ModelSignature): string {
  const one = (t: TensorInfo) => `${t.name} ${t.type} [${t.dims.map((d) => d ?? '?').join(',')}]`;
  return `inputs: ${signature.inputs.map(one).join('; ')} — outputs: ${signature.outputs.map(one).join('; ')}`;
}

/**
 * Checks feeds against the declared inputs (names, rank, fixed sizes, element count) so a
 * mismatch reads as one clear sentence instead of a runtime's internal shape error.
 */
export function checkFeeds(signature: ModelSignature, feeds: Record<string, Tensor>): string | undefined {
  for (const input of signature.inputs) {
    const feed = feeds[input.name];
    if (!feed) return `no value for model input "${input.name}"`;
    const want = `[${input.dims.map((d) => d ?? '?').join(',')}]`;
    const got = `[${feed.dims.join(',')}]`;
    if (input.dims.length !== feed.dims.length || input.dims.some((d, i) => d !== null && d !== feed.dims[i])) {
      return `model input "${input.name}" expects shape ${want}, got ${got}`;
    }
    if (feed.data.length !== elementCount(feed.dims)) {
      return `model input "${input.name}": shape ${got} needs ${elementCount(feed.dims)} values, got ${feed.data.length}`;
    }
  }
  return undefined;
}
