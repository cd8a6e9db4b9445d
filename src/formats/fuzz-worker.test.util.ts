/** Worker entry of the format fuzzer: fuzzes one registered format and posts its summary. */
import { parentPort, workerData } from 'node:worker_threads';
import './index.js';
import type { FuzzOptions } from './fuzz-run.test.util.js';
import { runFormat } from './fuzz-run.test.util.js';
import { seedCorpora } from './fuzz-seeds.test.util.js';
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
const corpora = await seedCorpora(format);
if ('error' in corpora) {
  parentPort!.postMessage({ noSeed: corpora.error });
} else {
  parentPort!.postMessage({ summary: await runFormat(format, corpora, options, new Int32Array(progress)) });
}
