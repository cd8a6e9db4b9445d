/**
 * `npm run bench [-- name…]`: runs the benchmarks one after another, each in its own process so
 * one's memory does not colour the next. Names: datasets, eval, mask, nms, inference,
 * eval-analysis, coco (and any others listed below). With no name, all of them run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['datasets', 'eval', 'eval-analysis', 'mask', 'nms', 'inference', 'openimages', 'serve'];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = asked.length > 0 ? asked : ALL;
const here = import.meta.dirname;
let failed = 0;
for (const name of names) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) {
    console.log(`\n## ${name}: not built (no ${file})`);
    continue;
  }
  console.log(`\n## ${name}`);
  const run = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`${name} failed with exit code ${run.status}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
