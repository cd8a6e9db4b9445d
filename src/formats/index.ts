/** Registers the built-in formats. Add a format by importing it here. */
import { cifar10 } from './cifar.js';
import { coco } from './coco.js';
import { createml } from './createml/index.js';
import { cvat } from './cvat/index.js';
import { ilsvrc } from './ilsvrc.js';
import { imagefolder } from './imagefolder.js';
import { kitti } from './kitti/index.js';
import { labelme } from './labelme/index.js';
import { labelstudio } from './labelstudio/index.js';
import { mnist } from './mnist.js';
import { openimages } from './openimages.js';
import { registerFormat } from './registry.js';
import { tfrecord } from './tfrecord/index.js';
import { voc } from './voc.js';
import { widerface } from './widerface/index.js';
import { yolo } from './yolo.js';

const builtin = [
  coco,
  voc,
  yolo,
  tfrecord,
  labelme,
  cvat,
  createml,
  kitti,
  labelstudio,
  widerface,
  imagefolder,
  ilsvrc,
  mnist,
  cifar10,
  openimages,
];
for (const format of builtin) registerFormat(format);

export { type CocoReadOptions, type CocoWriteOptions, coco } from './coco.js';
export type {
  DatasetFormat,
  DatasetStream,
  Detected,
  FormatCapabilities,
  ImageBatch,
  ReadOptions,
  StreamHeader,
  StreamWriter,
  WriteOptions,
  WriteResult,
} from './format.js';
export { describeLoss, LossCounter, type LossItem, type LossReport, lossReport, mergeLoss } from './loss.js';
export { type OpenImagesReadOptions, openimages } from './openimages.js';
export { detectFormat, detectFormats, getFormat, listFormats, registerFormat } from './registry.js';
