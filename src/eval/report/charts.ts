/**
 * The report's plots as Vega-Lite specs, rendered to SVG strings by Vega's headless renderer
 * (no canvas, no DOM: runs in Node and in a browser page alike).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PrCurves } from '../analysis/coco-tables.js';
import type { DetectionConfusion } from '../analysis/confusion.js';
import type { F1Optimal } from '../analysis/f1-threshold.js';
import type { TideResult } from '../analysis/tide.js';
import type { ClassificationResult } from '../classification.js';

/** Renders a Vega-Lite spec to an SVG document. Vega loads on first use (~600 KB a browser bundle need not carry). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const unitScale = { domain: [0, 1] as [number, number] };

/** Overall precision–recall curves (IoU .5, and .5:.95 when known). */
export function prOverallSpec(pr: PrCurves): TopLevelSpec {
  const values = pr.recall.flatMap((recall, r) => [
    { recall, precision: pr.overall.iou50[r], iou: 'IoU 0.5' },
    ...(pr.overall.iou50to95 ? [{ recall, precision: pr.overall.iou50to95[r], iou: 'IoU 0.5:0.95' }] : []),
  ]);
  return {
    title: 'Precision–recall, all classes',
    width: 420,
    height: 320,
    data: { values: values.filter((v) => Number.isFinite(v.precision)) },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'recall', type: 'quantitative', scale: unitScale },
      y: { field: 'precision', type: 'quantitative', scale: unitScale },
      color: { field: 'iou', type: 'nominal', title: null },
    },
  };
}

/** One small precision–recall plot per class. */
export function prPerClassSpec(pr: PrCurves): TopLevelSpec {
  const values = pr.perClass.flatMap((c) =>
    pr.recall.flatMap((recall, r) => [
      { class: c.name, recall, precision: c.iou50[r], iou: 'IoU 0.5' },
      ...(c.iou50to95 ? [{ class: c.name, recall, precision: c.iou50to95[r], iou: 'IoU 0.5:0.95' }] : []),
    ]),
  );
  return {
    title: 'Precision–recall per class',
    data: { values: values.filter((v) => Number.isFinite(v.precision)) },
    facet: { field: 'class', type: 'nominal', title: null, sort: pr.perClass.map((c) => c.name) },
    columns: 6,
    spec: {
      width: 120,
      height: 90,
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'recall', type: 'quantitative', scale: unitScale },
        y: { field: 'precision', type: 'quantitative', scale: unitScale },
        color: { field: 'iou', type: 'nominal', title: null },
      },
    },
  };
}

/**
 * A confusion matrix heat map. Colour: the cell's share of its true-class column (as Ultralytics
 * normalises); text: the count.
 */
export function confusionSpec(
  title: string,
  labels: string[],
  matrix: number[][],
  orientation: 'rows-predicted' | 'rows-true',
): TopLevelSpec {
  const columnTotals = labels.map((_, j) => matrix.reduce((s, row) => s + row[j], 0));
  const rowTotals = matrix.map((row) => row.reduce((s, v) => s + v, 0));
  const values = matrix.flatMap((row, i) =>
    row.map((count, j) => {
      const predicted = orientation === 'rows-predicted' ? labels[i] : labels[j];
      const truth = orientation === 'rows-predicted' ? labels[j] : labels[i];
      const total = orientation === 'rows-predicted' ? columnTotals[j] : rowTotals[i];
      return { predicted, truth, count, share: total > 0 ? count / total : 0 };
    }),
  );
  const side = Math.max(240, Math.min(900, labels.length * 28));
  const sort = labels;
  return {
    title,
    width: side,
    height: side,
    data: { values },
    encoding: {
      x: { field: 'truth', type: 'nominal', sort, title: 'true' },
      y: { field: 'predicted', type: 'nominal', sort, title: 'predicted' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            scale: { domain: [0, 1], range: ['#ffffff', '#08306b'], interpolate: 'rgb' },
            title: 'share of true class',
          },
        },
      },
      ...(labels.length <= 30
        ? [
            {
              mark: { type: 'text' as const, fontSize: 9 },
              transform: [{ filter: 'datum.count > 0' }],
              encoding: {
                text: { field: 'count', type: 'quantitative' as const },
                color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
  };
}

export function detectionConfusionSpec(c: DetectionConfusion): TopLevelSpec {
  return confusionSpec(
    `Confusion matrix (IoU > ${c.iouThreshold}, score > ${c.scoreThreshold})`,
    c.labels,
    c.matrix,
    'rows-predicted',
  );
}

export function classificationConfusionSpec(r: ClassificationResult): TopLevelSpec {
  return confusionSpec('Confusion matrix', r.confusion.names, r.confusion.matrix, 'rows-true');
}

/** TIDE: the AP each error type would add if fixed. */
export function tideSpec(t: TideResult): TopLevelSpec {
  const values = [
    ...t.main.map((e) => ({ error: e.name, dAP: e.dAP * 100, kind: 'main error' })),
    { error: 'All false positives', dAP: t.special.falsePositive * 100, kind: 'special' },
    { error: 'All false negatives', dAP: t.special.falseNegative * 100, kind: 'special' },
  ];
  return {
    title: `TIDE error breakdown (AP@${t.posThreshold} = ${(t.ap * 100).toFixed(1)})`,
    width: 360,
    height: { step: 22 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'error', type: 'nominal', sort: null, title: null },
      x: { field: 'dAP', type: 'quantitative', title: 'dAP (AP points gained if fixed)' },
      color: { field: 'kind', type: 'nominal', title: null },
    },
  };
}

/** F1 against the score threshold: every class thin, the macro mean bold. */
export function f1Spec(f: F1Optimal): TopLevelSpec {
  const perClass = f.perClass.filter((c) => c.gtCount > 0);
  const values = [
    ...perClass.flatMap((c) => c.curve.map((p) => ({ threshold: p.threshold, f1: p.f1, series: c.name }))),
    ...f.overall.curve.map((p) => ({ threshold: p.threshold, f1: p.f1, series: 'all classes (mean)' })),
  ];
  const best = f.overall.best;
  return {
    title: best
      ? `F1 vs score threshold (IoU ${f.iouThreshold}); best mean F1 ${best.f1.toFixed(3)} at ${best.threshold.toFixed(3)}`
      : `F1 vs score threshold (IoU ${f.iouThreshold})`,
    width: 420,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1, opacity: 0.5 },
        transform: [{ filter: "datum.series !== 'all classes (mean)'" }],
        encoding: {
          x: { field: 'threshold', type: 'quantitative', title: 'score threshold' },
          y: { field: 'f1', type: 'quantitative', scale: unitScale, title: 'F1' },
          detail: { field: 'series', type: 'nominal' },
          color: perClass.length <= 10 ? { field: 'series', type: 'nominal', title: null } : { value: '#999' },
        },
      },
      {
        mark: { type: 'line', strokeWidth: 3, color: '#1f4e9c' },
        transform: [{ filter: "datum.series === 'all classes (mean)'" }],
        encoding: {
          x: { field: 'threshold', type: 'quantitative' },
          y: { field: 'f1', type: 'quantitative' },
        },
      },
    ],
  };
}

/** Per-class F1 for classification, worst first. */
export function classF1Spec(r: ClassificationResult): TopLevelSpec {
  return {
    title: 'F1 per class',
    width: 360,
    height: { step: 16 },
    data: { values: r.perClass.map((c) => ({ class: c.name, f1: c.f1 })) },
    mark: 'bar',
    encoding: {
      y: { field: 'class', type: 'nominal', sort: { field: 'f1', order: 'ascending' }, title: null },
      x: { field: 'f1', type: 'quantitative', scale: unitScale, title: 'F1' },
    },
  };
}
