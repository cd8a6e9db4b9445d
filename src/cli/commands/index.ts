/** Every CLI command, in the order `detkit --help` lists them. Commands stay thin: the work is in the library. */
import type { Command } from 'commander';
import '../../formats/index.js';
import { registerBenchModel } from './bench-model.js';
import { registerConvert } from './convert.js';
import { registerEnsemble } from './ensemble.js';
import { registerEval } from './eval.js';
import { registerInfo } from './info.js';
import { registerPredict } from './predict.js';
import { registerServe } from './serve.js';
import { registerStats } from './stats.js';
import { registerValidate } from './validate.js';

export const commands: ((program: Command) => void)[] = [
  registerInfo,
  registerConvert,
  registerStats,
  registerValidate,
  registerPredict,
  registerEval,
  registerEnsemble,
  registerBenchModel,
  registerServe,
];
