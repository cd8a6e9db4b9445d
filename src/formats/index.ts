/** Registers the built-in formats. Add a format by importing it here. */
import { registerFormat } from './registry.js';
import { voc } from './voc.js';
import { yolo } from './yolo.js';

const builtin = [voc, yolo] as const;
for (const format of builtin) registerFormat(format);

export type { DatasetFormat, Detected, FormatCapabilities, ReadOptions, WriteOptions, WriteResult } from './format.js';
export { describeLoss, type LossItem, type LossReport, lossReport, mergeLoss } from './loss.js';
export { detectFormat, detectFormats, getFormat, listFormats, registerFormat } from './registry.js';
