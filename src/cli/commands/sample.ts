import type { Command } from 'commander';
import { sampleDataset } from '../../ops/sample.js';
import { loadDataset } from '../dataset-io.js';
import { outputFormat, parseNumber, parseSeed, saveDataset } from '../ops-io.js';
import { type CommonOptions, printJson, say, table } from '../output.js';

interface SampleCommandOptions extends CommonOptions {
  out: string;
  n: string;
  balanced?: boolean;
  seed?: string;
  from?: string;
  to?: string;
  copyImages?: boolean;
}

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('Draw n images at random, or class-balanced (rare classes first); reproducible with --seed')
    .argument('<input>', 'dataset file or folder')
    .requiredOption('--out <path>', 'where to write the sample')
    .requiredOption('-n, --n <count>', 'images to draw')
    .option('--balanced', 'each pick holds the class the sample has fewest images of so far')
    .option('--seed <n>', 'random seed (default 42)')
    .option('--from <format>', 'input format (detected when left out)')
    .option('--to <format>', 'output format (default: the input format)')
    .option('--copy-images', 'copy image files next to the output (default: reference them by absolute path)')
    .option('--json', 'machine-readable output')
    .action(async (input: string, options: SampleCommandOptions) => {
      const { dataset, format } = await loadDataset(input, options.from);
      const target = outputFormat(format, options.to);
      const result = sampleDataset(dataset, {
        n: parseNumber(options.n, '-n'),
        balanced: options.balanced,
        seed: parseSeed(options.seed),
      });
      await saveDataset(result.dataset, options.out, target, { copyImages: options.copyImages });
      const r = result.report;
      if (options.json) {
        printJson({ input, to: target.name, output: options.out, ...r });
        return;
      }
      say(
        options,
        table(
          r.perClass.map((c) => [c.id, c.name, c.images, c.of]),
          ['id', 'class', 'images in sample', 'images in dataset'],
        ),
      );
      say(options);
      say(
        options,
        `→ ${options.out} (${target.name}): ${r.images} of ${dataset.images.length} images (${r.method}, seed ${r.seed}), ${r.boxes} boxes`,
      );
    });
}
