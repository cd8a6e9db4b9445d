import type { Command } from 'commander';
import { type CommonOptions, printJson, say, table } from '../output.js';

interface EvalOptions extends CommonOptions {
  gt: string;
  pred: string;
  iouType: string;
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
    .description('COCO evaluation of detections against ground truth (pycocotools COCOeval, exactly)')
    .requiredOption('--gt <file>', 'COCO ground truth JSON (images, annotations, categories)')
    .requiredOption('--pred <file>', 'COCO results JSON: [{image_id, category_id, bbox | segmentation, score}]')
    .option('--iou-type <type>', 'bbox or segm', 'bbox')
    .option('--json', 'machine-readable output: {stats, perClass}')
    .action(async (options: EvalOptions) => {
      // Loaded here, not at the top: other commands should not pay for the evaluator.
      const [{ DetkitError }, { nodeFiles }, coco, { startCocoEvalThreads }] = await Promise.all([
        import('../../core/errors.js'),
        import('../../io/node-files.js'),
        import('../../eval/coco/index.js'),
        import('../../io/coco-eval-threads.js'),
      ]);
      if (options.iouType !== 'bbox' && options.iouType !== 'segm') {
        throw new DetkitError(`--iou-type must be bbox or segm, got "${options.iouType}"`);
      }
      // A second thread (when a core is idle; DETKIT_THREADS=1 or 2 forces) starts while the files
      // are read and parsed.
      const forced = process.env.DETKIT_THREADS;
      const threads =
        options.iouType === 'bbox' && forced !== '1'
          ? startCocoEvalThreads(forced === '2' ? true : undefined)
          : undefined;
      const [gtText, predBytes] = await Promise.all([
        nodeFiles.readText(options.gt),
        nodeFiles.readBytes(options.pred),
      ]);
      const gt = coco.parseCocoGroundTruth(gtText, options.gt);
      const pred = await coco.loadCocoResults(predBytes, gt, { file: options.pred });
      const result = threads
        ? await threads.evaluate(gt, pred, { iouType: options.iouType }).finally(() => threads.close())
        : await coco.evaluateCoco(gt, pred, { iouType: options.iouType });
      const perClass = result.perCategory.map((c) => ({
        categoryId: c.categoryId,
        name: c.name,
        ap: c.ap,
        ap50: c.ap50,
        ap75: c.ap75,
        apSmall: c.apSmall,
        apMedium: c.apMedium,
        apLarge: c.apLarge,
        ar: c.ar,
      }));
      if (options.json) {
        printJson({ iouType: options.iouType, statNames: coco.STAT_NAMES, stats: result.stats, perClass });
        return;
      }
      const stats = result.stats.map((v, i) => [STAT_LABELS[i], v.toFixed(3)]);
      say(
        options,
        table(stats, [
          `${options.iouType} (${gt.images.length} images, ${pred.annotations.length} detections)`,
          'value',
        ]),
      );
      say(options);
      const shown = (v: number) => (v < 0 ? '-' : v.toFixed(3));
      say(
        options,
        table(
          perClass.map((c) => [c.categoryId, c.name, shown(c.ap), shown(c.ap50), shown(c.ap75), shown(c.ar)]),
          ['id', 'category', 'AP', 'AP50', 'AP75', 'AR100'],
        ),
      );
    });
}
