/**
 * Worker threads for Open Images conversions at train scale (the Node edge). This thread
 * scans the CSV; workers print the rows (the shortest-round-trip numbers are most of the
 * cost) and, for YOLO, create the label files (1.7 million of them, ~20 µs of system calls
 * each). A YOLO block goes to every worker and each takes the images `k % count === worker`,
 * so a label file first written and later appended to is always handled by one worker, in
 * order. A COCO block goes to one worker and comes back as bytes, written in block order.
 */
import { Worker } from 'node:worker_threads';
import { DetkitError, type ErrorLocation } from '../core/errors.js';
import type { RowColumns } from '../formats/openimages-scan.js';

/** Label files of one block: run r is rows [runEnds[r-1], runEnds[r]) of image runImage[r]. */
export interface YoloJob {
  kind: 'yolo';
  rows: RowColumns;
  runEnds: Uint32Array;
  runImage: Uint32Array;
  paths: string[];
  /** 1 when the file exists already (an ImageID met again): lines are appended. */
  append: Uint8Array;
}

/** COCO annotation records of one block; ids run from `firstId`. */
export interface CocoJob {
  kind: 'coco';
  rows: RowColumns;
  width: Uint32Array;
  height: Uint32Array;
  firstId: number;
  /** No comma before the first record (the first block of a file). */
  first: boolean;
}

export interface ThreadSetup {
  /** YOLO class by category id (-1: none). */
  classByCategory: Int32Array;
  worker: number;
  count: number;
}

export interface JobResult {
  text?: Uint8Array;
}

export class OpenImagesThreads {
  private readonly workers: Worker[];
  private readonly calls = new Map<number, { ok: (r: JobResult) => void; fail: (e: Error) => void }>();
  private readonly queued: Promise<JobResult>[][];
  private seq = 0;

  constructor(
    readonly count: number,
    classByCategory: Int32Array,
    private readonly depth = 3,
  ) {
    this.queued = Array.from({ length: count }, () => []);
    this.workers = Array.from({ length: count }, (_, worker) => {
      const w = new Worker(new URL('./openimages-worker.js', import.meta.url), {
        workerData: { classByCategory, worker, count } satisfies ThreadSetup,
      });
      w.on('message', (m: { seq: number; text?: Uint8Array; error?: string; where?: ErrorLocation }) => {
        const call = this.calls.get(m.seq);
        this.calls.delete(m.seq);
        if (m.error !== undefined) call?.fail(new DetkitError(m.error, m.where));
        else call?.ok({ text: m.text });
      });
      w.on('error', (e) => {
        for (const call of this.calls.values()) call.fail(e);
        this.calls.clear();
      });
      return w;
    });
  }

  /**
   * Starts `job` on `worker` once it has fewer than `depth` jobs queued; resolves when it is
   * queued, with its result still to come (wrapped: a promise of a promise would wait for it).
   */
  async submit(worker: number, job: YoloJob | CocoJob): Promise<{ result: Promise<JobResult> }> {
    const queue = this.queued[worker];
    while (queue.length >= this.depth) await queue.shift();
    const seq = ++this.seq;
    const result = new Promise<JobResult>((ok, fail) => this.calls.set(seq, { ok, fail }));
    // Awaited later (in order); a failure before that is not an unhandled rejection.
    result.catch(() => {});
    queue.push(result);
    this.workers[worker].postMessage({ seq, job });
    return { result };
  }

  /** Waits for every job (rethrowing the first failure), then stops the workers. */
  async close(): Promise<void> {
    try {
      for (const queue of this.queued) for (const p of queue.splice(0)) await p;
    } finally {
      await Promise.all(this.workers.map((w) => w.terminate()));
    }
  }
}
