import type { Command } from 'commander';
import { filterDataset } from '../../ops/filter.js';
import { loadDataset } from '../dataset-io.js';
import {
  type DatasetIoOptions,
  datasetIoOptions,
  outputFormat,
  parseNames,
  parseNumber,
  writeOperation,
} from '../ops-io.js';
import { table } from '../output.js';

interface FilterCommandOptions extends DatasetIoOptions {
  out: string;
  classes?: string;
  excludeClasses?: string;
  minArea?: string;
  maxArea?: string;
  minScore?: string;
  tags?: string;
  split?: string;
  dropEmpty?: boolean;
}

export function registerFilter(program: Command): void {
  const command = program
    .command('filter')
    .description('Keep images and boxes by class, box area, score, image tags or split; report what was dropped')
    .argument('<input>', 'dataset file or folder')
    .requiredOption('--out <path>', 'where to write the filtered dataset')
    .option('--classes <list>', 'keep only boxes of these classes (comma-separated names)')
    .option('--exclude-classes <list>', 'drop boxes of these classes')
    .option('--min-area <px2>', 'drop boxes with w×h below this (pixels²)')
    .option('--max-area <px2>', 'drop boxes with w×h above this (pixels²)')
    .option('--min-score <s>', 'drop predictions scored below this (boxes without a score stay)')
    .option('--tags <list>', 'keep images carrying any of these tags')
    .option('--split <list>', 'keep images of these splits')
    .option('--drop-empty', 'drop images left without boxes (negatives too)');
  datasetIoOptions(command).action(async (input: string, options: FilterCommandOptions) => {
    const { dataset, format } = await loadDataset(input, options.from);
    const target = outputFormat(format, options.to);
    const num = (text: string | undefined, option: string) =>
      text === undefined ? undefined : parseNumber(text, option);
    const result = filterDataset(dataset, {
      classes: options.classes ? parseNames(options.classes) : undefined,
      excludeClasses: options.excludeClasses ? parseNames(options.excludeClasses) : undefined,
      minArea: num(options.minArea, '--min-area'),
      maxArea: num(options.maxArea, '--max-area'),
      minScore: num(options.minScore, '--min-score'),
      tags: options.tags ? parseNames(options.tags) : undefined,
      splits: options.split ? parseNames(options.split) : undefined,
      dropEmpty: options.dropEmpty,
    });
    const { images, boxes, categories } = result.report;
    const rows: (string | number)[][] = [
      ['images not tagged --tags', images.byTag],
      ['images outside --split', images.bySplit],
      ['images left empty (--drop-empty)', images.empty],
      ['boxes of dropped images', boxes.withImage],
      ['boxes by class', boxes.byClass],
      ['boxes by area', boxes.byArea],
      ['boxes by score', boxes.byScore],
    ];
    await writeOperation(input, result, target, options, () => ({
      lines: [table(rows, ['dropped', 'count']), ''],
      result: `images ${images.before} → ${images.after}, boxes ${boxes.before} → ${boxes.after}, classes ${categories.before} → ${categories.after}`,
    }));
  });
}
