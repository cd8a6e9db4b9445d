/** Worker entry of the format fuzzer: fuzzes one registered format and posts its summary. */
import { parentPort, workerData } from 'node:worker_threads';
import './index.js';
import type { FuzzOptions } from './fuzz-run.test.util.js';
import { runFormat } from './fuzz-run.test.util.js';
import { seedCorpus } from './fuzz-seeds.test.util.js';
import { getFormat } from './registry.js';

const {
  format: name,
  options,
  progress,
} = workerData as {
  format: string;
  options: FuzzOptions;
  progress: SharedArrayBuffer;
};
// Libraries' process warnings (the YAML parser's) would flood the test output.
process.removeAllListeners('warning');
const format = getFormat(name);
const corpus = await seedCorpus(format);
if ('error' in corpus) {
  parentPort!.postMessage({ noSeed: corpus.error });
} else {
  // The unmutated seed must read: else every case would fail for the same reason.
  await format.read(corpus.files, corpus.root);
  parentPort!.postMessage({ summary: await runFormat(format, corpus, options, new Int32Array(progress)) });
}
