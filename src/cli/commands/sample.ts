import type { Command } from 'commander';
import { sampleDataset } from '../../ops/sample.js';
import { loadDataset } from '../dataset-io.js';
import {
  type DatasetIoOptions,
  datasetIoOptions,
  outputFormat,
  parseNumber,
  parseSeed,
  writeOperation,
} from '../ops-io.js';
import { table } from '../output.js';

interface SampleCommandOptions extends DatasetIoOptions {
  out: string;
  n: string;
  balanced?: boolean;
  seed?: string;
}

export function registerSample(program: Command): void {
  const command = program
    .command('sample')
    .description('Draw n images at random, or class-balanced (rare classes first); reproducible with --seed')
    .argument('<input>', 'dataset file or folder')
    .requiredOption('--out <path>', 'where to write the sample')
    .requiredOption('-n, --n <count>', 'images to draw')
    .option('--balanced', 'each pick holds the class the sample has fewest images of so far')
    .option('--seed <n>', 'random seed (default 42)');
  datasetIoOptions(command).action(async (input: string, options: SampleCommandOptions) => {
    const { dataset, format } = await loadDataset(input, options.from);
    const target = outputFormat(format, options.to);
    const result = sampleDataset(dataset, {
      n: parseNumber(options.n, '-n'),
      balanced: options.balanced,
      seed: parseSeed(options.seed),
    });
    const r = result.report;
    await writeOperation(input, result, target, options, () => ({
      lines: [
        table(
          r.perClass.map((c) => [c.id, c.name, c.images, c.of]),
          ['id', 'class', 'images in sample', 'images in dataset'],
        ),
        '',
      ],
      result: `${r.images} of ${dataset.images.length} images (${r.method}, seed ${r.seed}), ${r.boxes} boxes`,
    }));
  });
}
