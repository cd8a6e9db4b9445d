/**
 * A TF.js graph model as an InferenceSession, environment-free: the caller loads TF.js (WASM in
 * Node, WebGL / WASM / CPU in a browser) and reads `model.json` and its weight shards from
 * wherever they live (disk, URL). Every call runs inside `tf.tidy` and disposes what it reads
 * back, so repeated calls hold no tensors.
 */
import type * as TF from '@tensorflow/tfjs';
import { DetkitError } from '../core/errors.js';
import type { InferenceSession, ModelSignature, Tensor, TensorInfo, TensorType } from './tensor.js';

export type Tfjs = typeof TF;

export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths: string[]; weights: TF.io.WeightsManifestEntry[] }[];
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

/** Parses and checks a `model.json`: a graph model with a topology and a weights manifest. */
export function parseModelJson(text: string, file: string): ModelJson {
  let json: ModelJson;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DetkitError(`not a TF.js model.json (${(e as Error).message})`, { file });
  }
  if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new DetkitError('not a TF.js model: a model.json needs "modelTopology" and "weightsManifest"', { file });
  }
  if (json.format === 'layers-model') {
    throw new DetkitError('a TF.js layers model; only graph models (tfjs_graph_model) are supported', { file });
  }
  return json;
}

/** Shard paths in manifest order, relative to the model.json. */
export function shardPaths(json: ModelJson): string[] {
  return (json.weightsManifest ?? []).flatMap((group) => group.paths);
}

/** The artifacts TF.js loads from memory: the topology and the shards concatenated in manifest order. */
export function modelArtifacts(json: ModelJson, shards: Uint8Array[]): TF.io.ModelArtifacts {
  const weightSpecs = (json.weightsManifest ?? []).flatMap((group) => group.weights);
  const total = shards.reduce((n, s) => n + s.length, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const s of shards) {
    weightData.set(s, at);
    at += s.length;
  }
  return {
    modelTopology: json.modelTopology as TF.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature as object,
    userDefinedMetadata: json.userDefinedMetadata as Record<string, object>,
  };
}

function tensorType(dtype: string | undefined): TensorType {
  switch (dtype) {
    case 'int32':
    case 'bool':
    case 'string':
    case 'float32':
      return dtype;
    default:
      return 'float32';
  }
}

interface SignatureEntry {
  name?: string;
  dtype?: string;
  tensorShape?: { dim?: { size?: string }[]; unknownRank?: boolean };
}

const DTYPES: Record<string, TensorType> = {
  DT_FLOAT: 'float32',
  DT_INT32: 'int32',
  DT_BOOL: 'bool',
  DT_STRING: 'string',
};

/**
 * Name, type and dims of a graph input/output. TF.js fills output shapes only for some models,
 * so dims come from the model.json `signature` when it lists the tensor (`name` or `name:0`).
 */
function tensorInfo(t: TF.ModelTensorInfo, listed: Record<string, SignatureEntry> | undefined): TensorInfo {
  const entry = Object.values(listed ?? {}).find((e) => e.name === t.name || e.name === `${t.name}:0`);
  const shape = entry?.tensorShape?.dim ? entry.tensorShape.dim.map((d) => Number(d.size ?? -1)) : (t.shape ?? []);
  return {
    name: t.name,
    type: entry?.dtype ? (DTYPES[entry.dtype] ?? tensorType(t.dtype)) : tensorType(t.dtype),
    dims: shape.map((d) => (d === undefined || d === null || d < 0 ? null : d)),
  };
}

function metadataOf(json: ModelJson): Record<string, string> {
  const out: Record<string, string> = {};
  if (json.generatedBy) out.generatedBy = json.generatedBy;
  if (json.convertedBy) out.convertedBy = json.convertedBy;
  for (const [k, v] of Object.entries(json.userDefinedMetadata ?? {})) {
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** TF.js has no int64/float64 kernels: such feeds are narrowed to int32/float32. */
function toTf(tf: Tfjs, t: Tensor): TF.Tensor {
  if (t.type === 'int64' && t.data instanceof BigInt64Array) {
    return tf.tensor(
      Int32Array.from(t.data, (v) => Number(v)),
      t.dims,
      'int32',
    );
  }
  if (t.type === 'float64') return tf.tensor(Float32Array.from(t.data as Float64Array), t.dims, 'float32');
  if (t.type === 'int32' || t.type === 'int64') return tf.tensor(t.data as Int32Array, t.dims, 'int32');
  if (t.type === 'bool') return tf.tensor(t.data as Uint8Array, t.dims, 'bool');
  return tf.tensor(t.data as Float32Array, t.dims, 'float32');
}

/** Loads the graph model into `tf` (its backend already chosen) and wraps it as a session. */
export async function createTfjsGraphSession(
  tf: Tfjs,
  json: ModelJson,
  shards: Uint8Array[],
  file: string,
): Promise<InferenceSession> {
  let model: TF.GraphModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory(modelArtifacts(json, shards)));
  } catch (e) {
    throw new DetkitError(`TF.js could not load the graph model: ${(e as Error).message}`, { file });
  }
  const listed = json.signature as
    | { inputs?: Record<string, SignatureEntry>; outputs?: Record<string, SignatureEntry> }
    | undefined;
  const signature: ModelSignature = {
    inputs: model.inputs.map((t) => tensorInfo(t, listed?.inputs)),
    outputs: model.outputs.map((t) => tensorInfo(t, listed?.outputs)),
    metadata: metadataOf(json),
    format: 'tfjs',
  };
  const allOutputs = signature.outputs.map((o) => o.name);
  return {
    signature,
    async run(feeds, outputNames = allOutputs) {
      const outputs = tf.tidy(() => {
        const inputs: Record<string, TF.Tensor> = {};
        for (const [name, t] of Object.entries(feeds)) inputs[name] = toTf(tf, t);
        const result = model.execute(inputs, outputNames);
        return Array.isArray(result) ? result : [result];
      });
      try {
        const data = await Promise.all(outputs.map((t) => t.data()));
        const out: Record<string, Tensor> = {};
        outputNames.forEach((name, i) => {
          const t = outputs[i]!;
          out[name] = { type: tensorType(t.dtype), dims: t.shape.slice(), data: data[i] as Tensor['data'] };
        });
        return out;
      } finally {
        tf.dispose(outputs);
      }
    },
    async dispose() {
      model.dispose();
    },
  };
}
