import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { createTfjsSession, tfjsWasm } from './tfjs.js';

// y = relu(x + [1, -2, 3, -4]), x: [batch, 4]
const addRelu = join(process.cwd(), 'src', 'runtime', 'fixtures', 'add-relu', 'model.json');

test('runs TF.js graph models on the WASM backend', async () => {
  await createTfjsSession(addRelu);
  const tf = await tfjsWasm();
  assert.equal(tf.getBackend(), 'wasm');
});

test('signature: names without ":0", dynamic dims as null, userDefinedMetadata as strings', async () => {
  const session = await createTfjsSession(addRelu);
  assert.deepEqual(session.signature.inputs, [{ name: 'x', type: 'float32', dims: [null, 4] }]);
  assert.deepEqual(session.signature.outputs, [{ name: 'y', type: 'float32', dims: [null, 4] }]);
  assert.equal(session.signature.format, 'tfjs');
  assert.match(session.signature.metadata.purpose, /relu/);
  await session.dispose();
});

test('run computes the graph over a batch', async () => {
  const session = await createTfjsSession(addRelu);
  const x = [0, 0, 0, 0, 1, 1, 1, 1];
  const out = await session.run({ x: { type: 'float32', dims: [2, 4], data: new Float32Array(x) } });
  const w = [1, -2, 3, -4];
  assert.deepEqual(out.y.dims, [2, 4]);
  assert.deepEqual(
    Array.from(out.y.data as Float32Array),
    x.map((v, i) => Math.max(0, v + w[i % 4])),
  );
  await session.dispose();
});

test('holds no tensors after 200 calls', async () => {
  const session = await createTfjsSession(addRelu);
  const tf = await tfjsWasm();
  const feeds = { x: { type: 'float32' as const, dims: [1, 4], data: new Float32Array([5, 6, 7, 8]) } };
  await session.run(feeds);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) await session.run(feeds);
  assert.equal(tf.memory().numTensors, before);
  await session.dispose();
});

test('a JSON file that is not a model is refused, naming the file', async () => {
  const notAModel = join(process.cwd(), 'package.json');
  await assert.rejects(createTfjsSession(notAModel), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.match(e.message, /package\.json: not a TF\.js model/);
    return true;
  });
});

test('a missing model file is refused, naming the file', async () => {
  await assert.rejects(createTfjsSession('no/such/model.json'), /no\/such\/model\.json: no such file/);
});
