/**
 * Read and write throughput of the label-tool formats (LabelMe, CVAT, Create ML, KITTI, Label
 * Studio, WIDER Face) on a synthetic dataset: `images` images × 10 boxes, image files that are
 * just a PNG header (readers that size images only read headers).
 * Run: npm run build && node dist/bench/label-formats.js [images=5000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset } from '../src/core/dataset.js';
import { getFormat } from '../src/formats/index.js';
import { nodeFiles } from '../src/io/node-files.js';
import { printTable } from './util.js';

const images = Number(process.argv[2] ?? 5000);
const perImage = 10;
const W = 1242;
const H = 375;

function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

let seed = 7;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

const root = mkdtempSync(join(tmpdir(), 'detkit-bench-labels-'));
const source = join(root, 'source');
mkdirSync(source);
const dataset = new Dataset(images * perImage);
dataset.info.imageRoot = source;
['car', 'person', 'cyclist'].forEach((name, k) => dataset.addCategory({ id: k + 1, name }));
const header = pngHeader(W, H);
for (let i = 0; i < images; i++) {
  const file = `${String(i).padStart(6, '0')}.png`;
  writeFileSync(join(source, file), header);
  dataset.addImage({ id: i + 1, file, width: W, height: H });
  for (let b = 0; b < perImage; b++) {
    const x = Math.round(rand() * 1100 * 100) / 100;
    const y = Math.round(rand() * 300 * 100) / 100;
    dataset.annotations.addBox(i + 1, 1 + (b % 3), x, y, 20 + Math.round(rand() * 100), 10 + Math.round(rand() * 60));
  }
}

const rows: (string | number)[][] = [];
const targets: Record<string, string> = {
  labelme: 'labelme',
  cvat: 'cvat/annotations.xml',
  createml: 'createml',
  kitti: 'kitti',
  labelstudio: 'labelstudio/export.json',
  widerface: 'widerface',
};
try {
  for (const [name, target] of Object.entries(targets)) {
    const format = getFormat(name);
    const path = join(root, target);
    let t0 = performance.now();
    await format.write(dataset, nodeFiles, path, { copyImages: true, imageRoot: source });
    const writeS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const back = await format.read(nodeFiles, path);
    const readS = (performance.now() - t0) / 1000;
    if (back.annotations.length !== dataset.annotations.length) throw new Error(`${name}: box count differs`);
    rows.push([name, images, back.annotations.length, writeS, readS, Math.round(back.annotations.length / readS)]);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
printTable(
  `Label-tool formats, ${images} images × ${perImage} boxes (wall time, copyImages links)`,
  ['format', 'images', 'boxes', 'write s', 'read s', 'read boxes/s'],
  rows,
);
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
