/**
 * KServe v2 / Open Inference Protocol over REST (as Triton serves it), with the binary tensor
 * data extension. A model takes either
 * - an encoded image as a BYTES input with one element (in JSON: a base64 string or `{"b64": …}`;
 *   binary: the raw file bytes) → outputs `boxes` [N,4] FP32 (xyxy, original pixels), `scores`
 *   [N] FP32, `class_ids` [N] INT32, `labels` [N] BYTES; request `parameters.threshold` and
 *   `parameters.max_detections` apply; or
 * - tensors matching the model's own inputs (name, datatype, shape) → the model's raw outputs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Tensor } from '../runtime/tensor.js';
import { checkName, HttpError, numberParam } from './limits.js';
import { detectWith } from './pipeline.js';
import type { ModelVersion } from './repository.js';
import type { ServeContext } from './server.js';
import {
  binaryData,
  type Datatype,
  type DecodedInput,
  datatypeOf,
  decodeInputs,
  jsonData,
  type ResponseOutput,
} from './tensors.js';

type Params = { model: string; version?: string };

const DETECTION_OUTPUTS = [
  { name: 'boxes', datatype: 'FP32', shape: [-1, 4] },
  { name: 'scores', datatype: 'FP32', shape: [-1] },
  { name: 'class_ids', datatype: 'INT32', shape: [-1] },
  { name: 'labels', datatype: 'BYTES', shape: [-1] },
];

const PLATFORMS = { onnx: 'onnxruntime_onnx', tfjs: 'tensorflow_js_graph' };

export function modelMetadata(v: ModelVersion, versions: string[]) {
  const dims = (d: (number | null)[]) => d.map((x) => x ?? -1);
  return {
    name: v.model,
    versions,
    platform: PLATFORMS[v.platform],
    inputs: [
      { name: 'image', datatype: 'BYTES', shape: [1] },
      ...v.session.signature.inputs.map((t) => ({ name: t.name, datatype: datatypeOf(t.type), shape: dims(t.dims) })),
    ],
    outputs: [
      ...DETECTION_OUTPUTS,
      ...v.session.signature.outputs.map((t) => ({ name: t.name, datatype: datatypeOf(t.type), shape: dims(t.dims) })),
    ],
  };
}

/** The JSON header and the binary tail of an infer request body. */
function splitBody(request: FastifyRequest): { header: Record<string, unknown>; binary?: Uint8Array } {
  const headerLength = request.headers['inference-header-content-length'];
  const body = request.body;
  if (headerLength === undefined) {
    if (!body || typeof body !== 'object' || body instanceof Buffer) {
      throw new HttpError(
        400,
        'the infer request must be a JSON object (or JSON + binary with Inference-Header-Content-Length)',
      );
    }
    return { header: body as Record<string, unknown> };
  }
  const n = Number(headerLength);
  if (!(body instanceof Buffer) || !Number.isInteger(n) || n < 0 || n > body.length) {
    throw new HttpError(
      400,
      `Inference-Header-Content-Length ${String(headerLength)} does not fit the ${body instanceof Buffer ? body.length : 0}-byte body`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(0, n).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `the JSON header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object') throw new HttpError(400, 'the JSON header must be an object');
  return {
    header: header as Record<string, unknown>,
    binary: new Uint8Array(body.buffer, body.byteOffset + n, body.length - n),
  };
}

async function detectOutputs(
  v: ModelVersion,
  input: DecodedInput & { datatype: 'BYTES' },
  params: Record<string, unknown>,
  ctx: ServeContext,
): Promise<ResponseOutput[]> {
  if (input.elements.length !== 1) {
    throw new HttpError(
      400,
      `input "${input.name}" holds ${input.elements.length} images; send one image a request (the server batches requests)`,
    );
  }
  const [r] = await detectWith(
    v,
    [
      {
        bytes: input.elements[0]!,
        scoreThreshold: numberParam(params.threshold ?? params.score_threshold, 'parameters.threshold', 0, 1),
        maxDetections: numberParam(params.max_detections, 'parameters.max_detections', 0, 100000),
      },
    ],
    ctx.limits,
  );
  const d = r!.detections;
  const names = d.labels ?? r!.labels;
  return [
    {
      name: 'boxes',
      datatype: 'FP32',
      shape: [d.length, 4],
      values: Float32Array.from(d.boxes.subarray(0, d.length * 4)),
    },
    { name: 'scores', datatype: 'FP32', shape: [d.length], values: d.scores.subarray(0, d.length) },
    { name: 'class_ids', datatype: 'INT32', shape: [d.length], values: d.classIds.subarray(0, d.length) },
    {
      name: 'labels',
      datatype: 'BYTES',
      shape: [d.length],
      values: Array.from(d.classIds.subarray(0, d.length), (c) => names?.[c] ?? String(c)),
    },
  ];
}

async function rawOutputs(v: ModelVersion, inputs: DecodedInput[], ctx: ServeContext): Promise<ResponseOutput[]> {
  const { signature } = v.session;
  const feeds: Record<string, Tensor> = {};
  for (const input of inputs) {
    if (input.datatype === 'BYTES') throw new HttpError(400, `input "${input.name}": BYTES is for encoded images only`);
    const target =
      signature.inputs.find((t) => t.name === input.name) ??
      (signature.inputs.length === 1 && inputs.length === 1 ? signature.inputs[0] : undefined);
    if (!target)
      throw new HttpError(
        400,
        `model "${v.model}" has no input "${input.name}" (inputs: ${signature.inputs.map((t) => t.name).join(', ')}, or an encoded image as BYTES)`,
      );
    if (target.type !== input.tensor.type)
      throw new HttpError(400, `input "${input.name}" must be ${datatypeOf(target.type)}, got ${input.datatype}`);
    feeds[target.name] = input.tensor;
  }
  const { checkFeeds } = await import('../runtime/tensor.js');
  const problem = checkFeeds(signature, feeds);
  if (problem) throw new HttpError(400, problem);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HttpError(504, `model "${v.model}" did not answer within ${ctx.limits.timeoutMs} ms`)),
      ctx.limits.timeoutMs,
    );
  });
  try {
    const outputs = await Promise.race([v.session.run(feeds), timeout]);
    return Object.entries(outputs).map(([name, t]) => ({
      name,
      datatype: datatypeOf(t.type),
      shape: t.dims,
      values: t.data as ResponseOutput['values'],
    }));
  } finally {
    clearTimeout(timer);
  }
}

async function infer(ctx: ServeContext, request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
  const model = checkName(request.params.model, 'model');
  const version = request.params.version === undefined ? undefined : checkName(request.params.version, 'version');
  const { header, binary } = splitBody(request);
  const inputs = decodeInputs(header.inputs, binary);
  const params = (header.parameters ?? {}) as Record<string, unknown>;
  const v = ctx.repository.acquire(model, version);
  let outputs: ResponseOutput[];
  try {
    const image = inputs.find((i) => i.datatype === 'BYTES');
    outputs = image
      ? await detectOutputs(v, image as DecodedInput & { datatype: 'BYTES' }, params, ctx)
      : await rawOutputs(v, inputs, ctx);
  } finally {
    ctx.repository.release(v);
  }
  const requested = header.outputs as { name?: unknown; parameters?: Record<string, unknown> }[] | undefined;
  const allBinary = params.binary_data_output === true;
  let chosen = outputs.map((o) => ({ o, binary: allBinary }));
  if (Array.isArray(requested) && requested.length > 0) {
    chosen = requested.map((r, i) => {
      const o = outputs.find((x) => x.name === r?.name);
      if (!o)
        throw new HttpError(
          400,
          `outputs[${i}]: no output named "${String(r?.name)}" (outputs: ${outputs.map((x) => x.name).join(', ')})`,
        );
      return { o, binary: r.parameters?.binary_data === true || (allBinary && r.parameters?.binary_data !== false) };
    });
  }
  const tails: Uint8Array[] = [];
  const described = chosen.map(({ o, binary: asBinary }) => {
    const base = { name: o.name, datatype: o.datatype as Datatype, shape: o.shape };
    if (!asBinary) return { ...base, data: jsonData(o) };
    const bytes = binaryData(o);
    tails.push(bytes);
    return { ...base, parameters: { binary_data_size: bytes.length } };
  });
  const response = {
    model_name: v.model,
    model_version: v.version,
    ...(typeof header.id === 'string' ? { id: header.id } : {}),
    outputs: described,
  };
  if (tails.length === 0) return response;
  const json = Buffer.from(JSON.stringify(response));
  reply.header('inference-header-content-length', String(json.length)).type('application/octet-stream');
  return reply.send(Buffer.concat([json, ...tails]));
}

export function registerKserveRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/v2', async () => ({ name: 'detkit', version: ctx.version, extensions: ['binary_tensor_data'] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    const ready = ctx.ready();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  const find = (params: Params) => {
    const model = checkName(params.model, 'model');
    const version = params.version === undefined ? undefined : checkName(params.version, 'version');
    return { model, version };
  };
  const metadata = async (request: FastifyRequest<{ Params: Params }>) => {
    const { model, version } = find(request.params);
    const v = ctx.repository.acquire(model, version);
    ctx.repository.release(v);
    const versions = [...ctx.repository.entries.get(model)!.versions.keys()];
    return modelMetadata(v, version ? [version] : versions);
  };
  const ready = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { model, version } = find(request.params);
    const entry = ctx.repository.entries.get(model);
    if (!entry) throw new HttpError(404, `no model named "${model}"`);
    const isReady = version === undefined ? entry.versions.size > 0 : entry.versions.has(version);
    return reply.code(isReady ? 200 : 400).send({ name: model, ...(version ? { version } : {}), ready: isReady });
  };
  const handle = (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => infer(ctx, request, reply);
  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get(prefix, metadata);
    app.get(`${prefix}/ready`, ready);
    app.post(`${prefix}/infer`, handle);
  }
}
