/** Prometheus metrics in their own registry (so several servers in one process do not collide). */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'detkit_http_requests_total',
    help: 'HTTP requests by route, method, status code and model',
    labelNames: ['route', 'method', 'code', 'model'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'detkit_http_request_duration_seconds',
    help: 'HTTP request latency by route, status code and model',
    labelNames: ['route', 'code', 'model'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly queueTime = new Histogram({
    name: 'detkit_queue_seconds',
    help: 'Time a request waited in the batching queue',
    labelNames: ['model'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'detkit_batch_size',
    help: 'Images per detectBatch call (the count is the number of calls)',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly inferenceTime = new Histogram({
    name: 'detkit_inference_seconds',
    help: 'Duration of one detectBatch call (pre-processing, model, post-processing)',
    labelNames: ['model'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'detkit_queue_depth',
    help: 'Requests waiting in the batching queue',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly modelsLoaded = new Gauge({
    name: 'detkit_models_loaded',
    help: 'Model versions loaded and ready',
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'detkit_rejected_total',
    help: 'Requests refused by a limit: queue_full, timeout',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });
}
