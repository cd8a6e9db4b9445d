import type { Command } from 'commander';
import { DetkitError } from '../../core/errors.js';
import { nodeFiles, writeAtomically } from '../../io/node-files.js';
import type { BoxAdjustments, EnsembleResult, ModelBoxes, WbfConfType } from '../../postprocess/ensemble.js';
import { type CommonOptions, printJson, say, warn } from '../output.js';
import { boxExtent, parseImageSizes, parseResults, type ResultsFile, rowsByImage } from './ensemble-files.js';

const METHODS = ['wbf', 'nms', 'soft-nms', 'nmw'] as const;
type Method = (typeof METHODS)[number];
const CONF_TYPES: WbfConfType[] = ['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg'];

interface EnsembleOptions extends CommonOptions {
  method: string;
  out: string;
  weights?: string;
  iouThr?: string;
  skipBoxThr?: string;
  confType: string;
  allowsOverflow?: boolean;
  sigma: string;
  softMethod: string;
  thresh: string;
  gt?: string;
}

export function registerEnsemble(program: Command): void {
  program
    .command('ensemble')
    .description('Fuse the predictions of several models (COCO results JSON) by WBF, NMS, Soft-NMS or NMW')
    .argument('<predictions...>', 'COCO results JSON files, one per model')
    .requiredOption('--out <file>', 'where to write the fused COCO results JSON')
    .option('--method <name>', `${METHODS.join(' | ')}`, 'wbf')
    .option('--weights <list>', 'model weights, comma-separated in file order (e.g. 2,1)')
    .option('--iou-thr <n>', 'boxes match above this IoU (default 0.55 for wbf/nmw, 0.5 for nms/soft-nms)')
    .option('--skip-box-thr <n>', 'ignore boxes scoring below this', '0')
    .option('--conf-type <type>', `wbf confidence: ${CONF_TYPES.join(' | ')}`, 'avg')
    .option('--allows-overflow', 'wbf avg: let a fused score exceed 1')
    .option('--soft-method <m>', 'soft-nms decay: gaussian | linear', 'gaussian')
    .option('--sigma <n>', 'soft-nms gaussian sigma', '0.5')
    .option('--thresh <n>', 'soft-nms: drop boxes whose decayed score is not above this', '0.001')
    .option('--gt <file>', 'COCO instances JSON whose images give the image sizes (boxes are normalised by them)')
    .option('--json', 'machine-readable summary on stdout')
    .option('--quiet', 'no summary')
    .action(async (paths: string[], options: EnsembleOptions) => {
      await runEnsemble(paths, options);
    });
}

function number(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new DetkitError(`${option} must be a number, got "${value}"`);
  return n;
}

function parseWeights(value: string | undefined, models: number): number[] | undefined {
  if (value === undefined) return undefined;
  const weights = value.split(',').map((w) => number('--weights', w, 0));
  if (weights.length !== models) {
    throw new DetkitError(`--weights has ${weights.length} values for ${models} prediction files`);
  }
  if (weights.some((w) => w < 0)) throw new DetkitError('--weights must not be negative');
  return weights;
}

async function runEnsemble(paths: string[], options: EnsembleOptions): Promise<void> {
  const method = options.method as Method;
  if (!METHODS.includes(method))
    throw new DetkitError(`--method must be one of ${METHODS.join(', ')}, got "${method}"`);
  if (!CONF_TYPES.includes(options.confType as WbfConfType)) {
    throw new DetkitError(`--conf-type must be one of ${CONF_TYPES.join(', ')}, got "${options.confType}"`);
  }
  if (options.softMethod !== 'gaussian' && options.softMethod !== 'linear') {
    throw new DetkitError(`--soft-method must be gaussian or linear, got "${options.softMethod}"`);
  }
  const weights = parseWeights(options.weights, paths.length);
  const iouThr = number('--iou-thr', options.iouThr, method === 'wbf' || method === 'nmw' ? 0.55 : 0.5);
  const skipBoxThr = number('--skip-box-thr', options.skipBoxThr, 0);
  const sigma = number('--sigma', options.sigma, 0.5);
  const thresh = number('--thresh', options.thresh, 0.001);

  // Loaded here, not at the top: every CLI start pays for the top-level imports of all commands.
  const ensemble = await import('../../postprocess/ensemble.js');
  const ensembleNms = await import('../../postprocess/ensemble-nms.js');
  const files: ResultsFile[] = [];
  for (const path of paths) files.push(parseResults(path, await nodeFiles.readText(path)));
  const sizes = options.gt ? parseImageSizes(options.gt, await nodeFiles.readText(options.gt)) : undefined;
  if (!sizes) {
    warn('no --gt given: each image size is taken as the largest box extent of its predictions');
  }

  const fuse = (models: ModelBoxes[]): EnsembleResult => {
    if (method === 'wbf') {
      return ensemble.weightedBoxesFusion(models, {
        weights,
        iouThr,
        skipBoxThr,
        confType: options.confType as WbfConfType,
        allowsOverflow: options.allowsOverflow,
      });
    }
    if (method === 'nmw') return ensemble.nonMaximumWeighted(models, { weights, iouThr, skipBoxThr });
    // ensemble_boxes' nms and soft_nms take no skip threshold: filter first.
    const kept = skipBoxThr > 0 ? models.map((m) => aboveThreshold(m, skipBoxThr)) : models;
    if (method === 'nms') return ensembleNms.ensembleNms(kept, { weights, iouThr });
    return ensembleNms.ensembleSoftNms(kept, {
      weights,
      iouThr,
      sigma,
      thresh,
      method: options.softMethod as 'gaussian' | 'linear',
      scores: 'decayed',
    });
  };

  const { imageIds, rows } = rowsByImage(files);
  const adjusted: BoxAdjustments = { swapped: 0, clamped: 0, zeroAreaSkipped: 0 };
  const lines: string[] = [];
  let missingSizes = 0;
  for (const imageId of imageIds) {
    const perModel = rows.get(imageId)!;
    let size = sizes?.get(imageId);
    if (!size) {
      if (sizes) missingSizes++;
      size = boxExtent(files, perModel);
    }
    const { width: w, height: h } = size;
    const models = perModel.map((modelRows, t) => normalised(files[t], modelRows, w, h));
    const fused = fuse(models);
    adjusted.swapped += fused.adjusted.swapped;
    adjusted.clamped += fused.adjusted.clamped;
    adjusted.zeroAreaSkipped += fused.adjusted.zeroAreaSkipped;
    for (let k = 0; k < fused.length; k++) {
      const b = k * 4;
      const x = fused.boxes[b] * w;
      const y = fused.boxes[b + 1] * h;
      const bbox = [x, y, fused.boxes[b + 2] * w - x, fused.boxes[b + 3] * h - y].map(tidy);
      lines.push(JSON.stringify({ image_id: imageId, category_id: fused.labels[k], bbox, score: fused.scores[k] }));
    }
  }
  await writeAtomically(options.out, (staging) => nodeFiles.writeText(staging, `[\n${lines.join(',\n')}\n]\n`));

  if (missingSizes > 0) {
    warn(`${missingSizes} images are not in ${options.gt}: their size is the largest box extent of their predictions`);
  }
  if (adjusted.clamped > 0) warn(`${adjusted.clamped} box coordinates outside the image were clamped to it`);
  if (adjusted.swapped > 0) warn(`${adjusted.swapped} boxes had negative width or height and were flipped`);
  if (adjusted.zeroAreaSkipped > 0) warn(`${adjusted.zeroAreaSkipped} zero-area boxes were skipped`);
  const boxesIn = files.reduce((sum, f) => sum + f.length, 0);
  const summary = {
    method,
    models: files.length,
    images: imageIds.length,
    boxesIn,
    boxesOut: lines.length,
    out: options.out,
  };
  if (options.json) printJson({ ...summary, adjusted });
  else {
    say(
      options,
      `${method}: ${summary.models} models, ${summary.images} images, ${boxesIn} boxes → ${lines.length} boxes in ${options.out}`,
    );
  }
}

/** One model's boxes of one image as normalised xyxy. */
function normalised(f: ResultsFile, rows: number[], w: number, h: number): ModelBoxes {
  const boxes = new Float64Array(rows.length * 4);
  const scores = new Float64Array(rows.length);
  const labels = new Int32Array(rows.length);
  rows.forEach((i, k) => {
    const x = f.boxes[i * 4];
    const y = f.boxes[i * 4 + 1];
    boxes[k * 4] = x / w;
    boxes[k * 4 + 1] = y / h;
    boxes[k * 4 + 2] = (x + f.boxes[i * 4 + 2]) / w;
    boxes[k * 4 + 3] = (y + f.boxes[i * 4 + 3]) / h;
    scores[k] = f.scores[i];
    labels[k] = f.categoryIds[i];
  });
  return { boxes, scores, labels };
}

function aboveThreshold(m: ModelBoxes, thr: number): ModelBoxes {
  const keep: number[] = [];
  for (let i = 0; i < m.scores.length; i++) if (m.scores[i] >= thr) keep.push(i);
  return {
    boxes: keep.flatMap((i) => [m.boxes[i * 4], m.boxes[i * 4 + 1], m.boxes[i * 4 + 2], m.boxes[i * 4 + 3]]),
    scores: keep.map((i) => m.scores[i]),
    labels: keep.map((i) => m.labels[i]),
  };
}

/** Removes the float noise of normalising and back (1e-6 px is far below any annotation's precision). */
function tidy(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
