/**
 * detkit's own REST API: `POST /v1/detect[/{model}]` with an image (raw bytes or a multipart
 * field `image`) → boxes in original pixels; `GET /v1/models` lists what is served.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkName, HttpError, IMAGE_CONTENT_TYPES, numberParam } from './limits.js';
import { detectImages, detectionRows } from './pipeline.js';
import type { ServeContext } from './server.js';

async function imageBytes(request: FastifyRequest): Promise<Uint8Array> {
  if (request.isMultipart()) {
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'image') {
          const bytes = await part.toBuffer();
          return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        }
        if (part.type === 'file') await part.toBuffer();
      }
    } catch (e) {
      // A body cut short or malformed is the client's fault; limits keep their own status (413).
      const status = (e as { statusCode?: number }).statusCode;
      if (e instanceof HttpError || (status !== undefined && status < 500)) throw e;
      throw new HttpError(400, `malformed multipart body: ${(e as Error).message}`);
    }
    throw new HttpError(400, 'multipart upload has no file field "image"');
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!IMAGE_CONTENT_TYPES.includes(type) || !(request.body instanceof Buffer)) {
    throw new HttpError(
      415,
      `send the image as raw bytes (Content-Type ${IMAGE_CONTENT_TYPES.join(', ')}) or multipart/form-data with a field "image"`,
    );
  }
  const body = request.body;
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

export function modelSummaries(ctx: ServeContext) {
  const models = [];
  for (const entry of [...ctx.repository.entries.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const versions = [...entry.versions.values()].sort((a, b) => Number(a.version) - Number(b.version));
    const newest = versions.at(-1);
    const errors = [...entry.failures.values()].map((f) => f.error);
    models.push({
      name: entry.name,
      versions: versions.map((v) => v.version),
      ready: versions.length > 0,
      family: newest?.detector.family.name ?? entry.config.family ?? null,
      platform: newest?.platform ?? null,
      ...(newest?.detector.labels ? { labels: newest.detector.labels } : {}),
      ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    });
  }
  return models;
}

export function registerDetectRoutes(app: FastifyInstance, ctx: ServeContext): void {
  const detect = async (
    request: FastifyRequest<{ Params: { model?: string }; Querystring: Record<string, string> }>,
  ) => {
    const model = request.params.model === undefined ? ctx.defaultModel() : checkName(request.params.model, 'model');
    if (model === undefined) throw new HttpError(404, 'no default model: name one in the path, /v1/detect/{model}');
    const bytes = await imageBytes(request);
    const q = request.query;
    const [result] = await detectImages(
      ctx.repository,
      model,
      q.version === undefined ? undefined : checkName(q.version, 'version'),
      [
        {
          bytes,
          scoreThreshold: numberParam(q.threshold, 'threshold', 0, 1),
          maxDetections: numberParam(q.max_detections, 'max_detections', 0, 100000),
        },
      ],
      ctx.limits,
    );
    const r = result!;
    return {
      model: r.model,
      version: r.version,
      image: r.image,
      detections: detectionRows(r.detections, r.labels),
      timings: r.timings,
    };
  };
  app.post('/v1/detect', detect);
  app.post('/v1/detect/:model', detect);
  app.get('/v1/models', async () => ({ models: modelSummaries(ctx), default: ctx.defaultModel() ?? null }));
}
