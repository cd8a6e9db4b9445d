/** Every CLI command, in the order `detkit --help` lists them. Commands stay thin: the work is in the library. */
import type { Command } from 'commander';
import '../../formats/index.js';
import { registerBenchModel } from './bench-model.js';
import { registerConvert } from './convert.js';
import { registerEnsemble } from './ensemble.js';
import { registerEval } from './eval.js';
import { registerFilter } from './filter.js';
import { registerInfo } from './info.js';
import { registerMerge } from './merge.js';
import { registerPredict } from './predict.js';
import { registerRemap } from './remap.js';
import { registerSample } from './sample.js';
import { registerServe } from './serve.js';
import { registerSplit } from './split.js';
import { registerStats } from './stats.js';
import { registerValidate } from './validate.js';

export const commands: ((program: Command) => void)[] = [
  // datasets
  registerInfo,
  registerConvert,
  registerStats,
  registerValidate,
  registerSplit,
  registerMerge,
  registerRemap,
  registerFilter,
  registerSample,
  // models
  registerPredict,
  registerEval,
  registerEnsemble,
  registerBenchModel,
  // production
  registerServe,
];
