/** The worker half of coco-eval-threads: evaluate + accumulate for the categories it is sent. */
import { parentPort } from 'node:worker_threads';
import { accumulate, evaluate } from '../eval/coco/index.js';
import { datasetFromMessage, type WorkerRequest } from './coco-eval-threads.js';

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    const acc = accumulate(evaluate(datasetFromMessage(request.gt), datasetFromMessage(request.dt), request.params));
    const buffers = [acc.precision.data.buffer, acc.recall.data.buffer, acc.scores.data.buffer] as ArrayBuffer[];
    parentPort?.postMessage({ ok: true, acc }, buffers);
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: (e as Error).message });
  }
});
