/**
 * MNIST / CIFAR-10 at full size (70,000 and 60,000 images, generated): read time and memory,
 * PNG encoding rate, and whole-process `detkit convert` to class folders.
 * `node dist/bench/classification.js`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { cifar10 } from '../src/formats/cifar.js';
import { mnist } from '../src/formats/mnist.js';
import { nodeFiles } from '../src/io/node-files.js';
import { CLI, printTable, scratchDir, timeProcess } from './util.js';

function idx(dims: number[], fill: (i: number) => number): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 + dims.length);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  for (let i = 0; i < size; i++) out[4 + 4 * dims.length + i] = fill(i);
  return out;
}

// Digit-like sparsity: mostly black with a bright stroke, so gzip and PNG sizes are realistic.
const stroke = (i: number) => (((i % 28) - ((i / 28) % 28) + 3) % 9 === 0 ? 255 : 0);
const root = scratchDir('classification');
const mnistDir = join(root, 'mnist');
mkdirSync(mnistDir);
for (const [prefix, n] of [
  ['train', 60_000],
  ['t10k', 10_000],
] as const) {
  writeFileSync(join(mnistDir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(idx([n, 28, 28], stroke)));
  writeFileSync(join(mnistDir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(idx([n], (i) => i % 10)));
}
const cifarDir = join(root, 'cifar-10-batches-bin');
mkdirSync(cifarDir);
const batch = new Uint8Array(10_000 * 3073).map((_, i) => (i % 3073 === 0 ? (i / 3073) % 10 : (i * 7) & 255));
for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
  writeFileSync(join(cifarDir, `${name}.bin`), batch);
}

const rows: (string | number)[][] = [];
for (const [name, format, dir] of [
  ['mnist (gz)', mnist, mnistDir],
  ['cifar10', cifar10, cifarDir],
] as const) {
  global.gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const ds = await format.read(nodeFiles, dir);
  const readMs = performance.now() - t0;
  const after = process.memoryUsage();
  const store = ds.info.embeddedImages as Map<number, Uint8Array>;
  const t1 = performance.now();
  let bytes = 0;
  for (const im of ds.images.slice(0, 10_000)) bytes += store.get(im.id)?.length ?? 0;
  const encodeMs = performance.now() - t1;
  const mb = (a: number, b: number) => (a - b) / 1e6;
  rows.push([
    name,
    ds.images.length,
    readMs,
    mb(after.heapUsed + after.arrayBuffers, before.heapUsed + before.arrayBuffers),
    Math.round(10_000 / (encodeMs / 1000)),
    bytes / 10_000,
  ]);
}
printTable(
  'Classification formats: read (lazy PNG) and encode',
  ['format', 'images', 'read ms', 'memory MB', 'PNG encodes/s', 'avg PNG bytes'],
  rows,
);

const out = join(root, 'folders');
const convert = timeProcess([CLI, 'convert', mnistDir, out, '--to', 'imagefolder'], {
  repeat: 1,
  before: () => rmSync(out, { recursive: true, force: true }),
});
printTable(
  'detkit convert mnist → imagefolder (70,000 PNG files)',
  ['seconds', 'peak RSS MB'],
  [[convert.seconds, convert.peakMB]],
);
rmSync(root, { recursive: true, force: true });
