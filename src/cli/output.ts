/**
 * How commands talk to the user: a human table by default, JSON on stdout with `--json`
 * (then everything else — progress, warnings, loss reports — goes to stderr).
 */
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import { DetkitError } from '../core/errors.js';

// Loaded on first use: most runs never draw a bar, and startup time is part of every command.
const loadCliProgress = () => createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;

export interface CommonOptions {
  json?: boolean;
  quiet?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Human output: to stdout normally, to stderr when stdout is reserved for JSON. */
export function say(options: CommonOptions, line = ''): void {
  if (options.quiet) return;
  (options.json ? process.stderr : process.stdout).write(`${line}\n`);
}

export function warn(line: string): void {
  process.stderr.write(`warning: ${line}\n`);
}

export function table(rows: (string | number)[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const cells = all.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const numeric = (i: number) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number');
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = cells.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.join('\n');
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(1);
  return n.toFixed(3);
}

/** A progress bar on stderr, only when a person is watching (a TTY, not CI) and work is slow. */
export function progressBar(
  label: string,
  options: { rate?: string } = {},
): ((done: number, total: number) => void) & { stop(): void } {
  const enabled = process.stderr.isTTY === true && !process.env.CI;
  const started = Date.now();
  let bar: cliProgressModule.SingleBar | undefined;
  const update = (done: number, total: number) => {
    if (!enabled) return;
    if (!bar) {
      if (Date.now() - started < 1000) return;
      const cliProgress = loadCliProgress();
      bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {value}/{total}${options.rate ? ` {rate} ${options.rate}` : ''} {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total || done, done);
    }
    if (total) bar.setTotal(total);
    const seconds = (Date.now() - started) / 1000;
    bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(1) : '0' });
  };
  return Object.assign(update, {
    stop() {
      bar?.stop();
    },
  });
}

/** Exit codes: 0 ok, 1 the data has problems (validate, strict loss), 2 the command failed. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function reportFailure(e: unknown): number {
  if (e instanceof ExitCode) return e.code;
  if (e instanceof DetkitError) {
    process.stderr.write(`detkit: ${e.message}\n`);
    return 2;
  }
  const err = e as Error;
  if (process.env.DETKIT_DEBUG) process.stderr.write(`${err?.stack ?? String(e)}\n`);
  process.stderr.write(`detkit: ${err?.message ?? String(e)}\n`);
  return 2;
}
