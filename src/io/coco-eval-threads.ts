/**
 * COCO evaluation on two threads (the Node edge): categories are independent through evaluate and
 * accumulate, so a worker takes about half of them (balanced by detection count) while this thread
 * does the rest; the merged arrays are bit-identical to a single-threaded run.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AnnotationTable, Dataset } from '../core/dataset.js';
import { effectiveRows, IdIndex } from '../eval/coco/group.js';
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

/**
 * The box columns of a Dataset as a worker receives them: fresh typed arrays moved (transferred)
 * to the worker, never structured-cloned, and no image or category objects (the request's
 * params carry the resolved image and category ids).
 */
export interface DatasetMessage {
  length: number;
  ids: Float64Array;
  imageIds: Float64Array;
  categoryIds: Int32Array;
  boxes: Float64Array;
  areas: Float64Array;
  scores: Float64Array;
  flags: Uint8Array;
}

/** The rows of `ds` whose category is in `categories`, in table order. */
export function datasetMessage(ds: Dataset, categories: IdIndex): DatasetMessage {
  const t = ds.annotations;
  const n = t.length;
  const cats = t.categoryIds;
  let m = 0;
  for (let r = 0; r < n; r++) if (categories.get(cats[r]) >= 0) m++;
  const out: DatasetMessage = {
    length: m,
    ids: new Float64Array(m),
    imageIds: new Float64Array(m),
    categoryIds: new Int32Array(m),
    boxes: new Float64Array(m * 4),
    areas: new Float64Array(m),
    scores: new Float64Array(m),
    flags: new Uint8Array(m),
  };
  let o = 0;
  for (let r = 0; r < n; r++) {
    if (categories.get(cats[r]) < 0) continue;
    out.ids[o] = t.ids[r];
    out.imageIds[o] = t.imageIds[r];
    out.categoryIds[o] = cats[r];
    for (let c = 0; c < 4; c++) out.boxes[o * 4 + c] = t.boxes[r * 4 + c];
    out.areas[o] = t.areas[r];
    out.scores[o] = t.scores[r];
    out.flags[o] = t.flags[r];
    o++;
  }
  return out;
}

/** The buffers to transfer with a message. */
function transferList(m: DatasetMessage): ArrayBuffer[] {
  return [m.ids, m.imageIds, m.categoryIds, m.boxes, m.areas, m.scores, m.flags].map((a) => a.buffer as ArrayBuffer);
}

/** Rebuilds a read-only Dataset (box columns only: bbox evaluation needs nothing else). */
export function datasetFromMessage(m: DatasetMessage): Dataset {
  const ds = new Dataset(0);
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
        dt.annotations.length < MIN_DETECTIONS ||
        // A repeated annotation id stands for the last annotation with it, which may be of a
        // category the other thread evaluates: such data is not split.
        effectiveRows(gt.annotations) !== null ||
        effectiveRows(dt.annotations) !== null
      ) {
        return evaluateCoco(gt, dt, options);
      }
      const full = resolveParams(gt, params);
      const [mine, theirs] = splitCategories(full.catIds, dt);
      const theirSet = new IdIndex(theirs);
      const request: WorkerRequest = {
        gt: datasetMessage(gt, theirSet),
        dt: datasetMessage(dt, theirSet),
        params: { ...full, catIds: theirs },
      };
      const fromWorker = new Promise<Accumulation>((resolve, reject) => {
        worker.once('message', (m: { ok: true; acc: Accumulation } | { ok: false; error: string }) =>
          m.ok ? resolve(m.acc) : reject(new Error(m.error)),
        );
        worker.once('error', reject);
      });
      worker.postMessage(request, [...transferList(request.gt), ...transferList(request.dt)]);
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
