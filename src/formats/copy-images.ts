/** Copying a dataset's images next to converted annotations (VOC's JPEGImages/, YOLO's images/). */
import type { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import { isAbsolutePath, joinPath } from '../core/paths.js';
import type { WriteOptions } from './format.js';
import { FILE_CONCURRENCY, mapLimit } from './parallel.js';

/** Copies (or links) image k of `dataset` to `targets[k]` (paths relative to `outDir`). */
export async function copyImages(
  dataset: Dataset,
  files: FileAccess,
  outDir: string,
  targets: string[],
  options: WriteOptions,
): Promise<void> {
  const root = options.imageRoot ?? dataset.info.imageRoot;
  await mapLimit(dataset.images, FILE_CONCURRENCY, async (im, k) => {
    if (!root && !isAbsolutePath(im.file)) {
      throw new DetkitError('copying images needs the source image folder (imageRoot)', { file: im.file });
    }
    const from = isAbsolutePath(im.file) ? im.file : joinPath(root!, im.file);
    await files.copyFile(from, joinPath(outDir, targets[k]));
  });
}
