/**
 * Where the time goes in one detection, per stage, for the two bundled COCO models (CenterNet
 * and NanoDet on TF.js WASM) over the test photos: decode (sharp), preprocess (letterbox,
 * normalisation, layout), inference (the runtime) and postprocess (decoding, NMS, mapping).
 * The goal: decode + preprocess + postprocess under 10% of inference.
 *
 *   npm run build && node dist/bench/inference.js [--runs 5]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { table } from '../src/cli/output.js';
import { benchmarkModel, modelSize } from '../src/predict/benchmark.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 8;
const photos = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'].map(
  (name) => new Uint8Array(readFileSync(join(process.cwd(), 'test-data', 'photos', name))),
);
const models = ['centernet.json', 'nanodet.json'].map((name) =>
  join(process.cwd(), 'node_modules', '@vladmandic', 'human-models', 'models', name),
);

const rows: (string | number)[][] = [];
const verdicts: string[] = [];
for (const model of models) {
  const r = await benchmarkModel(model, photos, { batch: 1, runs: runs * photos.length, warmup: photos.length });
  const { decode, preprocess, inference, postprocess } = r.stages;
  const overhead = decode + preprocess + postprocess;
  const share = (100 * overhead) / inference;
  rows.push([
    r.family,
    (await modelSize(model)) / 1e6,
    r.loadMs,
    decode,
    preprocess,
    inference,
    postprocess,
    r.latency.p50,
    r.latency.p95,
    r.imagesPerSecond,
    share,
  ]);
  verdicts.push(
    `${r.family}: decode+preprocess+postprocess = ${overhead.toFixed(1)} ms = ${share.toFixed(1)}% of inference → ${share < 10 ? 'under' : 'NOT under'} 10%`,
  );
}
console.log(`TF.js WASM backend, ${runs} runs of each photo (median ms a stage)\n`);
console.log(
  table(rows, [
    'model',
    'MB',
    'load ms',
    'decode',
    'preprocess',
    'inference',
    'postprocess',
    'p50 ms',
    'p95 ms',
    'images/s',
    'overhead %',
  ]),
);
console.log('');
for (const v of verdicts) console.log(v);
