/** Registers the built-in formats. Add a format by importing it here. */

import { createmlFormat } from './createml/index.js';
import { cvatFormat } from './cvat/index.js';
import { kittiFormat } from './kitti/index.js';
import { labelmeFormat } from './labelme/index.js';
import { labelstudioFormat } from './labelstudio/index.js';
import { registerFormat } from './registry.js';
import { tfrecordFormat } from './tfrecord/index.js';
import { widerfaceFormat } from './widerface/index.js';

const builtin = [
  tfrecordFormat,
  labelmeFormat,
  cvatFormat,
  createmlFormat,
  kittiFormat,
  labelstudioFormat,
  widerfaceFormat,
];
for (const format of builtin) registerFormat(format);

export type { DatasetFormat, Detected, FormatCapabilities, ReadOptions, WriteOptions, WriteResult } from './format.js';
export { describeLoss, type LossItem, type LossReport, lossReport, mergeLoss } from './loss.js';
export { detectFormat, detectFormats, getFormat, listFormats, registerFormat } from './registry.js';
