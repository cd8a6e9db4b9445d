/**
 * Writes small ONNX models (protobuf, via protobufjs and the subset of onnx.proto in
 * scripts/onnx-subset.proto) whose outputs are known constants: the families' test fixtures.
 * Node-only (reads the .proto file); used by scripts/make-onnx-fixtures.ts and the tests.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';

export const ElemType = { float32: 1, uint8: 2, int32: 6, int64: 7 } as const;
export type ElemTypeName = keyof typeof ElemType;
export type Dim = number | string;

let root: protobuf.Root | undefined;
export function onnxProto(): protobuf.Root {
  root ??= protobuf.loadSync(join(process.cwd(), 'scripts', 'onnx-subset.proto'));
  return root;
}

type Attribute = { name: string; type: number; i?: number; f?: number; ints?: number[]; t?: object; s?: Uint8Array };

export const attr = {
  int: (name: string, i: number): Attribute => ({ name, type: 2, i }),
  float: (name: string, f: number): Attribute => ({ name, type: 1, f }),
  ints: (name: string, ints: number[]): Attribute => ({ name, type: 7, ints }),
  tensor: (name: string, t: object): Attribute => ({ name, type: 4, t }),
};

function tensorProto(name: string, type: ElemTypeName, dims: number[], values: ArrayLike<number>): object {
  let raw: Uint8Array;
  if (type === 'float32') raw = new Uint8Array(Float32Array.from(values).buffer);
  else if (type === 'int64') raw = new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
  else if (type === 'int32') raw = new Uint8Array(Int32Array.from(values).buffer);
  else raw = Uint8Array.from(values);
  return { name, dims, dataType: ElemType[type], rawData: raw };
}

function valueInfo(name: string, type: ElemTypeName, dims: Dim[]): object {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ElemType[type], shape: { dim } } } };
}

export class OnnxGraph {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private counter = 0;

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, type: ElemTypeName, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  constant(values: ArrayLike<number>, dims: number[], type: ElemTypeName = 'float32'): string {
    const name = this.fresh('const');
    this.initializers.push(tensorProto(name, type, dims, values));
    return name;
  }

  op(opType: string, inputs: string[], attributes: Attribute[] = [], output = this.fresh(opType)): string {
    this.nodes.push({ opType, input: inputs, output: [output], name: output, attribute: attributes });
    return output;
  }

  /** A scalar 0 computed from the input, so every output depends on the input as a real model's does. */
  zeroFrom(input: string, type: ElemTypeName = 'float32'): string {
    const asFloat = this.op('Cast', [input], [attr.int('to', ElemType.float32)]);
    const mean = this.op('ReduceMean', [asFloat], [attr.int('keepdims', 0)]);
    const zero = this.op('Mul', [mean, this.constant([0], [])]);
    return type === 'float32' ? zero : this.op('Cast', [zero], [attr.int('to', ElemType[type])]);
  }

  /**
   * A [..., rows, width] tensor filled with `fill` except the listed rows (addressed by their
   * leading indices): ConstantOfShape + ScatterND, so a [1, 25200, 85] output costs a few bytes.
   */
  sparseRows(dims: number[], rows: { at: number[]; values: number[] }[], fill = 0): string {
    const width = dims[dims.length - 1]!;
    const shape = this.constant(dims, [dims.length], 'int64');
    const filled = this.op('ConstantOfShape', [shape], [attr.tensor('value', tensorProto('', 'float32', [1], [fill]))]);
    if (rows.length === 0) return filled;
    const depth = rows[0]!.at.length;
    const indices = this.constant(
      rows.flatMap((r) => r.at),
      [rows.length, depth],
      'int64',
    );
    const updates = this.constant(
      rows.flatMap((r) => {
        if (r.values.length !== width) throw new Error(`row of ${r.values.length} values, expected ${width}`);
        return r.values;
      }),
      [rows.length, width],
    );
    return this.op('ScatterND', [filled, indices, updates]);
  }

  output(name: string, type: ElemTypeName, dims: Dim[], from: string): void {
    this.op('Identity', [from], [], name);
    this.outputs.push(valueInfo(name, type, dims));
  }

  encode(metadata: Record<string, string> = {}, graphName = 'fixture'): Uint8Array {
    const Model = onnxProto().lookupType('onnx.ModelProto');
    const model = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'detkit-fixtures',
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    };
    const err = Model.verify(model);
    if (err) throw new Error(err);
    return Model.encode(Model.fromObject(model)).finish();
  }
}

/** metadata_props of an ONNX model file (onnxruntime does not expose them). */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const Model = onnxProto().lookupType('onnx.ModelProto');
  const model = Model.toObject(Model.decode(bytes)) as { metadataProps?: { key: string; value: string }[] };
  return Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value]));
}
