/** The model repository: layout, config.yaml, hot add/remove, in-flight reference counting, broken models. */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseModelConfig, selectVersions } from './model-config.js';
import { ModelRepository } from './repository.js';
import { addVersion, eventually, tempRepository } from './serve.test.util.js';
import { createServer } from './server.js';

const batching = { maxBatch: 4, maxQueueDelayUs: 0, maxQueue: 8 };

test('config.yaml: Triton-style fields and version policies', () => {
  const c = parseModelConfig(
    'family: yolov8\nlabels: [a, b]\nscore_threshold: 0.4\ninput_size: [320, 480]\nmax_batch_size: 2\n' +
      'dynamic_batching: { max_queue_delay_microseconds: 500, max_queue_size: 3 }\nversion_policy: { specific: { versions: [1, 3] } }\n',
  );
  assert.equal(c.family, 'yolov8');
  assert.deepEqual(c.labels, ['a', 'b']);
  assert.deepEqual(c.inputSize, [320, 480]);
  assert.equal(c.maxQueueDelayUs, 500);
  assert.equal(c.maxQueue, 3);
  assert.deepEqual(selectVersions(['1', '2', '3', '10'], c.versionPolicy), ['1', '3']);
  assert.deepEqual(selectVersions(['1', '2', '10'], parseModelConfig('').versionPolicy), ['10']);
  assert.deepEqual(
    selectVersions(['1', '2', '10'], parseModelConfig('version_policy: { latest: { num_versions: 2 } }').versionPolicy),
    ['2', '10'],
  );
  assert.deepEqual(selectVersions(['2', '1'], parseModelConfig('version_policy: all').versionPolicy), ['1', '2']);
  assert.throws(
    () => parseModelConfig('score_threshold: high'),
    /field "score_threshold" must be a non-negative number/,
  );
});

test('the latest version is served by default; a new version loads and a removed one unloads, without restart', async () => {
  const root = tempRepository({ yolo: { fixture: 'yolov8.onnx', versions: ['1'] } });
  const server = await createServer({ repository: root, log: () => undefined, rescanMs: 300 });
  const ready = async (v: string) =>
    (await server.app.inject({ method: 'GET', url: `/v2/models/yolo/versions/${v}/ready` })).statusCode === 200;
  try {
    assert.ok(await ready('1'));
    addVersion(root, 'yolo', '2', 'yolov8.onnx');
    assert.ok(await eventually(() => ready('2')), 'version 2 loaded');
    assert.ok(await eventually(async () => !(await ready('1'))), 'version 1 unloaded (policy latest)');
    writeFileSync(join(root, 'yolo', 'config.yaml'), 'version_policy: all\n');
    assert.ok(await eventually(() => ready('1')), 'version 1 back under policy all');
    rmSync(join(root, 'yolo', '2'), { recursive: true });
    assert.ok(await eventually(async () => !(await ready('2'))), 'version 2 unloaded after its folder went');
    const models = (await server.app.inject({ method: 'GET', url: '/v1/models' })).json().models;
    assert.deepEqual(models[0].versions, ['1']);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a removed version is disposed only after its in-flight requests release it', async () => {
  const root = tempRepository({ m: { fixture: 'yolov8.onnx', versions: ['1'] } });
  const events: string[] = [];
  const repo = new ModelRepository({ root, batching, rescanMs: 0, log: (e) => events.push(`${e.event}`) });
  try {
    await repo.start();
    const held = repo.acquire('m');
    rmSync(join(root, 'm', '1'), { recursive: true });
    await repo.rescan();
    assert.ok(events.includes('model_unloading'));
    assert.ok(!events.includes('model_unloaded'), 'still held by a request');
    assert.throws(() => repo.acquire('m'), /not ready|no model/);
    repo.release(held);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(events.includes('model_unloaded'));
  } finally {
    await repo.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a broken model is reported (not ready, error in /v1/models) and the server keeps serving the others', async () => {
  const root = tempRepository({ good: { fixture: 'tfod.onnx', versions: ['1'] } });
  addVersion(root, 'broken', '1', 'tfod.onnx');
  writeFileSync(join(root, 'broken', '1', 'model.onnx'), 'this is not an onnx model');
  addVersion(root, 'badconfig', '1', 'tfod.onnx');
  writeFileSync(join(root, 'badconfig', 'config.yaml'), 'max_batch_size: lots\n');
  const lines: string[] = [];
  const server = await createServer({ repository: root, log: (l) => lines.push(l), rescanMs: 0 });
  try {
    const ready = await server.app.inject({ method: 'GET', url: '/v2/models/broken/ready' });
    assert.equal(ready.statusCode, 400);
    assert.equal(ready.json().ready, false);
    const models = (await server.app.inject({ method: 'GET', url: '/v1/models' })).json().models;
    const broken = models.find((m: { name: string }) => m.name === 'broken');
    assert.equal(broken.ready, false);
    assert.match(broken.error, /model\.onnx/);
    assert.match(models.find((m: { name: string }) => m.name === 'badconfig').error, /max_batch_size/);
    const detect = await server.app.inject({
      method: 'POST',
      url: '/v1/detect/broken',
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from([1]),
    });
    assert.equal(detect.statusCode, 503);
    assert.ok(lines.some((l) => JSON.parse(l).event === 'model_failed' && JSON.parse(l).model === 'broken'));
    assert.equal((await server.app.inject({ method: 'GET', url: '/v2/models/good/ready' })).statusCode, 200);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('folders with names outside [A-Za-z0-9_.-] and non-numeric versions are ignored', async () => {
  const root = tempRepository({ ok: { fixture: 'tfod.onnx', versions: ['1', 'latest'] } });
  addVersion(root, 'bad name', '1', 'tfod.onnx');
  const repo = new ModelRepository({ root, batching, rescanMs: 0 });
  try {
    await repo.start();
    assert.deepEqual([...repo.entries.keys()], ['ok']);
    assert.deepEqual([...repo.entries.get('ok')!.versions.keys()], ['1']);
  } finally {
    await repo.close();
    rmSync(root, { recursive: true, force: true });
  }
});
