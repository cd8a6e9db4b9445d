/**
 * Instance masks of the TF Object Detection API, `image/object/mask`: one image-sized mask per
 * object, either a bytes list of PNGs (what create_coco_tf_record.py writes: 8-bit grey, 0/1)
 * or a float list of n × H × W values, row-major (the other form tf_example_decoder accepts).
 * A pixel is foreground when its value is > 0, as the decoder's `tf.greater(mask, 0)`.
 *
 * Read into COCO compressed RLE (`{size: [H, W], counts}`) with the project's mask API; written
 * from polygons or RLE decoded to a binary mask, PNG-encoded with 0/1 values. When any object of
 * a dataset has a mask, every object gets one (empty when it had none): the API pairs masks with
 * boxes by index.
 */
import type { AnnotationTable, RLE } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';
import { rleDecode, rleEncode, rleToString, type Segmentation, segmentationToRle } from '../../eval/mask/index.js';
import type { Features, FeatureValue } from './example.js';

export const MASK_KEY = 'image/object/mask';
const FIELD = { field: MASK_KEY };
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR, or null when `png` does not start like a PNG. */
function pngSize(png: Uint8Array): { width: number; height: number } | null {
  if (png.length < 24 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** A row-major mask (`stride` values a pixel, foreground when any is > 0) as compressed RLE. */
function rleFromRowMajor(values: ArrayLike<number>, offset: number, stride: number, w: number, h: number): RLE {
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = offset + (y * w + x) * stride;
      let on = false;
      for (let c = 0; c < stride && !on; c++) on = values[p + c] > 0;
      if (on) mask[x * h + y] = 1;
    }
  }
  return { size: [h, w], counts: rleToString(rleEncode(mask, h, w)) };
}

/** The masks of an example's `n` objects, or undefined when it has none. */
export async function readMasks(f: Features, n: number, width: number, height: number): Promise<RLE[] | undefined> {
  const feature = f.get(MASK_KEY);
  if (!feature || feature.value.length === 0) return undefined;
  if (feature.kind === 'bytes') {
    if (feature.value.length !== n) {
      throw new DetkitError(`${feature.value.length} masks for ${n} objects (one PNG per object)`, FIELD);
    }
    // PNG decoding pulls in fflate: loaded only when a record really has masks.
    const { decodePng } = await import('../pixels/png.js');
    return feature.value.map((png, k) => {
      const size = pngSize(png);
      if (!size) throw new DetkitError(`mask of object ${k} is not a PNG`, FIELD);
      if (size.width !== width || size.height !== height) {
        throw new DetkitError(
          `mask of object ${k} is ${size.width}×${size.height}; masks are image-sized (${width}×${height})`,
          FIELD,
        );
      }
      let pixels: ReturnType<typeof decodePng>;
      try {
        pixels = decodePng(png);
      } catch (e) {
        throw new DetkitError(`mask of object ${k} is a PNG this reader cannot decode: ${(e as Error).message}`, FIELD);
      }
      return rleFromRowMajor(pixels.data, 0, pixels.channels, width, height);
    });
  }
  if (feature.kind === 'float') {
    const per = width * height;
    if (feature.value.length !== n * per) {
      throw new DetkitError(
        `${feature.value.length} mask values; ${n} objects of ${height}×${width} pixels need ${n * per}`,
        FIELD,
      );
    }
    return Array.from({ length: n }, (_, k) => rleFromRowMajor(feature.value, k * per, 1, width, height));
  }
  throw new DetkitError('masks must be a bytes list of PNGs or a float list, not int64', FIELD);
}

/**
 * `image/object/mask` for `rows` of an image of `width` × `height`: one 0/1 PNG per row, empty
 * for a row without a segmentation (counted in `empty`).
 */
export async function maskFeature(
  t: AnnotationTable,
  rows: ArrayLike<number>,
  width: number,
  height: number,
  counts: { empty: number },
): Promise<FeatureValue> {
  const { encodePng } = await import('../pixels/png.js');
  const value = Array.from(rows, (row) => {
    const pixels = new Uint8Array(width * height);
    const seg = t.segmentations.get(row);
    if (seg === undefined) counts.empty++;
    else {
      let columns: Uint8Array;
      try {
        const rle = segmentationToRle(seg as Segmentation, height, width);
        if (rle.h !== height || rle.w !== width) {
          throw new DetkitError(`its mask is ${rle.w}×${rle.h}; masks are image-sized (${width}×${height})`);
        }
        columns = rleDecode(rle);
      } catch (e) {
        if (!(e instanceof DetkitError)) throw e;
        throw new DetkitError(`segmentation of annotation ${t.ids[row]}: ${e.detail}`);
      }
      for (let x = 0; x < width; x++) {
        for (let y = 0; y < height; y++) pixels[y * width + x] = columns[x * height + y];
      }
    }
    return encodePng({ data: pixels, width, height, channels: 1 });
  });
  return { kind: 'bytes', value };
}
