/**
 * COCO read/write speed on a val2017-sized file (5,000 images, 36,800 boxes with polygons):
 * `node dist/bench/coco.js`. Reports the median of several runs, JSON.parse alone for scale.
 */
import { Dataset } from '../src/core/dataset.js';
import type { ByteSink, FileAccess } from '../src/core/files.js';
import { parseCoco } from '../src/formats/coco-read.js';
import { writeCocoFile } from '../src/formats/coco-write.js';

function cocoText(images: number, boxes: number): string {
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 600;
  const ims = Array.from({ length: images }, (_, i) => ({
    license: 1,
    file_name: `${String(i + 1).padStart(12, '0')}.jpg`,
    coco_url: `http://images.cocodataset.org/val2017/${i + 1}.jpg`,
    height: 480,
    width: 640,
    date_captured: '2013-11-14 17:02:52',
    id: i + 1,
  }));
  const anns = Array.from({ length: boxes }, (_, i) => ({
    segmentation: [[rand(), rand(), rand(), rand(), rand(), rand(), rand(), rand()]],
    area: rand() * 10,
    iscrowd: 0,
    image_id: (i % images) + 1,
    bbox: [rand(), rand(), rand() / 6 + 1, rand() / 6 + 1],
    category_id: (i % 80) + 1,
    id: i + 1,
  }));
  const cats = Array.from({ length: 80 }, (_, i) => ({ supercategory: 's', id: i + 1, name: `c${i + 1}` }));
  return JSON.stringify({ info: {}, licenses: [], images: ims, annotations: anns, categories: cats });
}

function median(run: () => void, times = 7): number {
  const ms: number[] = [];
  for (let k = 0; k < times; k++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)];
}

const nullSink: ByteSink = { write: async () => {}, close: async () => {} };
const nullFiles = { openWriter: async () => nullSink } as unknown as FileAccess;

const text = cocoText(5000, 36_800);
let dataset = new Dataset();
const parsed = JSON.parse(text);
const parse = median(() => JSON.parse(text));
const stringify = median(() => JSON.stringify(parsed), 3);
const read = median(() => {
  dataset = parseCoco(text, 'bench.json').dataset;
});
const rows = Array.from({ length: dataset.annotations.length }, (_, i) => i);
const t0 = performance.now();
await writeCocoFile(dataset, nullFiles, 'out.json', { images: dataset.images, rows, results: false });
const write = performance.now() - t0;
console.log(
  `COCO ${(text.length / 1e6).toFixed(1)} MB, ${dataset.images.length} images, ${dataset.annotations.length} boxes`,
);
console.log(`JSON.parse ${parse.toFixed(1)} ms | parseCoco (parse + fill) ${read.toFixed(1)} ms`);
console.log(`JSON.stringify ${stringify.toFixed(1)} ms | writeCocoFile ${write.toFixed(1)} ms`);
