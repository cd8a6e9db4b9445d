/**
 * Measures a model behind the detector API: load time, latency percentiles, throughput and the
 * split into decode / preprocess / inference / postprocess. Used by `detkit bench-model` and
 * bench/inference.ts. Node-only (reads model files, decodes with sharp).
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DetectorOptions, loadDetector, type StageTimings } from '../detector.js';

export interface BenchSettings {
  threads?: number;
  batch: number;
  runs: number;
  warmup: number;
}

export interface BenchResult {
  threads: number | null;
  batch: number;
  loadMs: number;
  family: string;
  runs: number;
  /** Milliseconds a run (one `detectBatch` of `batch` images). */
  latency: { p50: number; p95: number; mean: number };
  imagesPerSecond: number;
  /** Median milliseconds a run spent in each stage. */
  stages: StageTimings;
}

/** Bytes on disk: the file, plus the weight shards a TF.js model.json lists. */
export async function modelSize(modelPath: string): Promise<number> {
  let size = (await fsp.stat(modelPath)).size;
  if (modelPath.toLowerCase().endsWith('.json')) {
    const json = JSON.parse(await fsp.readFile(modelPath, 'utf8')) as { weightsManifest?: { paths: string[] }[] };
    for (const group of json.weightsManifest ?? []) {
      for (const shard of group.paths) size += (await fsp.stat(join(dirname(modelPath), shard))).size;
    }
  }
  return size;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at]!;
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** A 640×480 JPEG of noise, for when no images are given: decoding and resizing cost what a photo costs. */
export async function syntheticJpeg(): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  return sharp({
    create: {
      width: 640,
      height: 480,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * Loads the model, warms up, then times `runs` calls of `detectBatch` over `batch` images taken
 * round-robin from `images` (encoded bytes, so decoding is measured too).
 */
export async function benchmarkModel(
  modelPath: string,
  images: Uint8Array[],
  settings: BenchSettings,
  options: DetectorOptions = {},
): Promise<BenchResult> {
  const started = performance.now();
  const detector = await loadDetector(modelPath, { ...options, threads: settings.threads });
  const loadMs = performance.now() - started;
  try {
    let next = 0;
    const batch = () => Array.from({ length: settings.batch }, () => images[next++ % images.length]!);
    for (let i = 0; i < settings.warmup; i++) await detector.detectBatch(batch());
    const latencies: number[] = [];
    const stages: Record<keyof StageTimings, number[]> = { decode: [], preprocess: [], inference: [], postprocess: [] };
    for (let i = 0; i < settings.runs; i++) {
      const input = batch();
      const t = performance.now();
      await detector.detectBatch(input);
      latencies.push(performance.now() - t);
      for (const stage of Object.keys(stages) as (keyof StageTimings)[]) stages[stage].push(detector.timings[stage]);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const total = latencies.reduce((a, b) => a + b, 0);
    return {
      threads: settings.threads ?? null,
      batch: settings.batch,
      loadMs,
      family: detector.family.name,
      runs: settings.runs,
      latency: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: total / settings.runs },
      imagesPerSecond: total > 0 ? (settings.runs * settings.batch * 1000) / total : 0,
      stages: {
        decode: median(stages.decode),
        preprocess: median(stages.preprocess),
        inference: median(stages.inference),
        postprocess: median(stages.postprocess),
      },
    };
  } finally {
    await detector.dispose();
  }
}
