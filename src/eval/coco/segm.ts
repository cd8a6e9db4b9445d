/**
 * segm evaluation through the RLE mask API (`src/eval/mask`), loaded only when masks are needed so
 * bbox evaluation never pays for it. Conversions follow pycocotools' `annToRLE` / `frPyObjects`.
 */
import type { AnnotationTable, Dataset, Segmentation } from '../../core/dataset.js';
import { DetkitError } from '../../core/errors.js';

export interface Rle {
  h: number;
  w: number;
  counts: Uint32Array;
}

/** The part of `src/eval/mask/index.ts` COCO evaluation uses. */
export interface MaskApi {
  rleArea(rle: Rle): number;
  rleToBbox(rle: Rle): [number, number, number, number];
  rleIou(dt: Rle[], gt: Rle[], iscrowd: ArrayLike<number>): Float64Array;
  segmentationToRle(seg: number[][] | { size: [number, number]; counts: number[] | string }, h: number, w: number): Rle;
}

/** Imports the mask API on first use, keeping it out of bbox-only start-up. */
export async function loadMaskApi(): Promise<MaskApi> {
  try {
    return (await import('../mask/index.js')) as MaskApi;
  } catch (e) {
    throw new DetkitError(`segm evaluation needs the RLE mask API (src/eval/mask): ${(e as Error).message}`);
  }
}

/** What an annotation row is called in messages: its JSON path when the table came from a file. */
export type RowName = (row: number) => string;

/**
 * The RLE of one annotation, as `COCO.annToRLE` makes it. pycocotools' frPyObjects reads a
 * polygon list whose first polygon has exactly 4 numbers as boxes (and fails on lists); fewer
 * is unsupported — both are errors here too, naming the record.
 */
export function annotationRle(
  mask: MaskApi,
  table: AnnotationTable,
  row: number,
  height: number,
  width: number,
  name: RowName,
): Rle {
  let seg: Segmentation | undefined = table.segmentations.get(row);
  if (seg === undefined) {
    // loadRes gives box results the box polygon [[x1, y1, x1, y2, x2, y2, x2, y1]].
    const b = row * 4;
    const x1 = table.boxes[b];
    const y1 = table.boxes[b + 1];
    const x2 = x1 + table.boxes[b + 2];
    const y2 = y1 + table.boxes[b + 3];
    seg = [[x1, y1, x1, y2, x2, y2, x2, y1]];
  }
  if (Array.isArray(seg)) {
    const first = seg[0];
    if (!Array.isArray(first) || first.length <= 4) {
      const what =
        Array.isArray(first) && first.length === 4
          ? 'exactly 4 numbers (read as a box by pycocotools)'
          : 'fewer than 3 points';
      throw new DetkitError(`segmentation polygon has ${what}; a polygon needs at least 3 points (6 numbers)`, {
        record: name(row),
        field: 'segmentation',
      });
    }
  }
  try {
    return mask.segmentationToRle(seg, height, width);
  } catch (e) {
    if (e instanceof DetkitError) throw e.within({ record: name(row) });
    throw new DetkitError(`bad segmentation: ${(e as Error).message}`, { record: name(row), field: 'segmentation' });
  }
}

/** Per-row RLEs, made once (as `_prepare` converts every annotation once). */
export class SegmMasks {
  private readonly gtRles: (Rle | undefined)[];
  private readonly dtRles: (Rle | undefined)[];
  private readonly sizes = new Map<number, [number, number]>();

  constructor(
    private readonly gt: Dataset,
    private readonly dt: Dataset,
    private readonly options: { mask?: MaskApi; gtRowName?: RowName; dtRowName?: RowName },
  ) {
    this.gtRles = new Array(gt.annotations.length);
    this.dtRles = new Array(dt.annotations.length);
    for (const im of gt.images) this.sizes.set(im.id, [im.height, im.width]);
  }

  rle(which: 'gt' | 'dt', row: number): Rle {
    const cache = which === 'gt' ? this.gtRles : this.dtRles;
    const hit = cache[row];
    if (hit) return hit;
    const table = which === 'gt' ? this.gt.annotations : this.dt.annotations;
    const name =
      (which === 'gt' ? this.options.gtRowName : this.options.dtRowName) ??
      ((r: number) => `${which === 'gt' ? 'annotations' : 'results'}[${r}]`);
    const [h, w] = this.sizes.get(table.imageIds[row]) ?? [0, 0];
    const rle = annotationRle(this.options.mask!, table, row, h, w, name);
    cache[row] = rle;
    return rle;
  }

  iouInto(dtRows: Int32Array, D: number, gtRows: Int32Array, out: Float64Array): void {
    const dts: Rle[] = [];
    for (let d = 0; d < D; d++) dts.push(this.rle('dt', dtRows[d]));
    const gts: Rle[] = [];
    const crowd = new Uint8Array(gtRows.length);
    for (let j = 0; j < gtRows.length; j++) {
      gts.push(this.rle('gt', gtRows[j]));
      crowd[j] = this.gt.annotations.flags[gtRows[j]] & 1;
    }
    out.set(this.options.mask!.rleIou(dts, gts, crowd));
  }
}
