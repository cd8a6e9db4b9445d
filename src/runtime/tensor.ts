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
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
}
