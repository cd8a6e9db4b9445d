import type { Command } from 'commander';
import { formatLocated } from '../../core/errors.js';
import { nodeFiles, writeAtomically } from '../../io/node-files.js';
import { fixDataset, validateDataset } from '../../ops/validate.js';
import { loadDataset } from '../dataset-io.js';
import { type CommonOptions, ExitCode, printJson, progressBar, say, table } from '../output.js';

interface ValidateCommandOptions extends CommonOptions {
  from?: string;
  fix?: string;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('List every problem in a dataset (exit 1 when there is any); --fix writes a corrected copy')
    .argument('<path>', 'dataset file or folder')
    .option('--from <format>', 'dataset format (detected when left out)')
    .option('--fix <out>', 'write a corrected copy here, in the same format, and list each change')
    .option('--json', 'machine-readable output')
    .action(async (path: string, options: ValidateCommandOptions) => {
      const { dataset, format } = await loadDataset(path, options.from);
      const progress = progressBar('checking images');
      const report = await validateDataset(dataset, { files: nodeFiles, progress }).finally(() => progress.stop());
      const { problems } = report;
      let changes: { where: object; message: string }[] | undefined;
      if (options.fix) {
        const fixed = fixDataset(dataset, report);
        changes = fixed.changes;
        await writeAtomically(options.fix, (staging) =>
          format.write(fixed.dataset, nodeFiles, staging, { imageRoot: dataset.info.imageRoot }),
        );
      }
      if (options.json) {
        printJson({
          path,
          format: format.name,
          images: dataset.images.length,
          annotations: dataset.annotations.length,
          problems: problems.map((p) => ({ kind: p.kind, message: p.message, ...p.where })),
          ...(options.fix
            ? { fixed: options.fix, changes: changes?.map((c) => ({ message: c.message, ...c.where })) }
            : {}),
        });
      } else {
        for (const p of problems) say(options, formatLocated(p.message, p.where));
        const byKind = new Map<string, number>();
        for (const p of problems) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
        if (problems.length > 0) {
          say(options);
          say(
            options,
            table(
              [...byKind].map(([kind, n]) => [kind, n]),
              ['problem', 'count'],
            ),
          );
        }
        say(
          options,
          `${path} (${format.name}): ${dataset.images.length} images, ${dataset.annotations.length} annotations, ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
        );
        if (changes) {
          say(options);
          for (const c of changes) say(options, `fixed: ${formatLocated(c.message, c.where)}`);
          say(options, `wrote ${options.fix} with ${changes.length} change${changes.length === 1 ? '' : 's'}`);
        }
      }
      if (problems.length > 0) throw new ExitCode(1);
    });
}
