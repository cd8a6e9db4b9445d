/**
 * In-process phase timings of a COCO bbox evaluation (one thread): read, parse GT, parse results,
 * evaluate, accumulate, summarize — wall and CPU (user+sys) per phase, on the data bench/eval.ts
 * generates (run that once first).
 *
 *   npm run build && node dist/bench/eval-phases.js [--images 5000] [--root <other dist>]
 *
 * `--root` times another build's evaluator (e.g. a copy of dist from before a change) on the
 * same data, for before/after comparisons in one run.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const images = Number(arg('images') ?? 5000);
const root = arg('root');
const coco: typeof import('../src/eval/coco/index.js') = await import(
  root ? pathToFileURL(join(root, 'src/eval/coco/index.js')).href : '../src/eval/coco/index.js'
);
const { accumulate, evaluate, loadCocoResults, parseCocoGroundTruth, summarizeCoco, defaultParams } = coco;
const dir = join(tmpdir(), 'detkit-bench-coco', `seed2017-${images}`);

const rows: [string, number, number, number][] = [];
async function phase<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const out = await run();
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  rows.push([name, wall, (used.user + used.system) / 1000, process.memoryUsage().rss / 2 ** 20]);
  return out;
}

const gtText = await phase('read gt', () => readFileSync(join(dir, 'gt.json'), 'utf8'));
const gt = await phase('parse gt', () => parseCocoGroundTruth(gtText, 'gt.json'));
const dtBytes = await phase('read results', () => readFileSync(join(dir, 'dt.json')));
const dt = await phase('parse results', () => loadCocoResults(dtBytes, gt, { file: 'dt.json' }));
const evaluated = await phase('evaluate', () => evaluate(gt, dt, defaultParams('bbox')));
const acc = await phase('accumulate', () => accumulate(evaluated));
const result = await phase('summarize', () => summarizeCoco(acc, gt));
process.stdout.write(`${images} images, ${dt.annotations.length} detections, AP ${result.stats[0]}\n`);
for (const [name, wall, cpu, rss] of rows) {
  process.stdout.write(
    `${name.padEnd(14)} ${wall.toFixed(0).padStart(6)} ms wall ${cpu.toFixed(0).padStart(6)} ms cpu  rss ${rss.toFixed(0)} MB\n`,
  );
}
process.stdout.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
