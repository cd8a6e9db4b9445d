/**
 * Shared by the writers of fixed-size pixel record formats (MNIST idx, CIFAR binary): each
 * image becomes one label byte and `width × height × channels` pixel bytes, so only images of
 * exactly that shape fit. Pixels come from a `PixelImages` store when the dataset was read from
 * such a format, else from PNG bytes (embedded or on disk) decoded here.
 */
import type { Dataset, ImageRecord } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import type { FileAccess } from '../../core/files.js';
import { readImageBytes } from '../images.js';
import type { LossReport } from '../loss.js';
import { decodePng } from './png.js';
import { PixelImages, type PixelLayout } from './store.js';

export interface PixelRecord {
  image: ImageRecord;
  label: number;
  /** Pixel bytes in the target layout. */
  pixels: Uint8Array;
}

/** Label byte of each category: its id when every id is 0..255, else its index (renumbered). */
export function labelBytes(dataset: Dataset, loss?: LossReport): Map<number, number> {
  const ids = dataset.categories.map((c) => c.id);
  const keep = ids.every((id) => Number.isInteger(id) && id >= 0 && id <= 255);
  if (!keep) {
    if (ids.length > 256) throw new DetkitError(`${ids.length} categories; a label byte holds at most 256`);
    loss?.push({ what: 'category-ids', count: ids.length, message: 'category ids outside 0..255 (renumbered)' });
  }
  return new Map(ids.map((id, k) => [id, keep ? id : k]));
}

/** The image's pixels in `layout`, or why they do not fit. */
async function pixelsIn(
  dataset: Dataset,
  image: ImageRecord,
  files: FileAccess,
  layout: PixelLayout,
  imageRoot?: string,
): Promise<Uint8Array | string> {
  const store = dataset.info.embeddedImages;
  let pixels = store instanceof PixelImages ? store.pixels(image.id) : undefined;
  if (!pixels) {
    try {
      pixels = decodePng(await readImageBytes(dataset, image, files, imageRoot));
    } catch (e) {
      if (e instanceof DetkitError) throw e;
      return (e as Error).message;
    }
  }
  const { width, height, channels } = layout;
  if (pixels.width !== width || pixels.height !== height) return `${pixels.width}×${pixels.height}`;
  const n = width * height;
  if (pixels.channels === channels) {
    if (!layout.planar || channels === 1) return pixels.data;
    const out = new Uint8Array(n * channels);
    for (let c = 0; c < channels; c++) for (let p = 0; p < n; p++) out[c * n + p] = pixels.data[p * channels + c];
    return out;
  }
  if (pixels.channels === 1) {
    // Grey into RGB: every plane (or every channel) is the grey value.
    const out = new Uint8Array(n * channels);
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < channels; c++) out[layout.planar ? c * n + p : p * channels + c] = pixels.data[p];
    }
    return out;
  }
  return 'colour (RGB), not greyscale';
}

/**
 * The records to write, in image order, with what does not fit counted in `loss`: images of
 * another shape or encoding, images without a label, extra labels beyond the first.
 */
export async function collectRecords(
  dataset: Dataset,
  files: FileAccess,
  layout: PixelLayout,
  formatName: string,
  loss: LossReport,
  imageRoot?: string,
  progress?: (done: number, total: number) => void,
): Promise<PixelRecord[]> {
  const labels = labelBytes(dataset, loss);
  const out: PixelRecord[] = [];
  let unlabelled = 0;
  let multi = 0;
  const unfit: string[] = [];
  for (const [k, image] of dataset.images.entries()) {
    const first = image.labels?.[0];
    if (first === undefined || !labels.has(first)) {
      unlabelled++;
      continue;
    }
    if ((image.labels?.length ?? 0) > 1) multi++;
    const pixels = await pixelsIn(dataset, image, files, layout, imageRoot);
    if (typeof pixels === 'string') {
      unfit.push(`${image.file} (${pixels})`);
      continue;
    }
    out.push({ image, label: labels.get(first) as number, pixels });
    progress?.(k + 1, dataset.images.length);
  }
  const shape = `${layout.width}×${layout.height} ${layout.channels === 1 ? 'greyscale' : 'RGB'}`;
  if (out.length === 0 && dataset.images.length > 0) {
    const why = unfit.length > 0 ? `e.g. ${unfit[0]}` : 'no image has an image-level label';
    throw new DetkitError(`${formatName} holds only labelled ${shape} 8-bit images (raw or PNG); none fits: ${why}`);
  }
  if (unfit.length > 0) {
    loss.push({
      what: 'images',
      count: unfit.length,
      message: `images that are not ${shape} 8-bit PNG or raw pixels (skipped; e.g. ${unfit[0]})`,
    });
  }
  if (unlabelled > 0) loss.push({ what: 'unlabelled', count: unlabelled, message: 'images without a label (skipped)' });
  if (multi > 0) loss.push({ what: 'multi-label', count: multi, message: 'labels beyond the first of an image' });
  return out;
}
