import type { Command } from 'commander';
import { DetkitError } from '../../core/errors.js';
import { extname } from '../../core/paths.js';
import {
  type DatasetFormat,
  describeLoss,
  detectFormat,
  getFormat,
  type LossReport,
  listFormats,
  lossReport,
  mergeLoss,
} from '../../formats/index.js';
import { nodeFiles, writeAtomically } from '../../io/node-files.js';
import { convertStreaming } from '../convert-stream.js';
import { loadDataset } from '../dataset-io.js';
import { type CommonOptions, ExitCode, printJson, progressBar, say, warn } from '../output.js';

interface ConvertOptions extends CommonOptions {
  from?: string;
  to?: string;
  strict?: boolean;
  copyImages?: boolean;
  imagesRoot?: string;
}

/** `--to`, or the one format whose output extension the path has. */
function targetFormat(output: string, to?: string): DatasetFormat {
  if (to) return getFormat(to);
  const ext = extname(output);
  const matches = ext ? listFormats().filter((f) => f.fileExtensions?.includes(ext)) : [];
  if (matches.length === 1) return matches[0];
  throw new DetkitError(
    `cannot tell the output format from the path; pass --to with one of: ${listFormats()
      .map((f) => f.name)
      .join(', ')}`,
    { file: output },
  );
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('Convert a dataset to another format, reporting anything the target cannot hold')
    .argument('<input>', 'dataset file or folder')
    .argument('<output>', 'file or folder to write')
    .option('--from <format>', 'input format (detected when left out)')
    .option('--to <format>', 'output format (inferred from the output extension when obvious)')
    .option('--strict', 'fail (exit 1, nothing written) if anything would be lost')
    .option('--copy-images', 'copy image files next to the converted annotations')
    .option('--images-root <dir>', 'folder holding the input images (default: where the format keeps them)')
    .option('--json', 'machine-readable output')
    .action(async (input: string, output: string, options: ConvertOptions) => {
      const target = targetFormat(output, options.to);
      const refuse = (loss: LossReport) => {
        if (!options.strict || loss.length === 0) return;
        for (const line of describeLoss(loss, target.name)) warn(line);
        process.stderr.write(`detkit: nothing written: the conversion would lose data (--strict)\n`);
        throw new ExitCode(1);
      };
      const source = options.from ? getFormat(options.from) : (await detectFormat(nodeFiles, input)).format;
      const readOptions = { imageRoot: options.imagesRoot };
      const streamed = await convertStreaming(source, target, input, output, refuse, options.copyImages, readOptions);
      if (streamed) {
        report(options, { input, output, from: source.name, to: target.name, ...streamed });
        return;
      }
      const { dataset, format } = await loadDataset(input, source.name, readOptions);
      const expected = lossReport(dataset, target.capabilities);
      refuse(expected);
      const progress = progressBar(`writing ${target.name}`);
      let loss = expected;
      try {
        await writeAtomically(output, async (staging) => {
          const result = await target.write(dataset, nodeFiles, staging, {
            imageRoot: dataset.info.imageRoot,
            copyImages: options.copyImages,
            warn,
            progress,
          });
          loss = mergeLoss(expected, result.loss);
          refuse(loss);
        });
      } finally {
        progress.stop();
      }
      report(options, {
        input,
        output,
        from: format.name,
        to: target.name,
        images: dataset.images.length,
        annotations: dataset.annotations.length,
        loss,
      });
    });
}

interface Converted {
  input: string;
  output: string;
  from: string;
  to: string;
  images: number;
  annotations: number;
  loss: LossReport;
}

function report(options: ConvertOptions, c: Converted): void {
  if (!options.strict) for (const line of describeLoss(c.loss, c.to)) warn(line);
  if (options.json) {
    const { input: _, ...rest } = c;
    printJson(rest);
    return;
  }
  say(options, `${c.input} (${c.from}) → ${c.output} (${c.to}): ${c.images} images, ${c.annotations} annotations`);
}
