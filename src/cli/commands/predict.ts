import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { DetkitError, isDetkitError } from '../../core/errors.js';
import { type CommonOptions, printJson, progressBar, say, table, warn } from '../output.js';

interface PredictOptions extends CommonOptions {
  model: string;
  out: string;
  dataset?: string;
  imagesRoot?: string;
  saveImages?: string;
  scoreThreshold?: string;
  iouThreshold?: string;
  maxDetections?: string;
  family?: string;
  threads?: string;
}

/** `results.json` → `results.images.json`: the id → file listing written beside the results. */
export function imagesListingPath(out: string): string {
  return out.toLowerCase().endsWith('.json') ? `${out.slice(0, -5)}.images.json` : `${out}.images.json`;
}

const number = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${value}"`);
  return n;
};

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('Run a detection model over images and write COCO results JSON')
    .argument('[images...]', 'image files or folders (searched recursively)')
    .requiredOption('--model <file>', 'model file: .onnx, or a TF.js model.json')
    .requiredOption('--out <results.json>', 'COCO results: [{image_id, category_id, bbox: [x,y,w,h], score, label}]')
    .option('--dataset <coco.json>', 'predict the images of a COCO dataset; image ids come from it')
    .option('--images-root <dir>', "folder the dataset's file_name paths are relative to (default: the JSON's folder)")
    .option('--save-images <dir>', 'also write each image with its boxes, labels and scores drawn')
    .option('--score-threshold <n>', 'drop detections scoring below this', '0.25')
    .option('--iou-threshold <n>', 'NMS IoU threshold', '0.45')
    .option('--max-detections <n>', 'at most this many detections an image', '100')
    .option('--family <name>', 'model family, overriding auto-detection')
    .option('--threads <n>', 'inference threads (ONNX Runtime)')
    .option('--json', 'summary as JSON on stdout')
    .addHelpText(
      'after',
      `
Image ids: given files or folders, images are numbered 1..N in sorted path order and the listing
[{id, file_name, width, height}] is written beside the results as <out>.images.json
(results.json → results.images.json), so evaluation can pair results with ground truth by
file name. Given --dataset, ids are the dataset's own and no listing is written.
category_id: the dataset's category of the same name when --dataset is given, else the official
COCO id (1..90) for COCO-trained models, else the model's class index.`,
    )
    .action(async (inputs: string[], options: PredictOptions) => {
      const { loadDetector } = await import('../../detector.js');
      const { decodeImage } = await import('../../io/decode-image.js');
      const { nodeFiles, writeAtomically } = await import('../../io/node-files.js');
      const { categoryMapper, toCocoResults } = await import('../../predict/coco-results.js');
      const { IMAGE_EXTENSIONS, imagesFromCocoDataset, imagesFromPaths } = await import('../../predict/image-list.js');
      const { drawDetections } = await import('../../predict/draw.js');

      if (options.dataset && inputs.length > 0) throw new Error('give images or --dataset, not both');
      if (!options.dataset && inputs.length === 0) throw new Error('no images: give image files, folders or --dataset');
      const dataset = options.dataset ? await imagesFromCocoDataset(options.dataset, options.imagesRoot) : undefined;
      const jobs = dataset ? dataset.jobs : await imagesFromPaths(inputs);
      if (jobs.length === 0) {
        throw new DetkitError(`no images found (${IMAGE_EXTENSIONS.join(', ')})`, {
          file: options.dataset ?? inputs.join(', '),
        });
      }

      const detector = await loadDetector(options.model, {
        family: options.family,
        threads: number(options.threads, 'threads'),
        scoreThreshold: number(options.scoreThreshold, 'score-threshold'),
        iouThreshold: number(options.iouThreshold, 'iou-threshold'),
        maxDetections: number(options.maxDetections, 'max-detections'),
      });
      const mapCategory = categoryMapper(detector.categoryIds, dataset?.categories);
      if (options.saveImages) mkdirSync(options.saveImages, { recursive: true });

      const results: ReturnType<typeof toCocoResults> = [];
      const listing: { id: number; file_name: string; width: number; height: number }[] = [];
      const spent = { decode: 0, preprocess: 0, inference: 0, postprocess: 0 };
      const savedNames = new Set<string>();
      let failed = 0;
      const progress = progressBar('predict', { rate: 'images/s' });
      const started = performance.now();
      try {
        for (let i = 0; i < jobs.length; i++) {
          const job = jobs[i]!;
          try {
            const t = performance.now();
            const image = await decodeImage(job.path);
            spent.decode += performance.now() - t;
            const found = await detector.detect(image);
            for (const stage of ['preprocess', 'inference', 'postprocess'] as const)
              spent[stage] += detector.timings[stage];
            results.push(...toCocoResults(found, job.id, mapCategory));
            listing.push({ id: job.id, file_name: job.fileName, width: image.width, height: image.height });
            if (options.saveImages) {
              let name = basename(job.path);
              if (savedNames.has(name)) name = `${basename(name, extname(name))}-${job.id}${extname(name)}`;
              savedNames.add(name);
              await drawDetections(job.path, found, join(options.saveImages, name));
            }
          } catch (e) {
            if (!isDetkitError(e)) throw e;
            failed++;
            warn(e.message);
          }
          progress(i + 1, jobs.length);
        }
      } finally {
        progress.stop();
        await detector.dispose();
      }
      const seconds = (performance.now() - started) / 1000;

      await writeAtomically(options.out, (staging) => nodeFiles.writeText(staging, JSON.stringify(results)));
      const listingPath = dataset ? undefined : imagesListingPath(options.out);
      if (listingPath) {
        await writeAtomically(listingPath, (staging) => nodeFiles.writeText(staging, JSON.stringify(listing, null, 1)));
      }

      const done = jobs.length - failed;
      const perImage = (ms: number) => (done > 0 ? ms / done : 0);
      const summary = {
        model: options.model,
        family: detector.family.name,
        images: jobs.length,
        failed,
        detections: results.length,
        out: options.out,
        imagesListing: listingPath ?? null,
        imagesPerSecond: seconds > 0 ? done / seconds : 0,
        msPerImage: {
          decode: perImage(spent.decode),
          preprocess: perImage(spent.preprocess),
          inference: perImage(spent.inference),
          postprocess: perImage(spent.postprocess),
        },
      };
      if (options.json) printJson(summary);
      else {
        say(
          options,
          `${options.model} (${summary.family}): ${done} images, ${results.length} detections → ${options.out}`,
        );
        if (listingPath) say(options, `image ids 1..${jobs.length} listed in ${listingPath}`);
        say(options, '');
        say(
          options,
          table(
            [
              [
                summary.imagesPerSecond,
                summary.msPerImage.decode,
                summary.msPerImage.preprocess,
                summary.msPerImage.inference,
                summary.msPerImage.postprocess,
              ],
            ],
            ['images/s', 'decode ms', 'preprocess ms', 'inference ms', 'postprocess ms'],
          ),
        );
      }
      if (failed > 0) process.exitCode = 1;
    });
}
