import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { createOnnxNodeSession } from './onnx-node.js';
import { createOnnxWebSession } from './onnx-web.js';

// onnxruntime-web's WASM build runs in Node too, so the browser adapter is tested here.
const fixture = (name: string) => join(process.cwd(), 'src', 'families', 'fixtures', name);
const zeros = { images: { type: 'float32' as const, dims: [3, 8, 8], data: new Float32Array(192) } };

test('onnxruntime-web (WASM) gives the same signature and outputs as onnxruntime-node', async () => {
  const bytes = new Uint8Array(readFileSync(fixture('torchvision.onnx')));
  const web = await createOnnxWebSession(bytes, { device: 'wasm', threads: 1 });
  const node = await createOnnxNodeSession(fixture('torchvision.onnx'));
  assert.deepEqual(web.signature, node.signature);
  const [a, b] = [await web.run(zeros), await node.run(zeros)];
  for (const name of ['boxes', 'labels', 'scores']) {
    assert.deepEqual(a[name].dims, b[name].dims);
    assert.deepEqual(Array.from(a[name].data as ArrayLike<unknown>), Array.from(b[name].data as ArrayLike<unknown>));
  }
  await web.dispose();
  await node.dispose();
});

test('bytes that are not ONNX are refused under the given name', async () => {
  const bytes = new TextEncoder().encode('definitely not a model');
  await assert.rejects(createOnnxWebSession(bytes, { device: 'wasm', name: 'upload.onnx' }), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.ok(e.message.startsWith('upload.onnx: '), e.message);
    return true;
  });
});
