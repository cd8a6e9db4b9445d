/**
 * Predictions read by a dataset format (Label Studio `predictions`, any format whose rows carry
 * scores) put on the ground truth's ids, as a COCO results file already is: images matched by
 * file name (the full relative path, else the base name when only one ground-truth image has
 * it), categories by name. Areas follow `COCO.loadRes`: w × h for box evaluation, the mask area
 * (polygons rasterised at the image size) for segm. A prediction on an image the ground truth
 * lacks is an error naming it, as loadRes refuses results for unknown images; one of a class the
 * ground truth lacks is left out with a warning (COCOeval evaluates the ground truth's classes only).
 */
import { Dataset, type ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { basename } from '../core/paths.js';
import { rleArea, rleToBbox, rleToString, type Segmentation, segmentationToRle } from './mask/index.js';

export interface AlignOptions {
  /** The predictions file, for messages. */
  file?: string;
  iouType?: 'bbox' | 'segm';
  warn?: (message: string) => void;
}

function imageMatcher(gt: Dataset): (image: ImageRecord) => number | undefined {
  const byFile = new Map(gt.images.map((im) => [im.file, im.id]));
  const byBase = new Map<string, number>();
  const ambiguous = new Set<string>();
  for (const im of gt.images) {
    const base = basename(im.file);
    if (byBase.has(base)) ambiguous.add(base);
    byBase.set(base, im.id);
  }
  return (image) => {
    const exact = byFile.get(image.file);
    if (exact !== undefined) return exact;
    const base = basename(image.file);
    return ambiguous.has(base) ? undefined : byBase.get(base);
  };
}

export function alignPredictions(pred: Dataset, gt: Dataset, options: AlignOptions = {}): Dataset {
  const { file, iouType = 'bbox' } = options;
  const out = new Dataset(Math.max(16, pred.annotations.length));
  out.info.sourceFormat = pred.info.sourceFormat;
  out.categories = gt.categories.map((c) => ({ ...c }));
  out.images = gt.images;
  const gtImages = new Map(gt.images.map((im) => [im.id, im]));
  const matchImage = imageMatcher(gt);
  const imageIds = new Map<number, number | undefined>(pred.images.map((im) => [im.id, matchImage(im)]));
  const predFiles = new Map(pred.images.map((im) => [im.id, im.file]));
  const gtCategory = new Map(gt.categories.map((c) => [c.name, c.id]));
  const categoryIds = new Map(pred.categories.map((c) => [c.id, gtCategory.get(c.name)]));
  const categoryName = (id: number) => pred.categories.find((c) => c.id === id)?.name ?? String(id);
  const unknownClasses = new Map<string, number>();
  const t = pred.annotations;
  for (let row = 0; row < t.length; row++) {
    const record = pred.info.locate?.('annotation', row) ?? { file, record: `prediction ${row}` };
    const imageId = imageIds.get(t.imageIds[row]);
    if (imageId === undefined) {
      const name = predFiles.get(t.imageIds[row]) ?? `image ${t.imageIds[row]}`;
      throw new DetkitError(`predictions on "${name}", which is not an image of the ground truth`, record);
    }
    const categoryId = categoryIds.get(t.categoryIds[row]);
    if (categoryId === undefined) {
      const name = categoryName(t.categoryIds[row]);
      unknownClasses.set(name, (unknownClasses.get(name) ?? 0) + 1);
      continue;
    }
    if (!t.hasScore(row)) throw new DetkitError('a prediction without a score (ground truth, not results?)', record);
    const r = out.annotations.copyRowFrom(t, row);
    const o = out.annotations;
    o.ids[r] = r + 1; // 1..N, as loadRes numbers results
    o.imageIds[r] = imageId;
    o.categoryIds[r] = categoryId;
    o.setCrowd(r, false);
    const seg = o.segmentations.get(r);
    if (iouType === 'bbox') {
      o.areas[r] = o.boxes[r * 4 + 2] * o.boxes[r * 4 + 3];
      continue;
    }
    if (seg === undefined) throw new DetkitError('a prediction without a segmentation (segm evaluation)', record);
    const image = gtImages.get(imageId) as ImageRecord;
    let rle: ReturnType<typeof segmentationToRle>;
    try {
      rle = segmentationToRle(seg as Segmentation, image.height, image.width);
    } catch (e) {
      if (e instanceof DetkitError) throw new DetkitError(e.detail, { ...record, field: 'segmentation' });
      throw e;
    }
    o.segmentations.set(r, { size: [rle.h, rle.w], counts: rleToString(rle) });
    o.areas[r] = rleArea(rle);
    if (!Array.isArray(seg)) o.setBox(r, rleToBbox(rle));
  }
  if (unknownClasses.size > 0) {
    const list = [...unknownClasses].map(([name, n]) => `"${name}" (${n})`).join(', ');
    options.warn?.(`${file ? `${file}: ` : ''}predictions of classes the ground truth lacks are left out: ${list}`);
  }
  return out;
}
