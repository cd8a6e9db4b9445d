/** Content hashes of image files (SHA-256 through Web Crypto, in Node 20 and browsers alike). */
import type { Dataset } from '../core/dataset.js';
import type { FileAccess } from '../core/files.js';
import { mapPool } from '../core/pool.js';
import { imagePath } from '../formats/images.js';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** A hash per image (in `images` order); undefined where the file cannot be read. */
export async function hashImages(
  dataset: Dataset,
  files: FileAccess,
  options: { imageRoot?: string; concurrency?: number; progress?: (done: number, total: number) => void } = {},
): Promise<(string | undefined)[]> {
  return mapPool(
    dataset.images,
    options.concurrency ?? 16,
    async (im) => {
      const embedded = dataset.info.embeddedImages?.get(im.id);
      if (embedded) return sha256Hex(embedded);
      const path = imagePath(dataset, im, options.imageRoot);
      if (!(await files.stat(path))) return undefined;
      return sha256Hex(await files.readBytes(path));
    },
    options.progress,
  );
}
