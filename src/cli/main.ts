#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { commands } from './commands/index.js';
import { reportFailure } from './output.js';

// Benchmarks read the peak memory of a whole detkit process from here.
if (process.env.DETKIT_MAXRSS_FILE) {
  const target = process.env.DETKIT_MAXRSS_FILE;
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
}

// `detkit … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command();
program
  .name('detkit')
  .description('Datasets, evaluation, inference and serving for object detectors and image classifiers.')
  .version('0.1.0')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

for (const register of commands) register(program);

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as { code?: string; exitCode?: number };
  if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
    process.exitCode = err.exitCode ?? 2;
  } else {
    process.exitCode = reportFailure(e);
  }
}
