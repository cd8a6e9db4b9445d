/**
 * Image decoding at the Node edge: a path or encoded bytes (JPEG, PNG, WebP, GIF, TIFF, AVIF)
 * → RGB pixels, turned upright by the EXIF orientation (as photo viewers and annotation tools
 * show them, so boxes line up with what people labelled).
 */
import { promises as fsp } from 'node:fs';
import type { Sharp } from 'sharp';
import { DetkitError } from '../core/errors.js';
import type { RawImage } from '../core/image.js';
import type { FittedImage, ImageMapping, InputPlan } from '../families/family.js';
import { letterboxGeometry } from '../families/letterbox.js';

/**
 * Decodes to tightly packed RGB. `name` labels errors when `source` is bytes. With a `plan`,
 * sharp resizes (and letterboxes) to the model input in the same pipeline — on JPEGs much larger
 * than the input it decodes at 1/2, 1/4 or 1/8 scale — and the result carries the mapping back.
 */
export async function decodeImage(source: string | Uint8Array, name?: string, plan?: InputPlan): Promise<RawImage> {
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
    const pipeline = sharp(bytes, { failOn: 'error' }).rotate().toColourspace('srgb').removeAlpha();
    const mapping = plan ? await fit(pipeline, plan) : undefined;
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    const image: RawImage = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 3,
    };
    if (!mapping) return image;
    const fitted: FittedImage = { ...image, mapping };
    return fitted;
  } catch (e) {
    throw new DetkitError(`not a readable image (${(e as Error).message})`, { file });
  }
}

/** Adds the plan's resize (and padding) to the pipeline; the geometry is the JS letterbox's, so boxes map back alike. */
async function fit(pipeline: Sharp, plan: InputPlan): Promise<ImageMapping> {
  const { autoOrient } = await pipeline.metadata();
  const { width, height } = autoOrient;
  if (plan.fit === 'stretch') {
    pipeline.resize(plan.width, plan.height, { fit: 'fill', kernel: 'linear' });
    return {
      width,
      height,
      inputWidth: plan.width,
      inputHeight: plan.height,
      scaleX: plan.width / width,
      scaleY: plan.height / height,
      padX: 0,
      padY: 0,
    };
  }
  const { newWidth, newHeight, mapping } = letterboxGeometry(width, height, plan.height, plan.width);
  const pad = plan.padValue;
  pipeline.resize(newWidth, newHeight, { fit: 'fill', kernel: 'linear' }).extend({
    left: mapping.padX,
    top: mapping.padY,
    right: plan.width - newWidth - mapping.padX,
    bottom: plan.height - newHeight - mapping.padY,
    background: { r: pad, g: pad, b: pad },
  });
  return mapping;
}
