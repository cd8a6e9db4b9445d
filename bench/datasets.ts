/**
 * Dataset format speed and fidelity, whole process (start-up included), on a val2017-scale
 * dataset: the synthetic COCO ground truth (5,000 images, 36,781 boxes, 80 categories with
 * COCO's id gaps, ~1% crowd, areas ≠ w×h) plus a real, header-valid PNG for every image.
 *
 *   npm run build && node dist/bench/datasets.js [--images 5000] [--runs 3]
 *
 * Baselines (globox 2.7 and supervision 0.27) were measured on this machine kind with the same
 * data by the author; they are printed beside detkit's figures for the ratio.
 *
 * Like for like: globox's YOLO and VOC writers write annotation files only (no image copies) and
 * its YOLO reader takes image sizes from a separate image folder, so the compared rows do the
 * same (`convert` without `--copy-images`, `stats --images-root`). The self-contained outputs
 * (images hard-linked next to the labels, `--copy-images`) are timed in their own rows, which
 * have no baseline.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../src/core/dataset.js';
import { coco } from '../src/formats/coco.js';
import { voc } from '../src/formats/voc.js';
import { yolo } from '../src/formats/yolo.js';
import { nodeFiles } from '../src/io/node-files.js';
import { generate, toJsonTexts } from './gen-synth-coco.js';
import { greyPng } from './png.js';
import { CLI, printTable, scratchDir, timeProcess } from './util.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const images = Number(arg('images', '5000'));
const runs = Number(arg('runs', '3'));

/** Seconds, from the issue: globox 2.7 and supervision 0.27, same data, same machine kind. */
const BASELINES: Record<string, [globox: number, supervision: number]> = {
  'parse COCO': [0.42, 2.18],
  'COCO → YOLO': [2.05, 8.08],
  'COCO → VOC': [2.53, 11.41],
  'COCO → COCO': [1.13, 8.06],
  'parse YOLO back': [2.23, 2.47],
  'parse VOC back': [1.65, 8.75],
};

const root = scratchDir('datasets');
try {
  const data = generate(images, 2017);
  const gtPath = join(root, 'coco', 'annotations.json');
  mkdirSync(join(root, 'coco', 'images'), { recursive: true });
  writeFileSync(gtPath, toJsonTexts(data).gt);
  for (const im of data.gt.images)
    writeFileSync(join(root, 'coco', 'images', im.file_name), greyPng(im.width, im.height));
  console.log(`data: ${data.gt.images.length} images (PNG files), ${data.gt.annotations.length} boxes, ${root}`);

  const out = (name: string) => join(root, name);
  // Deleting 5,000 files leaves the kernel work (journal, discards) to whoever writes next: flush
  // it before the clock starts, so a run does not pay for deleting the previous run's output.
  const clean = (name: string) => () => {
    rmSync(out(name), { recursive: true, force: true });
    spawnSync('sync');
  };
  const imageDir = join(root, 'coco', 'images');
  const steps: [string, string[], (() => void) | undefined][] = [
    ['parse COCO', ['stats', gtPath, '--json'], undefined],
    ['COCO → YOLO', ['convert', gtPath, out('yolo'), '--to', 'yolo', '--json'], clean('yolo')],
    ['COCO → VOC', ['convert', gtPath, out('voc'), '--to', 'voc', '--json'], clean('voc')],
    ['COCO → COCO', ['convert', gtPath, out('coco2.json'), '--to', 'coco', '--json'], clean('coco2.json')],
    ['parse YOLO back', ['stats', out('yolo'), '--images-root', imageDir, '--json'], undefined],
    ['parse VOC back', ['stats', out('voc'), '--json'], undefined],
    // Self-contained outputs: the same plus 5,000 image hard links (no globox equivalent).
    [
      'COCO → YOLO + images linked',
      ['convert', gtPath, out('yolo-linked'), '--to', 'yolo', '--copy-images', '--json'],
      clean('yolo-linked'),
    ],
    [
      'COCO → VOC + images linked',
      ['convert', gtPath, out('voc-linked'), '--to', 'voc', '--copy-images', '--json'],
      clean('voc-linked'),
    ],
    ['parse YOLO back (linked images)', ['stats', out('yolo-linked'), '--json'], undefined],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, args, before] of steps) {
    const t = timeProcess([CLI, ...args], { repeat: runs, before });
    const baseline = BASELINES[name];
    if (!baseline) {
      rows.push([name, t.seconds, t.peakMB, '-', '-', '-']);
      continue;
    }
    const [globox, supervision] = baseline;
    rows.push([name, t.seconds, t.peakMB, globox, supervision, `${(globox / t.seconds).toFixed(1)}×`]);
  }
  printTable(
    `Dataset formats, ${images} images — whole process, median of ${runs}`,
    ['step', 'detkit s', 'peak MB', 'globox s', 'supervision s', 'vs globox'],
    rows,
  );

  // Fidelity: read each output back and compare with the source, box by box.
  const source = await coco.read(nodeFiles, gtPath);
  const fromCoco = await coco.read(nodeFiles, out('coco2.json'));
  const fromYolo = await yolo.read(nodeFiles, out('yolo'), {
    categories: source.categories,
    images: source.images,
    imageRoot: imageDir,
  });
  const fromLinkedYolo = await yolo.read(nodeFiles, out('yolo-linked'), {
    categories: source.categories,
    images: source.images,
  });
  const fromVoc = await voc.read(nodeFiles, out('voc'), { categories: source.categories, images: source.images });
  printTable(
    'Round-trip fidelity against the source COCO',
    ['round trip', 'max box error px', 'ids kept', 'names kept', 'crowd kept', 'areas kept', 'negatives kept'],
    [
      ['COCO → COCO', ...fidelity(source, fromCoco)],
      ['COCO → YOLO → read', ...fidelity(source, fromYolo)],
      ['COCO → YOLO + images → read', ...fidelity(source, fromLinkedYolo)],
      ['COCO → VOC → read', ...fidelity(source, fromVoc)],
    ],
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}

function fidelity(a: Dataset, b: Dataset): (string | number)[] {
  const byFile = new Map(b.images.map((im) => [im.file.split('/').pop(), im.id]));
  const idMap = new Map(a.images.map((im) => [im.id, byFile.get(im.file.split('/').pop())]));
  // Pair boxes image by image, in order: every format keeps the order of boxes within an image.
  const rowsA = a.rowsByImage();
  const rowsB = b.rowsByImage();
  const indexB = new Map(b.images.map((im, k) => [im.id, k]));
  let maxError = 0;
  let crowdKept = true;
  let areasKept = true;
  let idsKept = true;
  a.images.forEach((im, k) => {
    const kb = indexB.get(idMap.get(im.id) ?? -1);
    if (kb === undefined) return;
    if (b.images[kb].id !== im.id) idsKept = false;
    const ra = rowsA.order.subarray(rowsA.offsets[k], rowsA.offsets[k + 1]);
    const rb = rowsB.order.subarray(rowsB.offsets[kb], rowsB.offsets[kb + 1]);
    ra.forEach((row, i) => {
      const other = rb[i];
      if (other === undefined) return void (maxError = Number.POSITIVE_INFINITY);
      for (let c = 0; c < 4; c++) {
        maxError = Math.max(maxError, Math.abs(a.annotations.boxes[row * 4 + c] - b.annotations.boxes[other * 4 + c]));
      }
      if (a.annotations.isCrowd(row) !== b.annotations.isCrowd(other)) crowdKept = false;
      if (a.annotations.areas[row] !== b.annotations.areas[other]) areasKept = false;
      if (a.annotations.categoryIds[row] !== b.annotations.categoryIds[other]) idsKept = false;
    });
  });
  const names = (d: Dataset) => JSON.stringify(d.categories.map((c) => [c.id, c.name]).sort());
  const negatives = (d: Dataset) =>
    d.images.length - new Set(d.annotations.imageIds.subarray(0, d.annotations.length)).size;
  const yes = (v: boolean) => (v ? 'yes' : 'no');
  return [
    maxError.toExponential(1),
    yes(idsKept),
    yes(names(a) === names(b)),
    yes(crowdKept),
    yes(areasKept),
    `${negatives(b)} / ${negatives(a)}`,
  ];
}
