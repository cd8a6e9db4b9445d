/**
 * Times the evaluation extras on the synthetic COCO-like data (gen-synth-coco): VOC AP, the F1
 * sweep, the confusion matrix, TIDE. Usage: node dist/bench/eval-analysis.js [--images N]
 */
import { loadCocoResults, parseCocoGroundTruth } from '../src/eval/coco/index.js';
import { detectionConfusion, f1Optimal, matchByClass, tideErrors } from '../src/eval/detection-analysis.js';
import { evaluateVoc } from '../src/eval/voc.js';
import { generate, toJsonTexts } from './gen-synth-coco.js';

const i = process.argv.indexOf('--images');
const images = i >= 0 ? Number(process.argv[i + 1]) : 5000;
const texts = toJsonTexts(generate(images, 2017));
const gt = parseCocoGroundTruth(texts.gt);
const dt = await loadCocoResults(texts.dt, gt);
process.stdout.write(`${images} images, ${gt.annotations.length} GT, ${dt.annotations.length} detections\n`);

function time(label: string, run: () => unknown): void {
  const start = performance.now();
  run();
  process.stdout.write(`${label.padEnd(12)} ${((performance.now() - start) / 1000).toFixed(2)} s\n`);
}
time('voc12', () => evaluateVoc(gt, dt));
time('f1 sweep', () => f1Optimal(matchByClass(gt, dt)));
time('confusion', () => detectionConfusion(gt, dt));
time('tide', () => tideErrors(gt, dt));
