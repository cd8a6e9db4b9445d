import type { Command } from 'commander';
import type { CocoEvalThreads } from '../../io/coco-eval-threads.js';
import type { EvalMetric } from '../eval-extras.js';
import { type CommonOptions, printJson, say, table, warn } from '../output.js';

interface EvalOptions extends CommonOptions {
  gt: string;
  pred: string;
  iouType: string;
  metric: string;
  report?: string;
  analyze?: boolean;
  iou: string;
  score: string;
}

const STAT_LABELS = [
  'AP @[IoU=0.50:0.95 | area=   all | maxDets=100]',
  'AP @[IoU=0.50      | area=   all | maxDets=100]',
  'AP @[IoU=0.75      | area=   all | maxDets=100]',
  'AP @[IoU=0.50:0.95 | area= small | maxDets=100]',
  'AP @[IoU=0.50:0.95 | area=medium | maxDets=100]',
  'AP @[IoU=0.50:0.95 | area= large | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area=   all | maxDets=  1]',
  'AR @[IoU=0.50:0.95 | area=   all | maxDets= 10]',
  'AR @[IoU=0.50:0.95 | area=   all | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area= small | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area=medium | maxDets=100]',
  'AR @[IoU=0.50:0.95 | area= large | maxDets=100]',
];

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'Evaluate predictions against ground truth: COCO (pycocotools COCOeval, exactly), Pascal VOC or classification, with per-class AP, F1-optimal threshold, TIDE errors and confusion matrix',
    )
    .requiredOption(
      '--gt <path>',
      'ground truth: COCO JSON (images, annotations, categories), or a dataset detkit reads',
    )
    .requiredOption(
      '--pred <file>',
      'predictions: COCO results JSON [{image_id, category_id, bbox | segmentation, score}]; for cls [{image_id, category_id, score}] or [{image_id, scores}]',
    )
    .option('--metric <metric>', 'coco, voc07 (11-point), voc12 (all-point) or cls', 'coco')
    .option('--iou-type <type>', 'bbox or segm (coco)', 'bbox')
    .option('--iou <thr>', 'confusion matrix IoU threshold', '0.45')
    .option('--score <thr>', 'confusion matrix score threshold', '0.25')
    .option('--analyze', 'also compute F1-optimal thresholds, TIDE errors and the confusion matrix (coco)')
    .option('--report <dir>', 'write an HTML report with plots (SVG and PNG) into this folder')
    .option('--json', 'machine-readable output: {stats, perClass, f1Optimal, tide, confusion}')
    .action(async (options: EvalOptions) => {
      // Loaded here, not at the top: other commands should not pay for the evaluators; the
      // analyses, VOC and the format plugins load below only when this run needs them.
      const [{ DetkitError }, extras] = await Promise.all([
        import('../../core/errors.js'),
        import('../eval-extras.js'),
      ]);
      const metric: EvalMetric = extras.parseMetric(options.metric);
      const iouThreshold = extras.parseThreshold('--iou', options.iou);
      const scoreThreshold = extras.parseThreshold('--score', options.score);
      if (options.iouType !== 'bbox' && options.iouType !== 'segm') {
        throw new DetkitError(`--iou-type must be bbox or segm, got "${options.iouType}"`);
      }
      // A second thread (when a core is idle; DETKIT_THREADS=1 or 2 forces) takes half of the
      // categories, bit-identically; started now so its start-up overlaps reading the files.
      const forced = process.env.DETKIT_THREADS;
      const threads =
        metric === 'coco' && options.iouType === 'bbox' && forced !== '1'
          ? (await import('../../io/coco-eval-threads.js')).startCocoEvalThreads(forced === '2' ? true : undefined)
          : undefined;
      try {
        await evaluateFiles(options, metric, { iouThreshold, scoreThreshold }, threads);
      } finally {
        await threads?.close();
      }
    });
}

async function evaluateFiles(
  options: EvalOptions,
  metric: EvalMetric,
  confusion: { iouThreshold: number; scoreThreshold: number },
  threads: CocoEvalThreads | undefined,
): Promise<void> {
  const [{ nodeFiles }, coco, extras] = await Promise.all([
    import('../../io/node-files.js'),
    import('../../eval/coco/index.js'),
    import('../eval-extras.js'),
  ]);
  const { labelstudio } = await import('../../formats/labelstudio/index.js');
  // A Label Studio export is JSON too: its annotations are the ground truth (and its
  // predictions, given as --pred, the results).
  const gt =
    options.gt.toLowerCase().endsWith('.json') && !(await labelstudio.detect(nodeFiles, options.gt))
      ? coco.parseCocoGroundTruth(await nodeFiles.readText(options.gt), options.gt)
      : await readDataset(options.gt);

  if (metric === 'cls') {
    const result = extras.evaluateClassificationDatasets(
      gt,
      extras.parseClassificationPredictions(
        new TextDecoder().decode(await nodeFiles.readBytes(options.pred)),
        gt,
        options.pred,
      ),
    );
    if (options.json) printJson({ metric, ...extras.classificationJson(result) });
    else extras.printClassification(options, result);
    if (options.report) {
      await extras.writeReport(options, options.report, {
        title: `detkit eval — classification (${options.pred})`,
        summary: result.topK.map((t) => ({ name: `top-${t.k} accuracy`, value: t.accuracy })),
        classification: result,
      });
    }
    return;
  }

  // The file's bytes (39 MB at val2017 size) are held by nothing once parsed: free for the GC.
  // A Label Studio export's predictions are results too, put on the ground truth's ids.
  const pred = (await labelstudio.detect(nodeFiles, options.pred))
    ? (await import('../../eval/align-predictions.js')).alignPredictions(
        await labelstudio.read(nodeFiles, options.pred, { predictions: true }),
        gt,
        { file: options.pred, iouType: options.iouType as 'bbox' | 'segm', warn },
      )
    : await coco.loadCocoResults(await nodeFiles.readBytes(options.pred), gt, { file: options.pred });
  const analysis = await import('../../eval/detection-analysis.js');
  if (metric === 'voc07' || metric === 'voc12') {
    const voc = await import('../../eval/voc.js');
    const vocResult = voc.evaluateVoc(gt, pred, { method: metric });
    const a = analysis.analyzeDetections(gt, pred, { voc: vocResult, ...confusion });
    const summary = extras.vocSummary(vocResult);
    if (options.json) {
      const vocPerClass = new Map(
        vocResult.perClass.map((c) => [
          c.categoryId,
          {
            difficultCount: c.difficultCount,
            detections: c.detections,
            truePositives: c.truePositives,
            falsePositives: c.falsePositives,
            ignored: c.ignored,
          },
        ]),
      );
      printJson({
        metric,
        map: vocResult.map,
        iouThreshold: vocResult.iouThreshold,
        ...extras.detectionJson(a, vocPerClass),
      });
    } else {
      say(
        options,
        table(
          summary.map((s) => [s.name, s.value.toFixed(4)]),
          [`${metric} (${gt.images.length} images, ${pred.annotations.length} detections)`, 'value'],
        ),
      );
      say(options);
      extras.printDetection(options, a);
    }
    if (options.report) {
      await extras.writeReport(options, options.report, {
        title: `detkit eval — ${metric}`,
        summary,
        detection: a,
      });
    }
    return;
  }

  // Checked to be one of the two in the action.
  const iouType = options.iouType as 'bbox' | 'segm';
  const result = threads
    ? await threads.evaluate(gt, pred, { iouType })
    : await coco.evaluateCoco(gt, pred, { iouType });
  // The analyses (F1 sweep, TIDE, confusion) cost more than the evaluation itself: on request.
  const a =
    options.analyze || options.report
      ? analysis.analyzeDetections(gt, pred, { coco: analysis.cocoAccumulatedFrom(result), ...confusion })
      : undefined;
  const missing = (v: number) => (v < 0 ? null : v);
  const cocoPerClass = new Map(
    result.perCategory.map((c) => [
      c.categoryId,
      {
        ap: missing(c.ap),
        ap50: missing(c.ap50),
        ap75: missing(c.ap75),
        apSmall: missing(c.apSmall),
        apMedium: missing(c.apMedium),
        apLarge: missing(c.apLarge),
        ar: missing(c.ar),
      },
    ]),
  );
  if (options.json) {
    printJson({
      metric,
      iouType: options.iouType,
      statNames: coco.STAT_NAMES,
      stats: result.stats,
      ...(a
        ? extras.detectionJson(a, cocoPerClass)
        : {
            perClass: result.perCategory.map((c) => ({
              categoryId: c.categoryId,
              name: c.name,
              ...cocoPerClass.get(c.categoryId),
            })),
          }),
    });
  } else {
    const stats = result.stats.map((v, i) => [STAT_LABELS[i], v.toFixed(3)]);
    say(
      options,
      table(stats, [`${options.iouType} (${gt.images.length} images, ${pred.annotations.length} detections)`, 'value']),
    );
    say(options);
    if (a) extras.printDetection(options, a);
    else {
      const shown = (v: number) => (v < 0 ? '-' : v.toFixed(3));
      say(
        options,
        table(
          result.perCategory.map((c) => [c.categoryId, c.name, shown(c.ap), shown(c.ap50), shown(c.ap75), shown(c.ar)]),
          ['id', 'category', 'AP', 'AP50', 'AP75', 'AR100'],
        ),
      );
    }
  }
  if (options.report && a) {
    await extras.writeReport(options, options.report, {
      title: `detkit eval — COCO ${options.iouType}`,
      summary: result.stats.map((v, i) => ({ name: STAT_LABELS[i], value: v < 0 ? null : v })),
      detection: a,
      notes: ['TIDE, the F1 sweep and the confusion matrix use boxes (bbox IoU) whatever --iou-type says.'],
    });
  }
}

async function readDataset(path: string) {
  const [{ nodeFiles }, formats] = await Promise.all([
    import('../../io/node-files.js'),
    import('../../formats/index.js'),
  ]);
  return (await formats.detectFormat(nodeFiles, path)).format.read(nodeFiles, path);
}
