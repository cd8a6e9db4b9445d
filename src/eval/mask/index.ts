/** pycocotools' mask API (maskApi.c + mask.py) in TypeScript, bit for bit. */
export { bboxIou, rleIou } from './iou.js';
export { rleFrBbox, rleFrPoly } from './polygon.js';
export {
  type BoxXYWH,
  checkRle,
  type Rle,
  rleArea,
  rleDecode,
  rleEncode,
  rleMerge,
  rleToBbox,
} from './rle.js';
export { decodeCounts, rleFrString, rleToString } from './rle-string.js';
export { type Polygons, type RleObject, type Segmentation, segmentationToRle } from './segmentation.js';
