/**
 * The `detkit eval` sections beyond the COCO numbers: VOC and classification metrics, per-class
 * table, F1-optimal threshold, TIDE errors, confusion matrix, and the HTML report. The command
 * stays thin: it loads the datasets and calls these.
 */
import { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { type ClassificationResult, evaluateClassification, samplesFromDatasets } from '../eval/classification.js';
import type { DetectionAnalysis } from '../eval/detection-analysis.js';
import type { EvalReportInput } from '../eval/report/html.js';
import type { VocResult } from '../eval/voc.js';
import { nodeFiles } from '../io/node-files.js';
import { type CommonOptions, formatNumber, say, table } from './output.js';

export type EvalMetric = 'coco' | 'voc07' | 'voc12' | 'cls';
export const EVAL_METRICS: EvalMetric[] = ['coco', 'voc07', 'voc12', 'cls'];

export function parseMetric(value: string): EvalMetric {
  if (!(EVAL_METRICS as string[]).includes(value)) {
    throw new DetkitError(`--metric must be one of ${EVAL_METRICS.join(', ')}, got "${value}"`);
  }
  return value as EvalMetric;
}

export function parseThreshold(flag: string, value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v < 0 || v > 1)
    throw new DetkitError(`${flag} must be a number in [0, 1], got "${value}"`);
  return v;
}

const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
const shown = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) || v < 0 ? '-' : v.toFixed(3);

/** The JSON sections `perClass`, `f1Optimal`, `tide`, `confusion` (curves left out: see --report). */
export function detectionJson(a: DetectionAnalysis, extraPerClass?: Map<number, Record<string, unknown>>) {
  const best = new Map(a.f1Optimal.perClass.map((c) => [c.categoryId, c.best]));
  return {
    perClass: (a.perClass ?? []).map((r) => {
      const b = best.get(r.categoryId);
      return {
        categoryId: r.categoryId,
        name: r.name,
        gtCount: r.gtCount,
        ap: num(r.ap),
        ...(r.ap50 !== undefined ? { ap50: num(r.ap50), ap75: num(r.ap75) } : {}),
        ...extraPerClass?.get(r.categoryId),
        f1Threshold: b?.threshold ?? null,
        precision: b?.precision ?? null,
        recall: b?.recall ?? null,
        f1: b?.f1 ?? null,
      };
    }),
    f1Optimal: {
      iouThreshold: a.f1Optimal.iouThreshold,
      overall: a.f1Optimal.overall.best,
      perClass: a.f1Optimal.perClass.map((c) => ({ categoryId: c.categoryId, name: c.name, ...c.best })),
    },
    tide: a.tide,
    confusion: {
      iouThreshold: a.confusion.iouThreshold,
      scoreThreshold: a.confusion.scoreThreshold,
      rows: 'predicted',
      columns: 'true',
      labels: a.confusion.labels,
      matrix: a.confusion.matrix,
    },
  };
}

/** Human tables for the detection sections. */
export function printDetection(options: CommonOptions, a: DetectionAnalysis): void {
  const best = new Map(a.f1Optimal.perClass.map((c) => [c.categoryId, c.best]));
  if (a.perClass) {
    const coco = a.perClass.some((r) => r.ap50 !== undefined);
    say(
      options,
      table(
        a.perClass.map((r) => {
          const b = best.get(r.categoryId);
          return [
            r.name,
            r.gtCount,
            shown(r.ap),
            ...(coco ? [shown(r.ap50), shown(r.ap75)] : []),
            shown(b?.threshold),
            shown(b?.precision),
            shown(b?.recall),
            shown(b?.f1),
          ];
        }),
        ['class', 'GT', 'AP', ...(coco ? ['AP50', 'AP75'] : []), 'F1-thr', 'P', 'R', 'F1'],
      ),
    );
    say(options);
  }
  const o = a.f1Optimal.overall.best;
  say(
    options,
    o
      ? `F1-optimal score threshold (IoU ${a.f1Optimal.iouThreshold}): ${o.threshold.toFixed(3)} — mean F1 ${o.f1.toFixed(3)}, P ${o.precision.toFixed(3)}, R ${o.recall.toFixed(3)} (TP ${o.tp}, FP ${o.fp}, FN ${o.fn})`
      : 'F1-optimal score threshold: none (no detection matches any ground truth)',
  );
  say(options);
  const t = a.tide;
  say(
    options,
    table(
      [
        ...t.main.map((e) => [e.name, e.count, (e.dAP * 100).toFixed(2)]),
        ['All false positives', '', (t.special.falsePositive * 100).toFixed(2)],
        ['All false negatives', '', (t.special.falseNegative * 100).toFixed(2)],
      ],
      [`TIDE error (base AP@${t.posThreshold} ${(t.ap * 100).toFixed(2)})`, 'count', 'dAP'],
    ),
  );
  say(options);
  const c = a.confusion;
  const title = `Confusion matrix (IoU > ${c.iouThreshold}, score > ${c.scoreThreshold})`;
  if (c.labels.length <= 16) {
    say(options, `${title}: rows predicted, columns true`);
    say(
      options,
      table(
        c.matrix.map((row, i) => [c.labels[i], ...row]),
        ['', ...c.labels],
      ),
    );
  } else {
    say(options, `${title}: ${c.labels.length} × ${c.labels.length}, see --json or --report`);
  }
}

export function vocSummary(voc: VocResult): { name: string; value: number }[] {
  const name = voc.method === 'voc07' ? 'mAP (VOC2007 11-point)' : 'mAP (VOC2010+ all-point)';
  return [{ name: `${name} @ IoU ${voc.iouThreshold}`, value: voc.map }];
}

export function classificationJson(r: ClassificationResult) {
  return {
    images: r.images,
    unpredicted: r.unpredicted,
    topK: r.topK,
    averages: r.averages,
    perClass: r.perClass,
    confusion: { rows: 'true', columns: 'predicted', ...r.confusion },
    notes: r.notes,
  };
}

export function printClassification(options: CommonOptions, r: ClassificationResult): void {
  say(
    options,
    table(
      [
        ...r.topK.map((t) => [`top-${t.k} accuracy`, t.accuracy]),
        ...(['micro', 'macro', 'weighted'] as const).map((avg) => [
          `${avg} P / R / F1`,
          [r.averages[avg].precision, r.averages[avg].recall, r.averages[avg].f1].map(formatNumber).join(' / '),
        ]),
      ],
      [`classification (${r.images} images)`, 'value'],
    ),
  );
  say(options);
  say(
    options,
    table(
      r.perClass.map((c) => [c.name, c.precision, c.recall, c.f1, c.support]),
      ['class', 'precision', 'recall', 'F1', 'support'],
    ),
  );
  for (const note of r.notes) say(options, `note: ${note}`);
}

/** Classification from datasets: truth from image labels (else the image's first annotation). */
export function evaluateClassificationDatasets(gt: Dataset, pred: Dataset): ClassificationResult {
  const g = gt.annotations;
  const firstCategory = new Map<number, number>();
  for (let row = 0; row < g.length; row++) {
    if (!firstCategory.has(g.imageIds[row])) firstCategory.set(g.imageIds[row], g.categoryIds[row]);
  }
  for (const image of gt.images) {
    const c = firstCategory.get(image.id);
    if ((image.labels?.length ?? 0) === 0 && c !== undefined) image.labels = [c];
  }
  const { samples, unlabeled, multiLabel } = samplesFromDatasets(gt, pred);
  const r = evaluateClassification(samples, { categories: gt.categories });
  if (unlabeled > 0) r.notes.push(`${unlabeled} ground-truth image(s) have no label: skipped`);
  if (multiLabel > 0) r.notes.push(`${multiLabel} ground-truth image(s) have several labels: the first is used`);
  return r;
}

/**
 * Classification predictions from JSON: a list of `{image_id, category_id, score}` (any number
 * per image: ranked by score) or `{image_id, scores: [...]}` (one score per ground-truth category,
 * in ascending category id order).
 */
export function parseClassificationPredictions(text: string, gt: Dataset, file: string): Dataset {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new DetkitError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  if (!Array.isArray(root)) throw new DetkitError('expected a JSON list of predictions', { file });
  const out = new Dataset(root.length);
  out.categories = gt.categories.map((c) => ({ ...c }));
  out.images = gt.images.map((im) => ({ ...im, labels: undefined }));
  const ids = [...gt.categories].sort((a, b) => a.id - b.id).map((c) => c.id);
  root.forEach((entry, i) => {
    const e = entry as { image_id?: unknown; category_id?: unknown; score?: unknown; scores?: unknown };
    if (typeof e?.image_id !== 'number') throw new DetkitError('image_id must be a number', { file, record: `[${i}]` });
    if (Array.isArray(e.scores)) {
      if (e.scores.length !== ids.length) {
        throw new DetkitError(`scores has ${e.scores.length} values for ${ids.length} categories`, {
          file,
          record: `[${i}]`,
        });
      }
      e.scores.forEach((s, j) => out.annotations.addBox(e.image_id as number, ids[j], 0, 0, 0, 0, Number(s)));
    } else if (typeof e.category_id === 'number') {
      const score = typeof e.score === 'number' ? e.score : 1;
      out.annotations.addBox(e.image_id, e.category_id, 0, 0, 0, 0, score);
    } else {
      throw new DetkitError('expected category_id (with score) or scores', { file, record: `[${i}]` });
    }
  });
  return out;
}

/** Writes the HTML report (SVG + PNG plots) and says where. */
export async function writeReport(options: CommonOptions, dir: string, input: EvalReportInput): Promise<string[]> {
  // The report's modules (and sharp, for PNG plots) load only when a report is asked for.
  const [{ writeEvalReport }, { svgToPng }] = await Promise.all([
    import('../eval/report/write.js'),
    import('../io/svg-png.js'),
  ]);
  const written = await writeEvalReport(input, nodeFiles, dir, { rasterize: (svg) => svgToPng(svg) });
  say(options, `report: ${dir}/index.html (${written.length - 1} plot files)`);
  return written;
}
