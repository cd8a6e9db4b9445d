/**
 * Streams of image batches (see `ImageBatch` in format.ts) and the bridges to the in-memory
 * Dataset: a whole dataset as batches (so a format needs one writer, not two) and a stream
 * collected into a Dataset (so a format needs one reader).
 */
import { type AnnotationTable, Dataset, type ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { DatasetStream, ImageBatch } from './format.js';
import type { LossCounter } from './loss.js';

const BATCH_IMAGES = 4096;

/** `dataset` as batches of images with their rows (rows of unknown images are left out). */
export async function* datasetBatches(dataset: Dataset): AsyncIterable<ImageBatch> {
  const { offsets, order } = dataset.rowsByImage();
  for (let first = 0; first < dataset.images.length; first += BATCH_IMAGES) {
    const last = Math.min(first + BATCH_IMAGES, dataset.images.length);
    const base = offsets[first];
    const batchOffsets = new Uint32Array(last - first + 1);
    for (let k = first; k <= last; k++) batchOffsets[k - first] = offsets[k] - base;
    yield {
      images: dataset.images.slice(first, last),
      offsets: batchOffsets,
      annotations: dataset.annotations.select(order.subarray(base, offsets[last])),
    };
  }
}

/**
 * Collects a stream into a Dataset; an image met again keeps its first record and gains the
 * rows. Pixel boxes need sizes: an image of unknown size with annotations is an error.
 */
export async function collectStream(stream: DatasetStream, sizeHint: string): Promise<Dataset> {
  const dataset = new Dataset();
  dataset.categories = stream.categories;
  dataset.info = stream.info;
  const seen = new Set<number>();
  const t = dataset.annotations;
  for await (const batch of stream.batches) {
    batch.images.forEach((im, k) => {
      const first = batch.offsets[k];
      const end = batch.offsets[k + 1];
      if (end > first && !(im.width > 0 && im.height > 0)) {
        const from = stream.sizeSources?.length
          ? ` (sizes were read from ${stream.sizeSources.join(', ')})`
          : stream.expectedSizeFile
            ? ` (there is no ${stream.expectedSizeFile})`
            : '';
        throw new DetkitError(
          `image "${im.file}" has no known size, so its boxes cannot be made absolute; ${sizeHint}${from}`,
          batch.sources ? { file: batch.sources.file, line: batch.sources.lines[k] } : {},
        );
      }
      if (!seen.has(im.id)) {
        seen.add(im.id);
        dataset.images.push(im);
      }
      for (let row = first; row < end; row++) t.copyRowFrom(batch.annotations, row);
    });
  }
  return dataset;
}

/** Feeds a batch to a loss counter, counting each image once across the stream. */
export function countBatchLoss(counter: LossCounter, batch: ImageBatch, seen: Set<number>): void {
  const t = batch.annotations;
  for (let row = 0; row < t.length; row++) counter.row(t, row);
  batch.images.forEach((im: ImageRecord, k) => {
    if (seen.has(im.id)) return;
    seen.add(im.id);
    counter.image(im, batch.offsets[k + 1] > batch.offsets[k]);
  });
}

/** An empty table reused batch after batch by a reader (ids are given, never assigned). */
export function resetTable(t: AnnotationTable): AnnotationTable {
  t.length = 0;
  t.segmentations.clear();
  t.attributes.clear();
  t.extras.clear();
  return t;
}
