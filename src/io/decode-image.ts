/**
 * Image decoding at the Node edge: a path or encoded bytes (JPEG, PNG, WebP, GIF, TIFF, AVIF)
 * → RGB pixels, turned upright by the EXIF orientation (as photo viewers and annotation tools
 * show them, so boxes line up with what people labelled).
 */
import { promises as fsp } from 'node:fs';
import { DetkitError } from '../core/errors.js';
import type { RawImage } from '../core/image.js';

/** Decodes to tightly packed RGB. `name` labels errors when `source` is bytes. */
export async function decodeImage(source: string | Uint8Array, name?: string): Promise<RawImage> {
  const file = typeof source === 'string' ? source : (name ?? '<image bytes>');
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await fsp.readFile(source);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new DetkitError(
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not an image' : String(e),
        {
          file,
        },
      );
    }
  } else {
    bytes = source;
  }
  const { default: sharp } = await import('sharp');
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 3,
    };
  } catch (e) {
    throw new DetkitError(`not a readable image (${(e as Error).message})`, { file });
  }
}
