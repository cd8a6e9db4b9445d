/**
 * Phase 3 of COCOeval: the 12 summary numbers, each the numpy mean (pairwise summation) of the
 * selected precision or recall entries that are > -1, or -1 when there are none.
 */
import { DetkitError } from '../../core/errors.js';
import type { Accumulation } from './accumulate.js';
import { npMean } from './numeric.js';

export const STAT_NAMES = [
  'AP',
  'AP50',
  'AP75',
  'APs',
  'APm',
  'APl',
  'AR1',
  'AR10',
  'AR100',
  'ARs',
  'ARm',
  'ARl',
] as const;

export interface SummaryQuery {
  /** true: precision (AP), false: recall (AR). */
  ap: boolean;
  iouThr?: number;
  areaRng?: string;
  maxDets?: number;
}

/** pycocotools' `_summarize`, including numpy's fancy-index broadcasting of area × maxDets picks. */
export function summarizeOne(acc: Accumulation, q: SummaryQuery): number {
  const p = acc.params;
  const label = q.areaRng ?? 'all';
  const maxDets = q.maxDets ?? 100;
  const aind = indicesWhere(p.areaRngLbl, (l) => l === label);
  const mind = indicesWhere(p.maxDets, (m) => m === maxDets);
  const pairs = broadcastPairs(aind, mind);
  const tind = q.iouThr === undefined ? p.iouThrs.map((_, t) => t) : indicesWhere(p.iouThrs, (t) => t === q.iouThr);
  const pa = Int32Array.from(pairs, ([a]) => a);
  const pm = Int32Array.from(pairs, ([, m]) => m);
  const P = pairs.length;
  if (q.ap) {
    const [, R, K, A, M] = acc.precision.shape;
    const d = acc.precision.data;
    const values = new Float64Array(tind.length * R * K * P);
    let n = 0;
    for (const t of tind)
      for (let r = 0; r < R; r++)
        for (let k = 0; k < K; k++) {
          const base = ((t * R + r) * K + k) * A;
          for (let i = 0; i < P; i++) {
            const v = d[(base + pa[i]) * M + pm[i]];
            if (v > -1) values[n++] = v;
          }
        }
    return n === 0 ? -1 : npMean(values.subarray(0, n));
  }
  const [, K, A, M] = acc.recall.shape;
  const d = acc.recall.data;
  const values = new Float64Array(tind.length * K * P);
  let n = 0;
  for (const t of tind)
    for (let k = 0; k < K; k++) {
      const base = (t * K + k) * A;
      for (let i = 0; i < P; i++) {
        const v = d[(base + pa[i]) * M + pm[i]];
        if (v > -1) values[n++] = v;
      }
    }
  return n === 0 ? -1 : npMean(values.subarray(0, n));
}

/** The 12 stats in pycocotools order (`_summarizeDets`). */
export function summarize(acc: Accumulation): number[] {
  const md = acc.params.maxDets;
  if (md.length < 3) {
    throw new DetkitError(`summarize needs 3 maxDets values (it reads maxDets[0..2]); got [${md.join(', ')}]`);
  }
  return [
    summarizeOne(acc, { ap: true }),
    summarizeOne(acc, { ap: true, iouThr: 0.5, maxDets: md[2] }),
    summarizeOne(acc, { ap: true, iouThr: 0.75, maxDets: md[2] }),
    summarizeOne(acc, { ap: true, areaRng: 'small', maxDets: md[2] }),
    summarizeOne(acc, { ap: true, areaRng: 'medium', maxDets: md[2] }),
    summarizeOne(acc, { ap: true, areaRng: 'large', maxDets: md[2] }),
    summarizeOne(acc, { ap: false, maxDets: md[0] }),
    summarizeOne(acc, { ap: false, maxDets: md[1] }),
    summarizeOne(acc, { ap: false, maxDets: md[2] }),
    summarizeOne(acc, { ap: false, areaRng: 'small', maxDets: md[2] }),
    summarizeOne(acc, { ap: false, areaRng: 'medium', maxDets: md[2] }),
    summarizeOne(acc, { ap: false, areaRng: 'large', maxDets: md[2] }),
  ];
}

function indicesWhere<T>(values: T[], keep: (v: T) => boolean): number[] {
  const out: number[] = [];
  values.forEach((v, i) => {
    if (keep(v)) out.push(i);
  });
  return out;
}

/** `s[..., aind, mind]`: two index lists broadcast together (equal lengths, or one of length 1). */
function broadcastPairs(aind: number[], mind: number[]): [number, number][] {
  if (aind.length === mind.length) return aind.map((a, i) => [a, mind[i]]);
  if (aind.length === 1) return mind.map((m) => [aind[0], m]);
  if (mind.length === 1) return aind.map((a) => [a, mind[0]]);
  throw new DetkitError(
    `area range and maxDets selections cannot be broadcast together (${aind.length} vs ${mind.length} matches)`,
  );
}
