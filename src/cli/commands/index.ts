/** Every CLI command, in the order `detkit --help` lists them. Commands stay thin: the work is in the library. */
import type { Command } from 'commander';
import '../../formats/index.js';
import { registerEval } from './eval.js';
import { registerInfo } from './info.js';

export const commands: ((program: Command) => void)[] = [registerInfo, registerEval];
