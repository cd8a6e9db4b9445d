import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';

interface ServeCliOptions {
  model?: string;
  repository?: string;
  name?: string;
  defaultModel?: string;
  port: string;
  host: string;
  apiKey?: string;
  cors?: string;
  maxBatch: string;
  maxQueueDelayUs: string;
  maxQueue: string;
  timeoutMs: string;
  maxBodyMb: string;
  maxPixels: string;
  threads?: string;
  logFile?: string;
  rescanMs: string;
}

const int = (value: string | undefined, name: string, min = 0): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
};

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve detection models over HTTP: detkit REST, KServe v2, TF Serving REST, metrics, web page')
    .option('--model <file>', 'one model file (.onnx or TF.js model.json), served as version 1')
    .option(
      '--repository <dir>',
      'a model repository: <dir>/<model>/<version>/model.onnx|model.json [+ <model>/config.yaml]',
    )
    .option('--name <name>', 'the name of the --model model (default: its file name)')
    .option('--default-model <name>', 'model of POST /v1/detect (default: the only or first model)')
    .option('--port <n>', 'port (0 = any free port)', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--api-key <key>', 'require this key (Authorization: Bearer or X-API-Key); also env DETKIT_API_KEY')
    .option('--cors <origins>', 'allowed CORS origins, comma-separated, or *')
    .option('--max-batch <n>', 'largest dynamic batch', '8')
    .option('--max-queue-delay-us <n>', 'how long a request waits for a batch to fill, µs', '2000')
    .option('--max-queue <n>', 'requests queued a model before answering 429', '64')
    .option('--timeout-ms <n>', 'per-request deadline (504 after it)', '10000')
    .option('--max-body-mb <n>', 'largest request body, MB (413 above)', '20')
    .option('--max-pixels <n>', 'largest image, width × height (413 above)', '40000000')
    .option('--threads <n>', 'inference threads (ONNX Runtime)')
    .option('--rescan-ms <n>', 'rescan the repository this often, besides watching it (0 = watch only)', '5000')
    .option('--log-file <file>', 'JSON-lines access and event log ("-" = stdout; default stderr)')
    .addHelpText(
      'after',
      `
With neither --model nor --repository, serves the bundled COCO CenterNet as "centernet".
Routes: POST /v1/detect[/{model}], GET /v1/models, /v2/... (KServe v2), /v1/models/{m}:predict
(TF Serving), GET /metrics, /docs, and the web page at /. SIGTERM/SIGINT drain in-flight requests.`,
    )
    .action(async (options: ServeCliOptions) => {
      const { createServer } = await import('../../serve/server.js');
      if (options.model && options.repository) throw new Error('give --model or --repository, not both');
      let log: ((line: string) => void) | undefined;
      if (options.logFile === '-') log = (line) => process.stdout.write(`${line}\n`);
      else if (options.logFile) {
        const stream = createWriteStream(options.logFile, { flags: 'a' });
        log = (line) => stream.write(`${line}\n`);
      }
      const server = await createServer({
        model: options.model,
        repository: options.repository,
        name: options.name,
        defaultModel: options.defaultModel,
        apiKey: options.apiKey ?? (process.env.DETKIT_API_KEY || undefined),
        cors: options.cors,
        maxBatch: int(options.maxBatch, 'max-batch', 1),
        maxQueueDelayUs: int(options.maxQueueDelayUs, 'max-queue-delay-us'),
        maxQueue: int(options.maxQueue, 'max-queue', 1),
        timeoutMs: int(options.timeoutMs, 'timeout-ms', 1),
        maxBodyBytes: Math.round(int(options.maxBodyMb, 'max-body-mb')! * 1024 * 1024),
        maxPixels: int(options.maxPixels, 'max-pixels', 1),
        threads: int(options.threads, 'threads', 1),
        rescanMs: int(options.rescanMs, 'rescan-ms'),
        log,
      });
      const address = await server.app.listen({ port: int(options.port, 'port')!, host: options.host });
      const say = log ?? ((line: string) => process.stderr.write(`${line}\n`));
      say(JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'listening', address }));
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        say(JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'shutdown', signal }));
        server.close().then(
          () => process.exit(0),
          (e) => {
            process.stderr.write(`shutdown failed: ${(e as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      // A bug in one request must not take the server down: log it and keep serving.
      process.on('unhandledRejection', (e) =>
        say(JSON.stringify({ time: new Date().toISOString(), level: 'error', event: 'unhandled', error: String(e) })),
      );
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
