/** The report's index.html: tables as HTML, plots as <img> of the SVG files next to it. */
import type { ClassificationResult } from '../classification.js';
import type { DetectionAnalysis } from '../detection-analysis.js';

export interface EvalReportInput {
  title?: string;
  /** The summary statistics (COCO's 12 numbers, VOC mAP, accuracy …). */
  summary?: { name: string; value: number | string | null }[];
  detection?: DetectionAnalysis;
  classification?: ClassificationResult;
  notes?: string[];
}

export interface ReportPlot {
  /** File name without extension. */
  name: string;
  caption: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fmt = (v: number | string | null | undefined, digits = 3): string =>
  v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))
    ? '—'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? String(v)
        : v.toFixed(digits)
      : v;

function table(header: string[], rows: (number | string | null | undefined)[][]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="num"' : ''}>${escapeHtml(fmt(c))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

export function reportHtml(input: EvalReportInput, plots: ReportPlot[], withPng: boolean): string {
  const sections: string[] = [];
  const withPlot = (name: string) => {
    const p = plots.find((q) => q.name === name);
    if (!p) return '';
    const png = withPng ? ` (<a href="${p.name}.png">png</a>)` : '';
    return (
      `<figure><a href="${p.name}.svg"><img src="${p.name}.svg" alt="${escapeHtml(p.caption)}"></a>` +
      `<figcaption>${escapeHtml(p.caption)}${png}</figcaption></figure>`
    );
  };
  if (input.summary && input.summary.length > 0) {
    sections.push(
      `<h2>Summary</h2>${table(
        ['metric', 'value'],
        input.summary.map((s) => [s.name, s.value]),
      )}`,
    );
  }
  const d = input.detection;
  if (d) {
    if (d.perClass) {
      const f1 = new Map(d.f1Optimal.perClass.map((c) => [c.categoryId, c.best]));
      const hasCoco = d.perClass.some((r) => r.ap50 !== undefined);
      const header = ['class', 'GT', hasCoco ? 'AP@[.5:.95]' : 'AP', ...(hasCoco ? ['AP50', 'AP75'] : [])];
      header.push('F1-opt. threshold', 'P', 'R', 'F1');
      const rows = d.perClass.map((r) => {
        const b = f1.get(r.categoryId);
        return [
          r.name,
          r.gtCount,
          r.ap,
          ...(hasCoco ? [r.ap50, r.ap75] : []),
          b?.threshold,
          b?.precision,
          b?.recall,
          b?.f1,
        ];
      });
      sections.push(
        `<h2>Per-class AP</h2><p>Best first; precision / recall / F1 at each class's F1-optimal score threshold (IoU ${d.f1Optimal.iouThreshold}).</p>${table(header, rows)}`,
      );
    }
    sections.push(`<h2>Precision–recall curves</h2>${withPlot('pr-overall')}${withPlot('pr-per-class')}`);
    const best = d.f1Optimal.overall.best;
    sections.push(
      `<h2>Score threshold</h2><p>${
        best
          ? `Deploy at score ≥ <b>${best.threshold.toFixed(3)}</b>: mean F1 ${best.f1.toFixed(3)}, mean precision ${best.precision.toFixed(3)}, mean recall ${best.recall.toFixed(3)} (TP ${best.tp}, FP ${best.fp}, FN ${best.fn}).`
          : 'No detection matched any ground truth.'
      }</p>${withPlot('f1-threshold')}`,
    );
    sections.push(
      `<h2>Confusion matrix</h2><p>Rows: predicted class, columns: true class; the background row counts missed GTs, the background column detections with no GT.</p>${withPlot('confusion')}`,
    );
    const t = d.tide;
    sections.push(
      `<h2>Error breakdown (TIDE)</h2><p>dAP: AP@${t.posThreshold} points gained if only that error type were fixed (base AP ${fmt(t.ap * 100, 2)}; background threshold IoU ${t.bgThreshold}).</p>` +
        table(
          ['error', 'count', 'dAP'],
          [
            ...t.main.map((e) => [e.name, e.count, e.dAP * 100]),
            ['All false positives', null, t.special.falsePositive * 100],
            ['All false negatives', null, t.special.falseNegative * 100],
          ],
        ) +
        withPlot('tide'),
    );
  }
  const c = input.classification;
  if (c) {
    sections.push(
      `<h2>Classification</h2>${table(
        ['metric', 'value'],
        [
          ['images', c.images],
          ...c.topK.map((t) => [`top-${t.k} accuracy`, t.accuracy] as [string, number]),
          ...(['micro', 'macro', 'weighted'] as const).flatMap((avg) => [
            [`${avg} precision`, c.averages[avg].precision],
            [`${avg} recall`, c.averages[avg].recall],
            [`${avg} F1`, c.averages[avg].f1],
          ]),
        ],
      )}<h3>Per class</h3>${table(
        ['class', 'precision', 'recall', 'F1', 'support', 'predicted'],
        c.perClass.map((r) => [r.name, r.precision, r.recall, r.f1, r.support, r.predicted]),
      )}${withPlot('class-f1')}${withPlot('class-confusion')}`,
    );
  }
  const notes = [...(input.notes ?? []), ...(c?.notes ?? [])];
  if (notes.length > 0)
    sections.push(`<h2>Notes</h2><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  const title = escapeHtml(input.title ?? 'detkit evaluation report');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
img { max-width: 100%; }
figcaption { color: #666; font-size: 13px; }
</style>
</head>
<body>
<h1>${title}</h1>
${sections.join('\n')}
</body>
</html>
`;
}
