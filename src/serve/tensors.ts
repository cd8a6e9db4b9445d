/**
 * Tensors as the Open Inference Protocol writes them: datatype names (FP32, INT64, BYTES…),
 * nested or flat JSON data, and the binary extension's little-endian layout (BYTES elements as a
 * 4-byte length then the bytes).
 */
import type { Tensor, TensorType } from '../runtime/tensor.js';
import { fromBase64, HttpError } from './limits.js';

export type Datatype = 'BOOL' | 'UINT8' | 'INT8' | 'INT32' | 'INT64' | 'FP32' | 'FP64' | 'BYTES';

const TO_DATATYPE: Record<TensorType, Datatype> = {
  float32: 'FP32',
  float64: 'FP64',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  int8: 'INT8',
  bool: 'BOOL',
  string: 'BYTES',
};

export const datatypeOf = (type: TensorType): Datatype => TO_DATATYPE[type];

const ARRAYS = {
  FP32: Float32Array,
  FP64: Float64Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  UINT8: Uint8Array,
  INT8: Int8Array,
  BOOL: Uint8Array,
} as const;

const TO_TYPE: Record<Exclude<Datatype, 'BYTES'>, TensorType> = {
  FP32: 'float32',
  FP64: 'float64',
  INT32: 'int32',
  INT64: 'int64',
  UINT8: 'uint8',
  INT8: 'int8',
  BOOL: 'bool',
};

/** A request input, decoded: numeric tensors as typed arrays, BYTES as one byte string per element. */
export type DecodedInput =
  | { name: string; datatype: 'BYTES'; shape: number[]; elements: Uint8Array[] }
  | { name: string; datatype: Exclude<Datatype, 'BYTES'>; shape: number[]; tensor: Tensor };

export interface RequestInput {
  name?: unknown;
  shape?: unknown;
  datatype?: unknown;
  parameters?: Record<string, unknown>;
  data?: unknown;
}

const count = (shape: number[]) => shape.reduce((n, d) => n * d, 1);

function flatten(data: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(data)) for (const x of data) flatten(x, out);
  else out.push(data);
  return out;
}

/** Leaves of nested JSON data, and whether they are all numbers or booleans (no copy made). */
function countValues(data: unknown, into = { count: 0, numeric: true }): { count: number; numeric: boolean } {
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const x = data[i];
      if (Array.isArray(x)) countValues(x, into);
      else {
        into.count++;
        if (typeof x !== 'number' && typeof x !== 'boolean') into.numeric = false;
      }
    }
  } else {
    into.count++;
    if (typeof data !== 'number' && typeof data !== 'boolean') into.numeric = false;
  }
  return into;
}

/** Writes nested JSON numbers straight into a typed array (INT64: truncated, as BigInt). */
function fillValues(data: unknown, out: Tensor['data'], at: number): number {
  const items = Array.isArray(data) ? data : [data];
  const big = out instanceof BigInt64Array;
  const numbers = out as Float64Array;
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (Array.isArray(x)) at = fillValues(x, out, at);
    else if (big) (out as BigInt64Array)[at++] = BigInt(Math.trunc(Number(x)));
    else numbers[at++] = Number(x);
  }
  return at;
}

/** BYTES in JSON are strings; an image travels base64-encoded (`parameters.content_type: "base64"`, a `{"b64": ...}` element, or any string that is base64). */
function bytesElement(x: unknown, where: string): Uint8Array {
  if (x && typeof x === 'object' && 'b64' in x) return fromBase64((x as { b64: unknown }).b64, where);
  if (typeof x !== 'string') throw new HttpError(400, `${where}: BYTES elements must be strings`);
  return fromBase64(x, where);
}

function splitBytes(buf: Uint8Array, where: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  while (at < buf.length) {
    if (at + 4 > buf.length) throw new HttpError(400, `${where}: truncated BYTES length prefix`);
    const n = view.getUint32(at, true);
    if (at + 4 + n > buf.length) throw new HttpError(400, `${where}: BYTES element of ${n} bytes overruns the data`);
    out.push(buf.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

/**
 * Decodes `inputs`; `binary` is the body after the JSON header (binary extension), consumed in
 * input order by each input's `parameters.binary_data_size`.
 */
export function decodeInputs(inputs: unknown, binary: Uint8Array | undefined): DecodedInput[] {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new HttpError(400, '"inputs" must be a non-empty list');
  let offset = 0;
  return inputs.map((raw: RequestInput, i) => {
    const where = `inputs[${i}]`;
    if (!raw || typeof raw !== 'object') throw new HttpError(400, `${where} must be an object`);
    const { name, shape, datatype } = raw;
    if (typeof name !== 'string') throw new HttpError(400, `${where}.name must be a string`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new HttpError(400, `${where}.shape must be a list of non-negative integers`);
    }
    if (typeof datatype !== 'string' || !(datatype === 'BYTES' || datatype in ARRAYS)) {
      throw new HttpError(
        400,
        `${where}.datatype "${String(datatype)}" is not one of BOOL, UINT8, INT8, INT32, INT64, FP32, FP64, BYTES`,
      );
    }
    const n = count(shape);
    const size = raw.parameters?.binary_data_size;
    let bytes: Uint8Array | undefined;
    if (size !== undefined) {
      if (!binary)
        throw new HttpError(
          400,
          `${where} has binary_data_size but the request has no Inference-Header-Content-Length`,
        );
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || offset + size > binary.length) {
        throw new HttpError(400, `${where}.parameters.binary_data_size ${String(size)} overruns the binary data`);
      }
      bytes = binary.subarray(offset, offset + size);
      offset += size;
    }
    if (datatype === 'BYTES') {
      const elements = bytes ? splitBytes(bytes, where) : flatten(raw.data).map((x) => bytesElement(x, where));
      if (elements.length !== n)
        throw new HttpError(400, `${where}: shape [${shape}] needs ${n} elements, got ${elements.length}`);
      return { name, datatype, shape, elements };
    }
    const dt = datatype as Exclude<Datatype, 'BYTES'>;
    const Array_ = ARRAYS[dt];
    let data: Tensor['data'];
    if (bytes) {
      if (bytes.length !== n * Array_.BYTES_PER_ELEMENT) {
        throw new HttpError(
          400,
          `${where}: shape [${shape}] of ${dt} needs ${n * Array_.BYTES_PER_ELEMENT} bytes, got ${bytes.length}`,
        );
      }
      data = new Array_(bytes.slice().buffer);
    } else {
      const found = countValues(raw.data);
      if (found.count !== n)
        throw new HttpError(400, `${where}: shape [${shape}] needs ${n} values, got ${found.count}`);
      if (!found.numeric) throw new HttpError(400, `${where}.data must hold numbers`);
      data = new Array_(n);
      fillValues(raw.data, data, 0);
    }
    return { name, datatype: dt, shape, tensor: { type: TO_TYPE[dt], dims: shape, data } };
  });
}

export interface ResponseOutput {
  name: string;
  datatype: Datatype;
  shape: number[];
  /** Numbers for numeric tensors, strings for BYTES. */
  values: ArrayLike<number> | BigInt64Array | string[];
}

/** JSON data for an output (INT64 as numbers: JSON has no 64-bit integers). */
export function jsonData(o: ResponseOutput): unknown[] {
  if (o.values instanceof BigInt64Array) return Array.from(o.values, Number);
  return Array.from(o.values as ArrayLike<number | string>);
}

/** The binary extension's bytes for an output. */
export function binaryData(o: ResponseOutput): Uint8Array {
  if (o.datatype === 'BYTES') {
    const parts = (o.values as string[]).map((s) => Buffer.from(s, 'utf8'));
    const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.writeUInt32LE(p.length, at);
      p.copy(out, at + 4);
      at += 4 + p.length;
    }
    return out;
  }
  const Array_ = ARRAYS[o.datatype];
  const typed =
    o.values instanceof Array_ ? o.values : (Array_ as typeof Float64Array).from(o.values as ArrayLike<number>);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}
