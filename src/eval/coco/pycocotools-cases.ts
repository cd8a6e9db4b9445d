/**
 * Test support: runs a reference case from fixtures/pycocotools/ (gt.json, dt.json, case.json,
 * expected.json produced by pycocotools) through detkit's evaluator.
 */
import type { Dataset } from '../../core/dataset.js';
import { type CocoEvalResult, evaluateCocoWith } from './index.js';
import { loadCocoResults, parseCocoGroundTruth } from './load.js';
import type { CocoParams } from './params.js';
import type { MaskApi } from './segm.js';

export interface CaseConfig {
  name: string;
  iouType: 'bbox' | 'segm';
  params: Record<string, unknown>;
}

export interface ExpectedResult {
  config: string;
  error: { stage: string; type: string; message: string } | null;
  stats: number[];
  stats_hex: string[];
  precision_shape: number[];
  precision_checksum: { count_not_minus1: number; sum: number; sum_sq: number; count_minus1: number };
  recall: unknown[];
  ap_per_t_k_a_m: unknown[];
  per_category_ap_iou50_95_area_all_maxdet: { maxDet: number; values: { category_id: number; ap: number }[] };
  ious: { image_id: number; category_id: number; matrix: number[][] }[];
  evalImgs_area_all: {
    image_id: number;
    category_id: number;
    dtIds: number[];
    dtScores: number[];
    gtIds: number[];
    gtIgnore: number[];
    dtMatches: number[][];
    dtIgnore: number[][];
    gtMatches: number[][];
  }[];
}

/** Params overrides as case.json spells them (numpy names, 0/1 for useCats). */
export function paramsFromCase(config: CaseConfig): Partial<CocoParams> {
  const out: Partial<CocoParams> = { iouType: config.iouType };
  const o = config.params;
  if (o.iouThrs) out.iouThrs = o.iouThrs as number[];
  if (o.recThrs) out.recThrs = o.recThrs as number[];
  if (o.maxDets) out.maxDets = o.maxDets as number[];
  if (o.areaRng) out.areaRng = o.areaRng as [number, number][];
  if (o.areaRngLbl) out.areaRngLbl = o.areaRngLbl as string[];
  if (o.useCats !== undefined) out.useCats = Boolean(o.useCats);
  if (o.imgIds) out.imgIds = o.imgIds as number[];
  if (o.catIds) out.catIds = o.catIds as number[];
  return out;
}

export async function runCase(
  gtText: string,
  dtText: string,
  config: CaseConfig,
  mask?: MaskApi,
): Promise<{ gt: Dataset; result: CocoEvalResult }> {
  const gt = parseCocoGroundTruth(gtText, 'gt.json');
  const dt = await loadCocoResults(dtText, gt, { file: 'dt.json', mask });
  const result = evaluateCocoWith(gt, dt, { params: paramsFromCase(config), keepDetails: true, mask });
  return { gt, result };
}

/** Python's float.hex() parsed back to the exact double. */
export function fromHex(hex: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]+)p([+-]\d+)$/.exec(hex);
  if (!m) throw new Error(`not a float hex: ${hex}`);
  const frac = Number.parseInt(m[3], 16) / 16 ** m[3].length;
  const v = (Number(m[2]) + frac) * 2 ** Number(m[4]);
  return m[1] ? -v : v;
}

/** The IEEE-754 bit pattern, for exact comparisons with readable failures. */
export function bits(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return `${x} (0x${view.getBigUint64(0).toString(16).padStart(16, '0')})`;
}
