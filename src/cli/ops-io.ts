/**
 * Writing the result of a dataset operation (split, merge, remap, filter, sample) in any
 * registered format. Images stay where they are and are referenced by absolute path, unless
 * `--copy-images` copies them next to the output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { mapPool } from '../core/pool.js';
import { imagePath } from '../formats/images.js';
import {
  type DatasetFormat,
  describeLoss,
  getFormat,
  type LossReport,
  lossReport,
  mergeLoss,
} from '../formats/index.js';
import { nodeFiles, writeAtomically } from '../io/node-files.js';
import { type CommonOptions, printJson, progressBar, say, warn } from './output.js';

/** Options of an operation that reads one dataset and writes its result. */
export interface DatasetIoOptions extends CommonOptions {
  from?: string;
  to?: string;
  copyImages?: boolean;
}

/** Adds `--from`, `--to`, `--copy-images` and `--json`, the same for every dataset operation. */
export function datasetIoOptions(command: Command, copyImagesHelp = 'copy image files next to the output'): Command {
  return command
    .option('--from <format>', 'input format (detected when left out)')
    .option('--to <format>', 'output format (default: the input format)')
    .option('--copy-images', `${copyImagesHelp} (default: reference them by absolute path)`)
    .option('--json', 'machine-readable output');
}

/**
 * Writes an operation's dataset to `--out` and prints its report: the report object under
 * `--json`, else the lines `human` gives, then `→ <out> (<format>): <result>`.
 */
export async function writeOperation(
  input: string,
  result: { dataset: Dataset; report: object },
  target: DatasetFormat,
  options: DatasetIoOptions & { out: string },
  human: () => { lines: string[]; result: string },
): Promise<void> {
  await saveDataset(result.dataset, options.out, target, { copyImages: options.copyImages });
  if (options.json) {
    printJson({ input, to: target.name, output: options.out, ...result.report });
    return;
  }
  const { lines, result: summary } = human();
  for (const line of lines) say(options, line);
  say(options, `→ ${options.out} (${target.name}): ${summary}`);
}

export interface SaveOptions {
  copyImages?: boolean;
  /** Where each image's file is now (merge: images come from several roots). */
  sourcePaths?: string[];
}

/** `--to`, else the format the input was read in. */
export function outputFormat(input: DatasetFormat, to?: string): DatasetFormat {
  return to ? getFormat(to) : input;
}

/** Writes `dataset` at `path` atomically, warns about anything the format cannot hold, and returns the loss. */
export async function saveDataset(
  dataset: Dataset,
  path: string,
  format: DatasetFormat,
  options: SaveOptions = {},
): Promise<LossReport> {
  const embedded = dataset.info.embeddedImages;
  const sources = dataset.images.map((im, k) =>
    options.sourcePaths ? options.sourcePaths[k] : resolve(imagePath(dataset, im)),
  );
  let imageRoot = dataset.info.imageRoot;
  let linked: string | undefined;
  const out = dataset.derive([], []);
  out.annotations = dataset.annotations;
  out.info.embeddedImages = embedded;
  if (options.copyImages && options.sourcePaths) {
    // Images from several roots: link them under their new names in one folder the writer copies from.
    linked = mkdtempSync(join(tmpdir(), 'detkit-images-'));
    imageRoot = linked;
    await mapPool(dataset.images, 16, async (im, k) => {
      if (!embedded?.has(im.id)) await nodeFiles.copyFile(sources[k], join(linked!, im.file));
    });
    out.images = dataset.images;
  } else if (options.copyImages) {
    out.images = dataset.images;
  } else {
    out.images = dataset.images.map((im, k) => (embedded?.has(im.id) ? im : { ...im, file: sources[k] }));
    out.info.imageRoot = undefined;
  }
  const expected = lossReport(out, format.capabilities);
  const progress = progressBar(`writing ${format.name}`);
  let loss = expected;
  try {
    await writeAtomically(path, async (staging) => {
      const result = await format.write(out, nodeFiles, staging, {
        imageRoot,
        copyImages: options.copyImages,
        warn,
        progress,
      });
      loss = mergeLoss(expected, result.loss);
    });
  } finally {
    progress.stop();
    if (linked) rmSync(linked, { recursive: true, force: true });
  }
  for (const line of describeLoss(loss, format.name)) warn(line);
  return loss;
}

/** `0.8,0.1,0.1` → numbers, naming the option when a value is not one. */
export function parseNumbers(text: string, option: string): number[] {
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(value)) {
      throw new DetkitError(`${option}: "${part}" is not a number (expected a list like 0.8,0.1,0.1)`);
    }
    return value;
  });
}

export function parseNames(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseNumber(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new DetkitError(`${option}: "${text}" is not a number`);
  return value;
}

export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new DetkitError(`--seed: "${text}" is not a whole number`);
  return value;
}

export const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
