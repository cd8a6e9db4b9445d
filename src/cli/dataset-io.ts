/** Reading a dataset for a command: the format from `--from` or detected, progress on a TTY. */
import type { Dataset } from '../core/dataset.js';
import { type DatasetFormat, detectFormat, getFormat, type ReadOptions } from '../formats/index.js';
import { nodeFiles } from '../io/node-files.js';
import { progressBar, warn } from './output.js';

export interface LoadedDataset {
  dataset: Dataset;
  format: DatasetFormat;
}

export async function loadDataset(path: string, from?: string, options: ReadOptions = {}): Promise<LoadedDataset> {
  const format = from ? getFormat(from) : (await detectFormat(nodeFiles, path)).format;
  const progress = progressBar(`reading ${format.name}`);
  try {
    const dataset = await format.read(nodeFiles, path, { warn, progress, ...options });
    return { dataset, format };
  } finally {
    progress.stop();
  }
}
