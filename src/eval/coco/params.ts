/**
 * COCOeval's `Params` for bbox and segm evaluation, with pycocotools' exact default values.
 */

export type CocoIouType = 'bbox' | 'segm';

export interface CocoParams {
  iouType: CocoIouType;
  /** Images to evaluate; default: every ground-truth image. Sorted and de-duplicated before use. */
  imgIds?: number[];
  /** Categories to evaluate; default: every ground-truth category. Sorted and de-duplicated. */
  catIds?: number[];
  iouThrs: number[];
  recThrs: number[];
  /** Sorted ascending before use, as COCOeval.evaluate does. */
  maxDets: number[];
  /** Closed ranges `[lo, hi]` on the GT `area` field and the detection's box w × h. */
  areaRng: [number, number][];
  areaRngLbl: string[];
  /** false: categories are ignored (proposal scoring). */
  useCats: boolean;
}

/**
 * numpy.linspace with numpy's float arithmetic: `i * step + start`, the last value set to `stop`.
 * So linspace(.5, .95, 10)[8] is 0.8999999999999999 and linspace(0, 1, 101)[70] 0.7000000000000001.
 */
export function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const delta = stop - start;
  const out = new Array<number>(num);
  if (div <= 0) {
    if (num === 1) out[0] = start;
    return out;
  }
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  out[num - 1] = stop;
  return out;
}

/** pycocotools' `Params(iouType)` defaults (setDetParams). */
export function defaultParams(iouType: CocoIouType = 'bbox'): CocoParams {
  return {
    iouType,
    iouThrs: linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
    recThrs: linspace(0.0, 1.0, Math.round((1.0 - 0.0) / 0.01) + 1),
    maxDets: [1, 10, 100],
    areaRng: [
      [0 ** 2, 1e5 ** 2],
      [0 ** 2, 32 ** 2],
      [32 ** 2, 96 ** 2],
      [96 ** 2, 1e5 ** 2],
    ],
    areaRngLbl: ['all', 'small', 'medium', 'large'],
    useCats: true,
  };
}

/** Sorted unique values (np.unique). */
export function sortedUnique(values: Iterable<number>): number[] {
  const out = [...new Set(values)].sort((a, b) => a - b);
  return out;
}
