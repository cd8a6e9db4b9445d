import type { Command } from 'commander';
import { datasetStats } from '../../ops/stats.js';
import { loadDataset } from '../dataset-io.js';
import { type CommonOptions, printJson, say, table } from '../output.js';

interface StatsOptions extends CommonOptions {
  from?: string;
  imagesRoot?: string;
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('Count images, annotations, classes, splits, box sizes and shapes')
    .argument('<path>', 'dataset file or folder')
    .option('--from <format>', 'dataset format (detected when left out)')
    .option('--images-root <dir>', 'folder holding the images (default: where the format keeps them)')
    .option('--json', 'machine-readable output')
    .action(async (path: string, options: StatsOptions) => {
      const { dataset, format } = await loadDataset(path, options.from, { imageRoot: options.imagesRoot });
      const s = datasetStats(dataset);
      if (options.json) {
        printJson({ path, format: format.name, ...s });
        return;
      }
      const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-');
      const summary: (string | number)[][] = [
        ['images', s.images],
        ['annotations', s.annotations],
        ['categories', s.categories],
        ['images without annotations', s.imagesWithoutAnnotations],
        ['crowd annotations', s.crowd],
      ];
      if (s.scored > 0) summary.push(['scored (predictions)', s.scored]);
      if (s.unknownImage > 0) summary.push(['annotations of unknown images', s.unknownImage]);
      if (s.unknownCategory > 0) summary.push(['annotations of unknown categories', s.unknownCategory]);
      say(options, `${path} (${format.name})`);
      say(options, table(summary));
      say(options);
      say(
        options,
        table(
          s.perCategory.map((c) => [c.id, c.name, c.boxes, c.images]),
          ['id', 'class', 'boxes', 'images'],
        ),
      );
      if (s.perSplit.length > 0) {
        say(options);
        const rows = s.perSplit.map((p) => [p.split || '(none)', p.images, p.annotations]);
        say(options, table(rows, ['split', 'images', 'annotations']));
      }
      say(options);
      const sizes = [
        ['small (< 32²)', s.sizes.small, pct(s.sizes.small, s.annotations)],
        ['medium', s.sizes.medium, pct(s.sizes.medium, s.annotations)],
        ['large (≥ 96²)', s.sizes.large, pct(s.sizes.large, s.annotations)],
      ];
      say(options, table(sizes, ['box area', 'boxes', 'share']));
      say(options);
      const shapes = s.aspectRatios.map((b) => [b.label, b.count, pct(b.count, s.annotations)]);
      say(options, table(shapes, ['aspect (w:h)', 'boxes', 'share']));
    });
}
