/**
 * COCO evaluation on two threads (the Node edge): categories are independent through evaluate and
 * accumulate, so a worker takes about half of them (balanced by detection count) while this thread
 * does the rest; the merged arrays are bit-identical to a single-threaded run.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AnnotationTable, Dataset } from '../core/dataset.js';
import {
  type Accumulation,
  accumulate,
  type CocoEvalOptions,
  type CocoEvalResult,
  cocoParams,
  evaluate,
  evaluateCoco,
  mergeAccumulations,
  resolveParams,
  summarizeCoco,
} from '../eval/coco/index.js';
import type { CocoParams } from '../eval/coco/params.js';

/** A Dataset as plain data a worker can receive (structured clone copies the columns). */
export interface DatasetMessage {
  images: Dataset['images'];
  categories: Dataset['categories'];
  length: number;
  ids: Float64Array;
  imageIds: Float64Array;
  categoryIds: Int32Array;
  boxes: Float64Array;
  areas: Float64Array;
  scores: Float64Array;
  flags: Uint8Array;
}

export function datasetMessage(ds: Dataset): DatasetMessage {
  const t = ds.annotations;
  const n = t.length;
  return {
    images: ds.images,
    categories: ds.categories,
    length: n,
    ids: t.ids.subarray(0, n),
    imageIds: t.imageIds.subarray(0, n),
    categoryIds: t.categoryIds.subarray(0, n),
    boxes: t.boxes.subarray(0, n * 4),
    areas: t.areas.subarray(0, n),
    scores: t.scores.subarray(0, n),
    flags: t.flags.subarray(0, n),
  };
}

/** Rebuilds a read-only Dataset (box columns only: bbox evaluation needs nothing else). */
export function datasetFromMessage(m: DatasetMessage): Dataset {
  const ds = new Dataset(0);
  ds.images = m.images;
  ds.categories = m.categories;
  const t = new AnnotationTable(0);
  Object.assign(t, {
    length: m.length,
    ids: m.ids,
    imageIds: m.imageIds,
    categoryIds: m.categoryIds,
    boxes: m.boxes,
    areas: m.areas,
    scores: m.scores,
    flags: m.flags,
  });
  ds.annotations = t;
  return ds;
}

export interface WorkerRequest {
  gt: DatasetMessage;
  dt: DatasetMessage;
  params: CocoParams;
}

export interface CocoEvalThreads {
  evaluate(gt: Dataset, dt: Dataset, options?: CocoEvalOptions): Promise<CocoEvalResult>;
  close(): Promise<void>;
}

/** Below this many detections a second thread costs more than it saves. */
const MIN_DETECTIONS = 50_000;

/** A second thread pays off only when a core is idle; on a busy machine it just adds work. */
export function spareCore(): boolean {
  const cores = availableParallelism();
  return cores > 1 && loadavg()[0] < cores - 1;
}

/**
 * Starts the worker now (so its start-up overlaps with reading the files) when a core is spare;
 * `evaluate` uses it for bbox evaluation with categories, and runs on one thread otherwise.
 */
export function startCocoEvalThreads(useWorker = spareCore()): CocoEvalThreads {
  const worker = useWorker ? new Worker(new URL('./coco-eval-worker.js', import.meta.url)) : undefined;
  worker?.unref();
  return {
    async evaluate(gt, dt, options = {}) {
      const params = cocoParams(options);
      if (
        !worker ||
        params.iouType !== 'bbox' ||
        !params.useCats ||
        options.keepDetails ||
        dt.annotations.length < MIN_DETECTIONS
      ) {
        return evaluateCoco(gt, dt, options);
      }
      const full = resolveParams(gt, params);
      const [mine, theirs] = splitCategories(full.catIds, dt);
      const request: WorkerRequest = {
        gt: datasetMessage(gt),
        dt: datasetMessage(dt),
        params: { ...full, catIds: theirs },
      };
      const fromWorker = new Promise<Accumulation>((resolve, reject) => {
        worker.once('message', (m: { ok: true; acc: Accumulation } | { ok: false; error: string }) =>
          m.ok ? resolve(m.acc) : reject(new Error(m.error)),
        );
        worker.once('error', reject);
      });
      worker.postMessage(request);
      const own = accumulate(evaluate(gt, dt, { ...full, catIds: mine }));
      const acc = mergeAccumulations(full, [own, await fromWorker]);
      return summarizeCoco(acc, gt);
    },
    async close() {
      await worker?.terminate();
    },
  };
}

/** Two category sets with about equal detection counts (greedy, largest first). */
function splitCategories(catIds: number[], dt: Dataset): [number[], number[]] {
  const count = new Map<number, number>(catIds.map((c) => [c, 0]));
  const cats = dt.annotations.categoryIds;
  for (let r = 0; r < dt.annotations.length; r++) {
    const c = count.get(cats[r]);
    if (c !== undefined) count.set(cats[r], c + 1);
  }
  const bins: [number[], number[]] = [[], []];
  const load = [0, 0];
  for (const c of [...catIds].sort((a, b) => count.get(b)! - count.get(a)!)) {
    const b = load[0] <= load[1] ? 0 : 1;
    bins[b].push(c);
    load[b] += count.get(c)! + 1;
  }
  return bins;
}
