/**
 * Dynamic batching, as Triton's `dynamic_batching`: up to `maxBatch` queued requests for one
 * model version run as one `detectBatch` call. Queued requests wait (at most `maxQueueDelayUs`)
 * only while company is on its way — requests announced with `expect` that are still decoding —
 * so a lone request runs at once and a burst still forms full batches; while a batch runs, the
 * next one fills by itself. The queue is bounded (full → 429 at once) and every request carries
 * a deadline (→ 504).
 *
 * Requests in one batch may ask for different thresholds: the batch runs with the lowest score
 * threshold and the highest detection cap, and each request keeps its own share afterwards. That
 * is exact because NMS keeps boxes greedily by descending score (a box below a request's
 * threshold never suppresses one above it) and the cap keeps the top scores.
 */
import type { Detections } from '../core/detections.js';
import { selectDetections } from '../core/detections.js';
import type { RawImage } from '../core/image.js';
import type { Detector, StageTimings } from '../detector.js';
import type { DetectOptions } from '../families/family.js';
import { HttpError } from './limits.js';
import type { ServeMetrics } from './metrics.js';

export interface BatchingConfig {
  maxBatch: number;
  maxQueueDelayUs: number;
  maxQueue: number;
}

export interface BatchResult {
  detections: Detections;
  queueMs: number;
  /** The whole batch's stage times (shared by every request in it). */
  timings: StageTimings;
  batchSize: number;
}

interface Pending {
  image: RawImage;
  options: DetectOptions;
  enqueued: number;
  settled: boolean;
  resolve(result: BatchResult): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/** A request on its way to `submit` (see `Batcher.expect`). */
export interface Expected {
  pending: boolean;
}

export class Batcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  /** Requests announced by `expect` and not yet submitted or withdrawn. */
  private incoming = 0;

  constructor(
    private readonly detector: Detector,
    private readonly config: BatchingConfig,
    private readonly model: string,
    private readonly metrics?: ServeMetrics,
  ) {}

  get depth(): number {
    return this.queue.length;
  }

  /** Requests announced and not yet arrived. */
  get expected(): number {
    return this.incoming;
  }

  /** Announces a request that will `submit` soon (it is decoding): queued requests wait for it. */
  expect(): Expected {
    this.incoming++;
    return { pending: true };
  }

  /** Ends an announcement without a submit (the request failed before it). */
  withdraw(e: Expected): void {
    if (!this.arrive(e)) return;
    this.schedule();
  }

  private arrive(e: Expected | undefined): boolean {
    if (!e?.pending) return false;
    e.pending = false;
    this.incoming--;
    return true;
  }

  /**
   * Queues one image (ending its announcement `e`, if any); rejects with 429 when the queue is
   * full and 504 after `timeoutMs`.
   */
  submit(image: RawImage, options: DetectOptions, timeoutMs: number, e?: Expected): Promise<BatchResult> {
    const arrived = this.arrive(e);
    if (this.queue.length >= this.config.maxQueue) {
      // Refused, but no longer on its way: the queued requests stop waiting for it.
      if (arrived) this.schedule();
      this.metrics?.rejected.inc({ model: this.model, reason: 'queue_full' });
      return Promise.reject(
        new HttpError(429, `model "${this.model}" is busy: ${this.queue.length} requests queued`, {
          'retry-after': '1',
        }),
      );
    }
    return new Promise<BatchResult>((resolve, reject) => {
      const pending: Pending = { image, options, enqueued: performance.now(), settled: false, resolve, reject };
      pending.timer = setTimeout(() => {
        const at = this.queue.indexOf(pending);
        if (at >= 0) this.queue.splice(at, 1);
        this.updateDepth();
        this.schedule();
        this.metrics?.rejected.inc({ model: this.model, reason: 'timeout' });
        this.settle(pending, new HttpError(504, `model "${this.model}" did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.queue.push(pending);
      this.updateDepth();
      this.schedule();
    });
  }

  private settle(p: Pending, outcome: BatchResult | Error): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  private updateDepth(): void {
    this.metrics?.queueDepth.set({ model: this.model }, this.queue.length);
  }

  private schedule(): void {
    if (this.queue.length === 0) {
      // Nobody left to wait (all timed out): no delay timer may outlive them.
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.running) return;
    // Nothing on its way (or no waiting allowed): waiting could not grow the batch. The run still
    // goes through setImmediate, so requests finishing in the same event-loop turn join it.
    if (this.queue.length >= this.config.maxBatch || this.config.maxQueueDelayUs <= 0 || this.incoming === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        void this.runBatch();
      });
      return;
    }
    if (this.immediate) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.runBatch();
    }, this.config.maxQueueDelayUs / 1000);
  }

  private async runBatch(): Promise<void> {
    if (this.running) return;
    const batch = this.queue.splice(0, this.config.maxBatch);
    this.updateDepth();
    if (batch.length === 0) return;
    this.running = true;
    const started = performance.now();
    try {
      const merged: DetectOptions = {
        scoreThreshold: Math.min(...batch.map((p) => p.options.scoreThreshold ?? 0.25)),
        maxDetections: Math.max(...batch.map((p) => p.options.maxDetections ?? 100)),
      };
      for (const p of batch) this.metrics?.queueTime.observe({ model: this.model }, (started - p.enqueued) / 1000);
      this.metrics?.batchSize.observe({ model: this.model }, batch.length);
      const results = await this.detector.detectBatch(
        batch.map((p) => p.image),
        merged,
      );
      const timings = { ...this.detector.timings };
      this.metrics?.inferenceTime.observe({ model: this.model }, (performance.now() - started) / 1000);
      batch.forEach((p, i) => {
        this.settle(p, {
          detections: narrow(results[i]!, p.options, merged),
          queueMs: started - p.enqueued,
          timings,
          batchSize: batch.length,
        });
      });
    } catch (e) {
      for (const p of batch) this.settle(p, e as Error);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}

/** One request's share of a batch result: its own threshold and cap. */
function narrow(d: Detections, own: DetectOptions, merged: DetectOptions): Detections {
  const threshold = own.scoreThreshold ?? merged.scoreThreshold ?? 0;
  const cap = own.maxDetections ?? merged.maxDetections ?? d.length;
  if (threshold <= (merged.scoreThreshold ?? 0) && cap >= d.length) return d;
  const keep: number[] = [];
  for (let i = 0; i < d.length && keep.length < cap; i++) if (d.scores[i]! >= threshold) keep.push(i);
  return selectDetections(d, keep);
}
