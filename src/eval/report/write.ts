/**
 * writeEvalReport: index.html plus every plot as .svg (and .png when a rasterizer is given —
 * PNG conversion needs a native library, so the Node edge supplies it: `svgToPng` in
 * src/io/svg-png.ts). Environment-free: files go through FileAccess.
 */
import type { FileAccess } from '../../core/files.js';
import {
  classF1Spec,
  classificationConfusionSpec,
  detectionConfusionSpec,
  f1Spec,
  prOverallSpec,
  prPerClassSpec,
  renderSvg,
  tideSpec,
} from './charts.js';
import { type EvalReportInput, type ReportPlot, reportHtml } from './html.js';

export type { EvalReportInput } from './html.js';

export interface EvalReportOptions {
  /** SVG document → PNG bytes; without it only SVG files are written. */
  rasterize?: (svg: string) => Promise<Uint8Array>;
}

/** Writes the report into `dir` and returns the paths written (relative to `dir`). */
export async function writeEvalReport(
  results: EvalReportInput,
  files: FileAccess,
  dir: string,
  options: EvalReportOptions = {},
): Promise<string[]> {
  const specs: (ReportPlot & { spec: Parameters<typeof renderSvg>[0] })[] = [];
  const d = results.detection;
  if (d?.prCurves && d.prCurves.perClass.length > 0) {
    specs.push({ name: 'pr-overall', caption: 'Precision–recall, mean over classes', spec: prOverallSpec(d.prCurves) });
    specs.push({ name: 'pr-per-class', caption: 'Precision–recall per class', spec: prPerClassSpec(d.prCurves) });
  }
  if (d) {
    specs.push({ name: 'f1-threshold', caption: 'F1 against the score threshold', spec: f1Spec(d.f1Optimal) });
    specs.push({ name: 'confusion', caption: 'Detection confusion matrix', spec: detectionConfusionSpec(d.confusion) });
    specs.push({ name: 'tide', caption: 'TIDE error breakdown', spec: tideSpec(d.tide) });
  }
  const c = results.classification;
  if (c && c.perClass.length > 0) {
    specs.push({ name: 'class-f1', caption: 'F1 per class', spec: classF1Spec(c) });
    specs.push({
      name: 'class-confusion',
      caption: 'Classification confusion matrix',
      spec: classificationConfusionSpec(c),
    });
  }

  await files.mkdir(dir);
  const written: string[] = [];
  for (const plot of specs) {
    const svg = await renderSvg(plot.spec);
    await files.writeText(`${dir}/${plot.name}.svg`, svg);
    written.push(`${plot.name}.svg`);
    if (options.rasterize) {
      await files.writeBytes(`${dir}/${plot.name}.png`, await options.rasterize(svg));
      written.push(`${plot.name}.png`);
    }
  }
  const html = reportHtml(results, specs, options.rasterize !== undefined);
  await files.writeText(`${dir}/index.html`, html);
  written.push('index.html');
  return written;
}
