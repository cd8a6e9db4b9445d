import type { Command } from 'commander';
import { DetkitError } from '../../core/errors.js';
import { detectFormats } from '../../formats/index.js';
import { nodeFiles } from '../../io/node-files.js';
import { type CommonOptions, printJson, say } from '../output.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('Say which dataset format a path holds, and why')
    .argument('<path>', 'dataset file or folder')
    .option('--json', 'machine-readable output')
    .action(async (path: string, options: CommonOptions) => {
      const found = await detectFormats(nodeFiles, path);
      if (options.json) {
        printJson({
          path,
          format: found[0]?.format.name ?? null,
          candidates: found.map((d) => ({ format: d.format.name, confidence: d.confidence, reason: d.reason })),
        });
        return;
      }
      if (found.length === 0) throw new DetkitError('no known dataset format recognised here', { file: path });
      say(options, `${path}: ${found[0].format.name} — ${found[0].reason}`);
      for (const other of found.slice(1)) {
        say(options, `  also matches ${other.format.name} (confidence ${other.confidence}): ${other.reason}`);
      }
    });
}
