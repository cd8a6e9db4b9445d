/**
 * Benchmark helpers: whole-process timings (start-up included) with peak memory, medians of N.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve('dist/cli/detkit.js');

export interface ProcessTiming {
  /** Median wall time in seconds. */
  seconds: number;
  /** Peak resident set size in MB (max over runs). */
  peakMB: number;
  runs: number[];
  stdout: string;
}

/**
 * Runs `node <args>` `repeat` times and reports the median wall time and the peak RSS, which
 * the child reports itself through DETKIT_MAXRSS_FILE (see src/cli/main.ts).
 */
export function timeProcess(args: string[], options: { repeat?: number; before?: () => void } = {}): ProcessTiming {
  const repeat = options.repeat ?? 3;
  const scratch = mkdtempSync(join(tmpdir(), 'detkit-bench-rss-'));
  const runs: number[] = [];
  let peakKB = 0;
  let stdout = '';
  try {
    for (let i = 0; i < repeat; i++) {
      options.before?.();
      const rssFile = join(scratch, `rss-${i}`);
      const started = process.hrtime.bigint();
      const child = spawnSync(process.execPath, args, {
        env: { ...process.env, DETKIT_MAXRSS_FILE: rssFile },
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (child.status !== 0) {
        throw new Error(`node ${args.join(' ')} failed (${child.status}): ${child.stderr.slice(0, 2000)}`);
      }
      runs.push(seconds);
      stdout = child.stdout;
      try {
        peakKB = Math.max(peakKB, Number(readFileSync(rssFile, 'utf8')));
      } catch {
        // The child did not report (not a detkit process).
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { seconds: sorted[Math.floor(sorted.length / 2)], peakMB: peakKB / 1024, runs, stdout };
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(cells[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function scratchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `detkit-bench-${name}-`));
}
