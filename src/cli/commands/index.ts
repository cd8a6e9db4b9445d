/** Every CLI command, in the order `detkit --help` lists them. Commands stay thin: the work is in the library. */
import type { Command } from 'commander';
import '../../formats/index.js';
import { registerBenchModel } from './bench-model.js';
import { registerEnsemble } from './ensemble.js';
import { registerInfo } from './info.js';
import { registerPredict } from './predict.js';

export const commands: ((program: Command) => void)[] = [
  registerInfo,
  registerPredict,
  registerBenchModel,
  registerEnsemble,
];
