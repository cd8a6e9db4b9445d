/** Production limits: sizes, types, corrupt input, auth, CORS, the bounded queue, timeouts and batching. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixtureModel, metricValue, photoBytes } from './serve.test.util.js';
import { createServer, type ServeOptions } from './server.js';

const png = photoBytes('chelsea.png');
const detr = fixtureModel('detr-hf.onnx');

async function withServer(options: ServeOptions, body: (s: Awaited<ReturnType<typeof createServer>>) => Promise<void>) {
  const server = await createServer({ model: detr, log: () => undefined, ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

const detect = (payload: Buffer | string, type = 'image/png') => ({
  method: 'POST' as const,
  url: '/v1/detect',
  headers: { 'content-type': type },
  payload,
});

test('a body above --max-body-mb is 413', async () => {
  await withServer({ maxBodyBytes: 10_000 }, async ({ app }) => {
    const r = await app.inject(detect(png));
    assert.equal(r.statusCode, 413);
    assert.equal(typeof r.json().error, 'string');
  });
});

test('an image above --max-pixels is 413, refused from its header', async () => {
  await withServer({ maxPixels: 100_000 }, async ({ app }) => {
    const r = await app.inject(detect(png));
    assert.equal(r.statusCode, 413);
    assert.match(r.json().error, /451×300 = 135300 pixels exceeds the limit of 100000/);
  });
});

test('a content type that is not an image is 415; corrupt image bytes are 400 with a message', async () => {
  await withServer({}, async ({ app }) => {
    assert.equal((await app.inject(detect('hello', 'text/plain'))).statusCode, 415);
    assert.equal((await app.inject(detect('{"a":1}', 'application/json'))).statusCode, 415);
    const corrupt = await app.inject(detect(Buffer.concat([png.subarray(0, 200), Buffer.alloc(100)])));
    assert.equal(corrupt.statusCode, 400);
    assert.match(corrupt.json().error, /not a readable image/);
    const empty = await app.inject(detect(Buffer.alloc(0)));
    assert.equal(empty.statusCode, 400);
  });
});

test('a flood of malformed requests leaves the server answering the next good one', async () => {
  await withServer({}, async ({ app }) => {
    const bad = [
      detect(Buffer.from('not an image')),
      detect(Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01])),
      {
        method: 'POST' as const,
        url: '/v2/models/detr-hf/infer',
        headers: { 'content-type': 'application/json' },
        payload: '{"inputs": [',
      },
      {
        method: 'POST' as const,
        url: '/v2/models/detr-hf/infer',
        payload: { inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: ['%%%'] }] },
      },
      { method: 'POST' as const, url: '/v2/models/detr-hf/infer', payload: { inputs: 'x' } },
      {
        method: 'POST' as const,
        url: '/v2/models/detr-hf/infer',
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': '999' },
        payload: Buffer.from('{}'),
      },
      { method: 'POST' as const, url: '/v1/models/detr-hf:predict', payload: { instances: [{ b64: 'AAAA' }] } },
      { method: 'POST' as const, url: '/v1/models/detr-hf:predict', payload: { instances: [42] } },
    ];
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => app.inject(bad[i % bad.length]!)));
    for (const r of answers) {
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${r.statusCode} ${r.body}`);
      assert.equal(typeof r.json().error, 'string');
    }
    assert.equal((await app.inject(detect(png))).statusCode, 200);
  });
});

test('with an API key, requests without it are 401; health, metrics and docs stay open', async () => {
  await withServer({ apiKey: 's3cret' }, async ({ app }) => {
    const none = await app.inject(detect(png));
    assert.equal(none.statusCode, 401);
    assert.match(none.json().error, /API key/);
    assert.equal(
      (await app.inject({ ...detect(png), headers: { 'content-type': 'image/png', authorization: 'Bearer nope' } }))
        .statusCode,
      401,
    );
    assert.equal(
      (await app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: 'Bearer s3cret' } })).statusCode,
      200,
    );
    assert.equal(
      (await app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': 's3cret' } })).statusCode,
      200,
    );
    for (const url of ['/v2/health/live', '/v2/health/ready', '/metrics', '/docs/openapi.json']) {
      assert.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url);
    }
  });
});

test('CORS: a listed origin is allowed, others get no CORS headers', async () => {
  await withServer({ cors: 'https://app.example' }, async ({ app }) => {
    const ok = await app.inject({ method: 'GET', url: '/v1/models', headers: { origin: 'https://app.example' } });
    assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
    const other = await app.inject({ method: 'GET', url: '/v1/models', headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });
});

/** A 36-megapixel PNG: small on the wire, slow to decode — a request that stays "on its way". */
const slowPng = async () => {
  const { default: sharp } = await import('sharp');
  return sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
};

test('a full queue answers 429 at once with Retry-After', async () => {
  // The first request waits for company (the slow image, still decoding); the queue holds one.
  const slow = await slowPng();
  await withServer({ maxQueue: 1, maxQueueDelayUs: 5_000_000 }, async ({ app }) => {
    const coming = app.inject(detect(slow));
    const first = app.inject(detect(png));
    for (let polls = 0; ; polls++) {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      if (metricValue(text, 'detkit_queue_depth{model="detr-hf"}') === 1) break;
      assert.ok(polls < 2000, 'the first request never queued');
      await new Promise((r) => setTimeout(r, 2));
    }
    const second = await app.inject(detect(png));
    assert.equal(second.statusCode, 429);
    assert.equal(second.headers['retry-after'], '1');
    // The slow one arrives at a full queue too; the first then stops waiting and runs.
    assert.equal((await coming).statusCode, 429);
    assert.equal((await first).statusCode, 200);
  });
});

test('a request past --timeout-ms is 504', async () => {
  const slow = await slowPng();
  await withServer({ maxQueueDelayUs: 5_000_000, timeoutMs: 1 }, async ({ app }) => {
    const coming = app.inject(detect(slow));
    const r = await app.inject(detect(png));
    assert.equal(r.statusCode, 504);
    assert.match(r.json().error, /did not answer within/);
    await coming;
  });
});

test('concurrent requests are batched: fewer detectBatch calls than requests, same answers', async () => {
  await withServer({ maxBatch: 8, maxQueueDelayUs: 400_000 }, async ({ app }) => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => app.inject(detect(png))));
    for (const r of answers) assert.equal(r.statusCode, 200);
    assert.deepEqual(answers[5]!.json().detections, answers[0]!.json().detections);
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const calls = metricValue(text, 'detkit_batch_size_count{model="detr-hf"}')!;
    const images = metricValue(text, 'detkit_batch_size_sum{model="detr-hf"}')!;
    assert.equal(images, 6);
    assert.ok(calls < 6, `${calls} detectBatch calls for 6 requests`);
  });
});

test('requests batched together keep their own thresholds', async () => {
  await withServer({ maxBatch: 8, maxQueueDelayUs: 400_000 }, async ({ app }) => {
    const [low, high] = await Promise.all([
      app.inject({ ...detect(png), url: '/v1/detect?threshold=0.1' }),
      app.inject({ ...detect(png), url: '/v1/detect?threshold=0.9' }),
    ]);
    const lows = low.json().detections.map((d: { score: number }) => d.score);
    const highs = high.json().detections.map((d: { score: number }) => d.score);
    assert.ok(highs.every((s: number) => s >= 0.9));
    assert.deepEqual(
      highs,
      lows.filter((s: number) => s >= 0.9),
    );
    assert.ok(lows.length > highs.length);
  });
});

test('the access log is one JSON line a request: method, url, route, model, status, ms', async () => {
  const lines: string[] = [];
  await withServer({ log: (l) => lines.push(l) }, async ({ app }) => {
    await app.inject(detect(png));
    await app.inject({ method: 'GET', url: '/nowhere' });
  });
  const requests = lines.map((l) => JSON.parse(l)).filter((e) => e.event === 'request');
  assert.deepEqual(
    requests.map((e) => [e.method, e.url, e.route, e.model, e.status]),
    [
      ['POST', '/v1/detect', '/v1/detect', 'detr-hf', 200],
      ['GET', '/nowhere', 'unmatched', undefined, 404],
    ],
  );
  assert.ok(requests.every((e) => typeof e.ms === 'number' && typeof e.time === 'string'));
});

test('the web page: / serves index.html, /web/<file> the files of the web folder and nothing else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'detkit-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>detkit</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1);');
  try {
    await withServer({ webDir: join(dir, '') }, async ({ app }) => {
      const page = await app.inject({ method: 'GET', url: '/' });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.body, /<title>detkit<\/title>/);
      const js = await app.inject({ method: 'GET', url: '/web/app.js' });
      assert.match(String(js.headers['content-type']), /javascript/);
      assert.equal(js.body, 'console.log(1);');
      assert.equal((await app.inject({ method: 'GET', url: '/web/style.css' })).statusCode, 404);
      assert.equal((await app.inject({ method: 'GET', url: '/web/..%2F..%2Fpackage.json' })).statusCode, 404);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
