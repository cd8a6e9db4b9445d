import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type CommonOptions, printJson, say, table } from '../output.js';

interface BenchModelOptions extends CommonOptions {
  model: string;
  runs: string;
  warmup: string;
  threads?: string;
  batch: string;
  image?: string[];
}

function list(value: string | undefined, name: string): number[] {
  if (value === undefined) return [];
  const out = value.split(',').map((v) => Number(v.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--${name} takes positive integers, e.g. 1,2`);
  return out;
}

export function registerBenchModel(program: Command): void {
  program
    .command('bench-model')
    .description('Measure a model: size, load time, latency p50/p95, throughput, per-stage split')
    .requiredOption('--model <file>', 'model file: .onnx, or a TF.js model.json')
    .option('--runs <n>', 'timed runs a configuration', '20')
    .option('--warmup <n>', 'untimed runs first', '2')
    .option('--threads <list>', 'thread counts to compare, e.g. 1,2 (ONNX Runtime)')
    .option('--batch <list>', 'batch sizes to compare, e.g. 1,4', '1')
    .option('--image <file...>', 'images to run on (default: a 640×480 synthetic JPEG)')
    .option('--json', 'machine-readable output')
    .action(async (options: BenchModelOptions) => {
      const { benchmarkModel, modelSize, syntheticJpeg } = await import('../../predict/benchmark.js');
      const runs = list(options.runs, 'runs')[0]!;
      const warmup = Number(options.warmup);
      const threads: (number | undefined)[] = list(options.threads, 'threads');
      if (threads.length === 0) threads.push(undefined);
      const batches = list(options.batch, 'batch');
      const images = options.image?.length
        ? options.image.map((p) => new Uint8Array(readFileSync(p)))
        : [await syntheticJpeg()];
      const size = await modelSize(options.model);
      const results = [];
      for (const t of threads) {
        for (const batch of batches) {
          results.push(await benchmarkModel(options.model, images, { threads: t, batch, runs, warmup }));
        }
      }
      if (options.json) {
        printJson({ model: options.model, bytes: size, family: results[0]?.family, results });
        return;
      }
      say(options, `${options.model}: ${(size / 1e6).toFixed(1)} MB, family ${results[0]?.family}, ${runs} runs each`);
      say(options, '');
      say(
        options,
        table(
          results.map((r) => [
            r.threads ?? 'default',
            r.batch,
            r.loadMs,
            r.latency.p50,
            r.latency.p95,
            r.imagesPerSecond,
            r.stages.decode,
            r.stages.preprocess,
            r.stages.inference,
            r.stages.postprocess,
          ]),
          [
            'threads',
            'batch',
            'load ms',
            'p50 ms',
            'p95 ms',
            'images/s',
            'decode',
            'preprocess',
            'inference',
            'postprocess',
          ],
        ),
      );
      say(options, '(stage columns: median ms a run; a run is one batch)');
      if (options.model.toLowerCase().endsWith('.json') && options.threads) {
        say(options, '(TF.js runs on one WASM thread in Node: --threads applies to ONNX Runtime only)');
      }
    });
}
