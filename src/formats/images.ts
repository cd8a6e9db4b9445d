/** Image bytes for writers: embedded in the dataset (TFRecord, MNIST…) or read from the image root. */
import type { Dataset, ImageRecord } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { isAbsolutePath, joinPath } from '../core/paths.js';
import { FILE_CONCURRENCY, mapPool } from '../core/pool.js';
import type { WriteOptions } from './format.js';

/** Where an image file of `dataset` lives, or null when it is only embedded. */
export function imagePath(dataset: Dataset, image: ImageRecord, imageRoot?: string): string {
  if (isAbsolutePath(image.file)) return image.file;
  const root = imageRoot ?? dataset.info.imageRoot ?? '.';
  return joinPath(root, image.file);
}

export async function readImageBytes(
  dataset: Dataset,
  image: ImageRecord,
  files: FileAccess,
  imageRoot?: string,
): Promise<Uint8Array> {
  const embedded = dataset.info.embeddedImages?.get(image.id);
  if (embedded) return embedded;
  const path = imagePath(dataset, image, imageRoot);
  if (!(await files.stat(path))) {
    throw new DetkitError(`image file not found (image id ${image.id}); pass the image folder with --images`, {
      file: path,
    });
  }
  return files.readBytes(path);
}

/** Writes the image to `target`: embedded bytes are written, files are copied (or linked). */
export async function copyImage(
  dataset: Dataset,
  image: ImageRecord,
  files: FileAccess,
  target: string,
  imageRoot?: string,
): Promise<void> {
  const embedded = dataset.info.embeddedImages?.get(image.id);
  if (embedded) return files.writeBytes(target, embedded);
  const path = imagePath(dataset, image, imageRoot);
  if (!(await files.stat(path))) {
    throw new DetkitError(`image file not found (image id ${image.id})`, { file: path });
  }
  return files.copyFile(path, target);
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  await mapPool(items, limit, work);
}

/**
 * Puts image k of `dataset` at `targets[k]` (relative to `outDir`): embedded bytes are written,
 * files copied (or hard-linked). Used by every writer that lays images next to its annotations.
 */
export async function copyImages(
  dataset: Dataset,
  files: FileAccess,
  outDir: string,
  targets: string[],
  options: WriteOptions,
): Promise<void> {
  const embedded = dataset.info.embeddedImages;
  if (files.copyMany && !embedded?.size) {
    try {
      const pairs = dataset.images.map((im, k) => ({
        from: imagePath(dataset, im, options.imageRoot),
        to: joinPath(outDir, targets[k]),
      }));
      return await files.copyMany(pairs);
    } catch {
      // Image by image below: its error names the missing image and its id.
    }
  }
  await mapPool(dataset.images, FILE_CONCURRENCY, (image, k) =>
    copyImage(dataset, image, files, joinPath(outDir, targets[k]), options.imageRoot),
  );
}
