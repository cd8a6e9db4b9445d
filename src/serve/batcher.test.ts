/**
 * Dynamic batching semantics on a real (tiny) model: a request waits for company only while
 * another is on its way, within the queue delay; arrivals together form batches of at most
 * `maxBatch`; the bounded queue and the deadline refuse at once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RawImage } from '../core/image.js';
import { type Detector, loadDetector } from '../detector.js';
import { decodeImage } from '../io/decode-image.js';
import { Batcher, type BatchingConfig } from './batcher.js';
import { HttpError } from './limits.js';
import { fixtureModel, photoBytes } from './serve.test.util.js';

const HOUR_US = 3_600_000_000;
let detector: Detector;
let image: RawImage;

before(async () => {
  detector = await loadDetector(fixtureModel('yolov8.onnx'));
  image = await decodeImage(photoBytes('chelsea.png'));
});
after(() => detector.dispose());

/** A batcher over the fixture model that records the size of every detectBatch call. */
function batcher(config: Partial<BatchingConfig>) {
  const sizes: number[] = [];
  const recording: Detector = {
    ...detector,
    detectBatch(images, options) {
      sizes.push(images.length);
      return detector.detectBatch(images, options);
    },
  };
  const b = new Batcher(recording, { maxBatch: 8, maxQueueDelayUs: HOUR_US, maxQueue: 64, ...config }, 'tiny');
  return { b, sizes };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('a lone request runs at once: it does not wait out the queue delay when nothing else is coming', async () => {
  const { b, sizes } = batcher({ maxQueueDelayUs: HOUR_US });
  const result = await b.submit(image, {}, 60_000);
  assert.equal(result.batchSize, 1);
  assert.ok(result.detections.length > 0);
  assert.deepEqual(sizes, [1]);
});

test('a queued request waits for one announced as on its way, and both run as one batch', async () => {
  const { b, sizes } = batcher({});
  const coming = b.expect();
  const first = b.submit(image, {}, 60_000);
  await turns(5);
  assert.deepEqual(sizes, [], 'ran before the announced request arrived');
  assert.equal(b.depth, 1);
  const second = b.submit(image, {}, 60_000, coming);
  const [a, c] = await Promise.all([first, second]);
  assert.deepEqual(sizes, [2]);
  assert.equal(a.batchSize, 2);
  assert.deepEqual(c.detections, a.detections);
  assert.equal(b.expected, 0);
});

test('withdrawing the announcement (the request failed) releases the waiting request at once', async () => {
  const { b, sizes } = batcher({});
  const coming = b.expect();
  const first = b.submit(image, {}, 60_000);
  await turns(2);
  b.withdraw(coming);
  b.withdraw(coming); // twice is once
  assert.equal((await first).batchSize, 1);
  assert.deepEqual(sizes, [1]);
  assert.equal(b.expected, 0);
});

test('the queue delay bounds the wait for an announced request that never arrives', async () => {
  const { b, sizes } = batcher({ maxQueueDelayUs: 50_000 });
  b.expect();
  const result = await b.submit(image, {}, 60_000);
  assert.ok(result.queueMs >= 40, `waited ${result.queueMs} ms of a 50 ms delay`);
  assert.deepEqual(sizes, [1]);
});

test('requests arriving together run in batches of at most max batch, the next filling while one runs', async () => {
  const { b, sizes } = batcher({ maxBatch: 4 });
  const results = await Promise.all(Array.from({ length: 10 }, () => b.submit(image, {}, 60_000)));
  assert.deepEqual(sizes, [4, 4, 2]);
  assert.deepEqual(
    results.map((r) => r.batchSize),
    [4, 4, 4, 4, 4, 4, 4, 4, 2, 2],
  );
});

test('a full queue refuses at once with 429 and Retry-After', async () => {
  const { b } = batcher({ maxQueue: 1 });
  const coming = b.expect();
  const first = b.submit(image, {}, 60_000);
  await assert.rejects(b.submit(image, {}, 60_000), (e: HttpError) => {
    assert.equal(e.statusCode, 429);
    assert.equal(e.headers['retry-after'], '1');
    return true;
  });
  b.withdraw(coming);
  assert.equal((await first).batchSize, 1);
});

test('an announced request refused by the full queue no longer holds back the queued one', async () => {
  const { b, sizes } = batcher({ maxQueue: 1 });
  const coming = b.expect();
  const first = b.submit(image, {}, 60_000);
  await assert.rejects(b.submit(image, {}, 60_000, coming), (e: HttpError) => e.statusCode === 429);
  assert.equal((await first).batchSize, 1);
  assert.deepEqual(sizes, [1]);
});

test('a request still queued at its deadline is refused with 504', async () => {
  const { b, sizes } = batcher({});
  const coming = b.expect();
  await assert.rejects(b.submit(image, {}, 30), (e: HttpError) => e instanceof HttpError && e.statusCode === 504);
  assert.equal(b.depth, 0);
  b.withdraw(coming);
  await turns(3);
  assert.deepEqual(sizes, []);
});
