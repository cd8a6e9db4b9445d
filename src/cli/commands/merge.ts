import { basename, dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { DetkitError } from '../../core/errors.js';
import { imagePath } from '../../formats/images.js';
import { nodeFiles } from '../../io/node-files.js';
import { hashImages } from '../../ops/image-hash.js';
import { type MergeSource, mergeDatasets } from '../../ops/merge.js';
import { loadDataset } from '../dataset-io.js';
import { outputFormat, saveDataset } from '../ops-io.js';
import { type CommonOptions, printJson, progressBar, say, table } from '../output.js';

interface MergeCommandOptions extends CommonOptions {
  out: string;
  from?: string;
  to?: string;
  dedup: string;
  copyImages?: boolean;
}

const GENERIC = /^(annotations?|instances(_\w+)?|labels|data|dataset|train|val|test)$/i;

/** A short, unique name per source: its file stem, or its folder's name when the stem says nothing. */
function sourceNames(paths: string[]): string[] {
  const used = new Set<string>();
  return paths.map((path) => {
    const abs = resolve(path);
    let name = basename(abs, extname(abs));
    if (GENERIC.test(name)) name = basename(dirname(abs));
    let unique = name;
    for (let k = 2; used.has(unique); k++) unique = `${name}-${k}`;
    used.add(unique);
    return unique;
  });
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      'Merge datasets: classes unified by name, ids remapped, file name clashes and duplicate images reported',
    )
    .argument('<inputs...>', 'dataset files or folders (the first one keeps its category ids)')
    .requiredOption('--out <path>', 'where to write the merged dataset')
    .option('--from <format>', 'input format (detected per input when left out)')
    .option('--to <format>', 'output format (default: the first input format)')
    .option('--dedup <mode>', 'exact-duplicate images (same SHA-256): report, drop, or none (no hashing)', 'report')
    .option('--copy-images', 'copy image files next to the output (default: reference them by absolute path)')
    .option('--json', 'machine-readable output')
    .action(async (inputs: string[], options: MergeCommandOptions) => {
      if (!['report', 'drop', 'none'].includes(options.dedup)) {
        throw new DetkitError(`--dedup must be report, drop or none, got "${options.dedup}"`);
      }
      if (inputs.length < 2) throw new DetkitError('merge needs at least two datasets');
      const names = sourceNames(inputs);
      const sources: MergeSource[] = [];
      let firstFormat: Awaited<ReturnType<typeof loadDataset>>['format'] | undefined;
      for (const [k, input] of inputs.entries()) {
        const { dataset, format } = await loadDataset(input, options.from);
        firstFormat ??= format;
        if (options.dedup === 'none') {
          sources.push({ name: names[k], dataset });
          continue;
        }
        const progress = progressBar(`hashing ${names[k]} images`);
        const hashes = await hashImages(dataset, nodeFiles, { progress }).finally(() => progress.stop());
        sources.push({ name: names[k], dataset, hashes });
      }
      const target = outputFormat(firstFormat!, options.to);
      const { dataset, report, origins } = mergeDatasets(sources, {
        dedup: options.dedup === 'drop' ? 'drop' : 'report',
      });
      const sourcePaths = origins.map(({ source, image }) => {
        const from = sources[source].dataset;
        return resolve(imagePath(from, from.images[image]));
      });
      const unhashed = sources.reduce((n, s) => n + (s.hashes?.filter((h) => h === undefined).length ?? 0), 0);
      await saveDataset(dataset, options.out, target, { copyImages: options.copyImages, sourcePaths });
      if (options.json) {
        printJson({
          inputs,
          to: target.name,
          output: options.out,
          images: dataset.images.length,
          annotations: dataset.annotations.length,
          unhashedImages: unhashed,
          ...report,
        });
        return;
      }
      say(
        options,
        table(
          report.sources.map((s, k) => [s.name, inputs[k], s.images, s.annotations, s.categories]),
          ['source', 'path', 'images', 'annotations', 'classes'],
        ),
      );
      say(options);
      say(
        options,
        table(
          report.categories.map((c) => [c.id, c.name, c.from.map((f) => `${f.source}:${f.id}`).join(' ')]),
          ['id', 'class', 'from (source:id)'],
        ),
      );
      for (const r of report.categoryRemaps) say(options, `class "${r.name}" of ${r.source}: id ${r.from} → ${r.to}`);
      if (report.renumberedImages > 0)
        say(options, `${report.renumberedImages} image ids renumbered (taken by an earlier source)`);
      if (report.renumberedAnnotations > 0) {
        say(options, `${report.renumberedAnnotations} annotation ids renumbered (taken by an earlier source)`);
      }
      for (const r of report.renamedFiles) say(options, `file ${r.file} of ${r.source} renamed ${r.to} (name taken)`);
      for (const d of report.duplicates) {
        say(
          options,
          `duplicate image: ${d.duplicate.source}/${d.duplicate.file} = ${d.kept.source}/${d.kept.file}${options.dedup === 'drop' ? ' (dropped)' : ''}`,
        );
      }
      if (unhashed > 0) say(options, `${unhashed} image files could not be read: not checked for duplicates`);
      if (report.dropped.images > 0) {
        say(options, `dropped ${report.dropped.images} duplicate images and their ${report.dropped.boxes} boxes`);
      }
      say(
        options,
        `→ ${options.out} (${target.name}): ${dataset.images.length} images, ${dataset.annotations.length} annotations, ${dataset.categories.length} classes`,
      );
    });
}
