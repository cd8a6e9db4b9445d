import { join } from 'node:path';
import type { Command } from 'commander';
import { splitDataset } from '../../ops/split.js';
import { loadDataset } from '../dataset-io.js';
import {
  type DatasetIoOptions,
  datasetIoOptions,
  outputFormat,
  parseNames,
  parseNumbers,
  parseSeed,
  percent,
  saveDataset,
} from '../ops-io.js';
import { printJson, say, table } from '../output.js';

interface SplitCommandOptions extends DatasetIoOptions {
  ratios?: string;
  counts?: string;
  names?: string;
  stratify?: boolean;
  groupBy?: string;
  seed?: string;
}

export function registerSplit(program: Command): void {
  const command = program
    .command('split')
    .description(
      'Split a dataset into train/val/test (random, stratified by class, or by group); one dataset per split',
    )
    .argument('<input>', 'dataset file or folder')
    .argument('<outdir>', 'folder to write <outdir>/<name> into, one per split')
    .option('--ratios <list>', 'fractions of the images, summing to 1 (default 0.8,0.1,0.1)')
    .option('--counts <list>', 'image counts instead of ratios; images beyond their sum are left out')
    .option('--names <list>', 'split names (default train,val,test)')
    .option('--stratify', "keep every class's share of images in each split (iterative stratification)")
    .option(
      '--group-by <key>',
      'keep groups whole: an image field (extra.video_id), file:<regex> (first capture of the file path), or tag:<prefix>',
    )
    .option('--seed <n>', 'random seed (default 42): the same seed gives the same split');
  datasetIoOptions(command, 'copy image files into each split').action(
    async (input: string, outdir: string, options: SplitCommandOptions) => {
      const { dataset, format } = await loadDataset(input, options.from);
      const target = outputFormat(format, options.to);
      const { parts, report } = splitDataset(dataset, {
        ratios: options.ratios ? parseNumbers(options.ratios, '--ratios') : undefined,
        counts: options.counts ? parseNumbers(options.counts, '--counts') : undefined,
        names: options.names ? parseNames(options.names) : undefined,
        stratify: options.stratify,
        groupBy: options.groupBy,
        seed: parseSeed(options.seed),
      });
      const outputs: string[] = [];
      for (const part of parts) {
        const path = join(outdir, part.name);
        await saveDataset(part.dataset, path, target, { copyImages: options.copyImages });
        outputs.push(path);
      }
      if (options.json) {
        printJson({ input, from: format.name, to: target.name, outputs, ...report });
        return;
      }
      const how = `${report.method}${report.groupBy ? `, grouped by ${report.groupBy} (${report.groups} groups)` : ''}`;
      say(options, `${input} (${format.name}) → ${outdir} (${target.name}): ${how}, seed ${report.seed}`);
      say(
        options,
        table(
          report.splits.map((s, k) => [
            s.name,
            s.images,
            s.boxes,
            s.negatives,
            percent(s.ratio),
            percent(s.maxDeviation),
            outputs[k],
          ]),
          ['split', 'images', 'boxes', 'negatives', 'target', 'max class deviation', 'written to'],
        ),
      );
      say(options);
      const header = ['class', ...report.splits.map((s) => `${s.name} images (share)`)];
      const rows = (report.splits[0]?.perClass ?? []).map((c, k) => [
        c.name,
        ...report.splits.map((s) => `${s.perClass[k].images} (${percent(s.perClass[k].share)})`),
      ]);
      say(options, table(rows, header));
      if (report.leftOut > 0) say(options, `${report.leftOut} images left out (counts below the dataset size)`);
    },
  );
}
