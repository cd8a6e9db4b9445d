/**
 * Benchmark of the whole `detkit eval` command (process start to exit) on the synthetic
 * val2017-like data, 500 / 5,000 / 20,000 images. Data comes from the TS port of the generator
 * (byte-identical to gen_synth_coco.py), so the stats must equal pycocotools' published ones.
 *
 *   npm run build && node dist/bench/eval.js [--sizes 500,5000,20000] [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, toJsonTexts } from './gen-synth-coco.js';
import { PUBLISHED_STATS } from './published-stats.js';

/** pycocotools' own timings on this kind of machine (evaluate + accumulate, s), for context. */
const PYCOCOTOOLS_SECONDS: Record<number, number> = { 500: 5.84 + 0.2, 5000: 57.54 + 2.82, 20000: 243.33 + 12.53 };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function dataFor(images: number): { dir: string; gt: number; dt: number } {
  const dir = join(tmpdir(), 'detkit-bench-coco', `seed2017-${images}`);
  const data = existsSync(join(dir, 'dt.json')) ? undefined : generate(images, 2017);
  if (data) {
    mkdirSync(dir, { recursive: true });
    const texts = toJsonTexts(data);
    writeFileSync(join(dir, 'gt.json'), texts.gt);
    writeFileSync(join(dir, 'dt.json'), texts.dt);
    writeFileSync(join(dir, 'counts.json'), JSON.stringify({ gt: data.gt.annotations.length, dt: data.dt.length }));
  }
  const counts = JSON.parse(readFileSync(join(dir, 'counts.json'), 'utf8')) as { gt: number; dt: number };
  return { dir, ...counts };
}

interface Run {
  wall: number;
  cpu: number;
  rssMb: number;
  stats: number[];
}

/** One `detkit eval` process under /usr/bin/time (wall, user+sys, max RSS). */
function runEval(dir: string): Run {
  const cli = join(process.cwd(), 'dist/cli/detkit.js');
  const args = [process.execPath, cli, 'eval', '--gt', join(dir, 'gt.json'), '--pred', join(dir, 'dt.json'), '--json'];
  const timed = existsSync('/usr/bin/time');
  const started = process.hrtime.bigint();
  const res = timed
    ? spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', ...args], { maxBuffer: 1 << 26 })
    : spawnSync(args[0], args.slice(1), { maxBuffer: 1 << 26 });
  const wallNs = Number(process.hrtime.bigint() - started);
  if (res.status !== 0) throw new Error(`detkit eval failed: ${res.stderr.toString()}`);
  const out = JSON.parse(res.stdout.toString()) as { stats: number[] };
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(res.stderr.toString());
  return {
    wall: m ? Number(m[1]) : wallNs / 1e9,
    cpu: m ? Number(m[2]) + Number(m[3]) : Number.NaN,
    rssMb: m ? Number(m[4]) / 1024 : Number.NaN,
    stats: out.stats,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sizes = arg('sizes', '500,5000,20000').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const rows: string[][] = [];
let allMatch = true;
for (const images of sizes) {
  const data = dataFor(images);
  const results: Run[] = [];
  for (let r = 0; r < runs; r++) results.push(runEval(data.dir));
  const published = PUBLISHED_STATS[images];
  const match = published ? results.every((r) => r.stats.every((v, i) => Object.is(v, published[i]))) : undefined;
  if (match === false) allMatch = false;
  rows.push([
    String(images),
    String(data.gt),
    String(data.dt),
    median(results.map((r) => r.wall)).toFixed(2),
    median(results.map((r) => r.cpu)).toFixed(2),
    Math.max(...results.map((r) => r.rssMb)).toFixed(0),
    PYCOCOTOOLS_SECONDS[images] ? PYCOCOTOOLS_SECONDS[images].toFixed(1) : '-',
    match === undefined ? 'n/a' : match ? 'bit-identical' : 'MISMATCH',
  ]);
}
const header = [
  'images',
  'GT',
  'detections',
  'wall s (median)',
  'cpu s (median)',
  'peak RSS MB',
  'pycocotools s',
  'stats vs published',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join('  ');
process.stdout.write(
  `detkit eval (bbox), ${runs} runs each, machine load ${(await import('node:os')).loadavg()[0].toFixed(1)}\n`,
);
process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
if (!allMatch) {
  process.stderr.write('stats differ from pycocotools published values\n');
  process.exitCode = 1;
}
