/**
 * TensorFlow Serving's REST API (and Vertex AI's `instances` payloads): model status, metadata
 * and `:predict`. Images travel base64-encoded as `{"b64": "..."}` (TF Serving's binary
 * convention), alone or under a key (`image_bytes`, `image`, `bytes_inputs`), or as Vertex's
 * `{"content": "<base64>"}`. Each image's result is the TF Object Detection API's signature:
 *   detection_boxes   [N][4] [ymin, xmin, ymax, xmax], normalised to 0..1
 *   detection_scores  [N]
 *   detection_classes [N] the dataset's category id when the model knows it (COCO: 1..90), else the class index
 *   detection_class_labels [N] class names
 *   num_detections    N
 * `instances` (row format) answer `predictions` (one object an image); `inputs` (columnar)
 * answer `outputs` (one list an output name, across images). `parameters` take `threshold` /
 * `confidenceThreshold` and `max_detections` / `maxPredictions`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkName, fromBase64, HttpError, numberParam } from './limits.js';
import { detectImages, type ImageDetections } from './pipeline.js';
import type { ServeContext } from './server.js';

const IMAGE_KEYS = ['image_bytes', 'image', 'bytes_inputs', 'b64', 'content', 'images'];

function imageFrom(value: unknown, where: string): Uint8Array {
  if (typeof value === 'string') return fromBase64(value, where);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if ('b64' in o) return fromBase64(o.b64, `${where}.b64`);
    for (const key of IMAGE_KEYS) if (key in o) return imageFrom(o[key], `${where}.${key}`);
  }
  if (Array.isArray(value) && value.length === 1) return imageFrom(value[0], `${where}[0]`);
  throw new HttpError(
    400,
    `${where}: expected an image as {"b64": "<base64>"} (or under "${IMAGE_KEYS.join('", "')}")`,
  );
}

/** Columnar `inputs`: one image, a list of images, or `{<name>: image | [images]}`. */
function columnarImages(inputs: unknown): Uint8Array[] {
  if (Array.isArray(inputs)) return inputs.map((x, i) => imageFrom(x, `inputs[${i}]`));
  if (inputs && typeof inputs === 'object' && !('b64' in inputs)) {
    const entries = Object.entries(inputs as Record<string, unknown>);
    if (entries.length !== 1) throw new HttpError(400, `"inputs" must name one image input, got ${entries.length}`);
    const [name, value] = entries[0]!;
    return Array.isArray(value)
      ? value.map((x, i) => imageFrom(x, `inputs.${name}[${i}]`))
      : [imageFrom(value, `inputs.${name}`)];
  }
  return [imageFrom(inputs, 'inputs')];
}

function prediction(r: ImageDetections) {
  const d = r.detections;
  const { width, height } = r.image;
  const names = d.labels ?? r.labels;
  const boxes: number[][] = [];
  const classes: number[] = [];
  const labels: string[] = [];
  for (let i = 0; i < d.length; i++) {
    const [x1, y1, x2, y2] = d.boxes.subarray(i * 4, i * 4 + 4) as unknown as number[];
    boxes.push([y1! / height, x1! / width, y2! / height, x2! / width].map((x) => Math.round(x * 1e6) / 1e6));
    const c = d.classIds[i]!;
    classes.push(r.categoryIds?.[c] ?? c);
    labels.push(names?.[c] ?? String(c));
  }
  return {
    detection_boxes: boxes,
    detection_scores: Array.from(d.scores.subarray(0, d.length), (s) => Math.round(s * 1e5) / 1e5),
    detection_classes: classes,
    detection_class_labels: labels,
    num_detections: d.length,
  };
}

type Params = { model: string; version?: string };

/** `name:predict` → [name, 'predict']; the verb is part of the last path segment in TF Serving's URLs. */
function splitVerb(segment: string): [string, string | undefined] {
  const at = segment.lastIndexOf(':');
  return at < 0 ? [segment, undefined] : [segment.slice(0, at), segment.slice(at + 1)];
}

export function registerTfServingRoutes(app: FastifyInstance, ctx: ServeContext): void {
  const status = (request: FastifyRequest<{ Params: Params }>) => {
    const model = checkName(request.params.model, 'model');
    const version = request.params.version === undefined ? undefined : checkName(request.params.version, 'version');
    const entry = ctx.repository.entries.get(model);
    if (!entry) throw new HttpError(404, `Servable not found for request: Latest(${model})`);
    const rows = [
      ...[...entry.versions.keys()].map((v) => ({
        version: v,
        state: 'AVAILABLE',
        status: { error_code: 'OK', error_message: '' },
      })),
      ...[...entry.failures].map(([v, f]) => ({
        version: v || '0',
        state: 'END',
        status: { error_code: 'UNKNOWN', error_message: f.error },
      })),
    ].filter((r) => version === undefined || r.version === version);
    if (rows.length === 0) throw new HttpError(404, `Servable not found for request: Specific(${model}, ${version})`);
    return { model_version_status: rows.sort((a, b) => Number(b.version) - Number(a.version)) };
  };
  const metadata = (request: FastifyRequest<{ Params: Params }>) => {
    const model = checkName(request.params.model, 'model');
    const version = request.params.version === undefined ? undefined : checkName(request.params.version, 'version');
    const v = ctx.repository.acquire(model, version);
    ctx.repository.release(v);
    const tensor = (name: string, dtype: string, dims: number[]) => ({
      name,
      dtype,
      tensor_shape: { dim: dims.map((size) => ({ size: String(size), name: '' })), unknown_rank: false },
    });
    return {
      model_spec: { name: v.model, signature_name: '', version: v.version },
      metadata: {
        signature_def: {
          signature_def: {
            serving_default: {
              inputs: { image_bytes: tensor('image_bytes', 'DT_STRING', [-1]) },
              outputs: {
                detection_boxes: tensor('detection_boxes', 'DT_FLOAT', [-1, -1, 4]),
                detection_scores: tensor('detection_scores', 'DT_FLOAT', [-1, -1]),
                detection_classes: tensor('detection_classes', 'DT_FLOAT', [-1, -1]),
                detection_class_labels: tensor('detection_class_labels', 'DT_STRING', [-1, -1]),
                num_detections: tensor('num_detections', 'DT_FLOAT', [-1]),
              },
              method_name: 'tensorflow/serving/predict',
            },
          },
        },
      },
    };
  };
  const predict = async (model: string, version: string | undefined, body: unknown) => {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new HttpError(400, 'the request body must be a JSON object');
    const b = body as Record<string, unknown>;
    const params = (b.parameters ?? {}) as Record<string, unknown>;
    const options = {
      scoreThreshold: numberParam(
        params.threshold ?? params.confidenceThreshold ?? params.score_threshold,
        'parameters.threshold',
        0,
        1,
      ),
      maxDetections: numberParam(
        params.max_detections ?? params.maxPredictions,
        'parameters.max_detections',
        0,
        100000,
      ),
    };
    if ('instances' in b === 'inputs' in b)
      throw new HttpError(400, 'send either "instances" (row format) or "inputs" (columnar format)');
    const row = 'instances' in b;
    let images: Uint8Array[];
    if (row) {
      if (!Array.isArray(b.instances) || b.instances.length === 0)
        throw new HttpError(400, '"instances" must be a non-empty list');
      images = b.instances.map((x, i) => imageFrom(x, `instances[${i}]`));
    } else {
      images = columnarImages(b.inputs);
    }
    const results = await detectImages(
      ctx.repository,
      model,
      version,
      images.map((bytes) => ({ bytes, ...options })),
      ctx.limits,
    );
    const predictions = results.map(prediction);
    if (row) return { predictions };
    const keys = Object.keys(predictions[0]!) as (keyof ReturnType<typeof prediction>)[];
    return { outputs: Object.fromEntries(keys.map((k) => [k, predictions.map((p) => p[k])])) };
  };
  const post = async (request: FastifyRequest<{ Params: Params }>) => {
    const last = request.params.version ?? request.params.model;
    const [name, verb] = splitVerb(last);
    if (verb !== 'predict')
      throw new HttpError(404, `unknown verb "${verb ?? ''}": TF Serving's REST API serves :predict`);
    const model = checkName(request.params.version === undefined ? name : request.params.model, 'model');
    const version = request.params.version === undefined ? undefined : checkName(name, 'version');
    return predict(model, version, request.body);
  };
  app.get('/v1/models/:model', status);
  app.get('/v1/models/:model/versions/:version', status);
  app.get('/v1/models/:model/metadata', metadata);
  app.get('/v1/models/:model/versions/:version/metadata', metadata);
  app.post('/v1/models/:model', post);
  app.post('/v1/models/:model/versions/:version', post);
}
