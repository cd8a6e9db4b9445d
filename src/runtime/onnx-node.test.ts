import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { tempFilePath } from '../io/temp-dirs.test.util.js';
import { loadSession, runtimeForFile } from './load.js';
import { bytesReader, readOnnxMetadata } from './onnx-metadata.js';
import { createOnnxNodeSession } from './onnx-node.js';

const fixture = (name: string) => join(process.cwd(), 'src', 'families', 'fixtures', name);

test('signature: fixed dims as numbers, symbolic dims as null, element types', async () => {
  const session = await createOnnxNodeSession(fixture('torchvision.onnx'));
  assert.deepEqual(session.signature.inputs, [{ name: 'images', type: 'float32', dims: [3, null, null] }]);
  assert.deepEqual(
    session.signature.outputs.map((o) => [o.name, o.type, o.dims.length]),
    [
      ['boxes', 'float32', 2],
      ['labels', 'int64', 1],
      ['scores', 'float32', 1],
    ],
  );
  await session.dispose();
});

test('metadata_props are read from the file (Ultralytics names, task)', async () => {
  const session = await createOnnxNodeSession(fixture('yolov8.onnx'));
  assert.equal(session.signature.metadata.task, 'detect');
  assert.match(session.signature.metadata.names, /^\{0: 'person', 1: 'class1', 2: 'car', 3: "driver's seat"/);
  await session.dispose();
});

test('metadata read from bytes (the browser path) equals metadata read from the file', async () => {
  const bytes = new Uint8Array(readFileSync(fixture('yolov8.onnx')));
  const session = await createOnnxNodeSession(fixture('yolov8.onnx'));
  assert.deepEqual(await readOnnxMetadata(bytesReader(bytes), bytes.length), session.signature.metadata);
  await session.dispose();
});

test('runs with 2 intra-op threads, returning every output (int64 as BigInt64Array)', async () => {
  const session = await createOnnxNodeSession(fixture('torchvision.onnx'), { threads: 2 });
  const out = await session.run({ images: { type: 'float32', dims: [3, 8, 8], data: new Float32Array(192) } });
  assert.deepEqual(Object.keys(out).sort(), ['boxes', 'labels', 'scores']);
  assert.deepEqual(out.boxes.dims, [5, 4]);
  assert.ok(out.labels.data instanceof BigInt64Array);
  await session.dispose();
});

test('run can fetch only some outputs', async () => {
  const session = await createOnnxNodeSession(fixture('torchvision.onnx'));
  const out = await session.run({ images: { type: 'float32', dims: [3, 8, 8], data: new Float32Array(192) } }, [
    'scores',
  ]);
  assert.deepEqual(Object.keys(out), ['scores']);
  await session.dispose();
});

test('a file that is not ONNX is refused, naming the file', async () => {
  const path = tempFilePath('not-a-model.onnx');
  writeFileSync(path, 'this is text, not a protobuf model\n');
  await assert.rejects(createOnnxNodeSession(path), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    return true;
  });
});

test('the runtime is chosen by file: .onnx → ONNX Runtime, .json → TF.js, others refused', async () => {
  assert.equal(runtimeForFile('a/model.onnx'), 'onnx');
  assert.equal(runtimeForFile('a/model.json'), 'tfjs');
  assert.equal(runtimeForFile('a/model.pt'), undefined);
  await assert.rejects(loadSession('a/model.pt'), /a\/model\.pt: unknown model file type/);
  const session = await loadSession(fixture('yolov8.onnx'));
  assert.equal(session.signature.format, 'onnx');
  await session.dispose();
});
