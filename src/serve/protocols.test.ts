/** Every protocol's routes and shapes, over a repository of the small ONNX fixtures. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { metricValue, photoBytes, tempRepository } from './serve.test.util.js';
import { createServer, type Server } from './server.js';

let server: Server;
const png = photoBytes('chelsea.png');
before(async () => {
  const repository = tempRepository({
    detr: { fixture: 'detr-hf.onnx', versions: ['1', '2'], config: 'version_policy: all\nscore_threshold: 0.3\n' },
    tfod: { fixture: 'tfod.onnx', versions: ['3'] },
  });
  server = await createServer({ repository, log: () => undefined, rescanMs: 0 });
});
after(() => server.close());

const inject = (o: InjectOptions) => server.app.inject(o);

test('GET /v1/models lists each model with its versions, family and platform; the default is the first by name', async () => {
  const body = (await inject({ method: 'GET', url: '/v1/models' })).json();
  assert.equal(body.default, 'detr');
  assert.deepEqual(
    body.models.map((m: Record<string, unknown>) => [m.name, m.versions, m.ready, m.family, m.platform]),
    [
      ['detr', ['1', '2'], true, 'hf-detr', 'onnx'],
      ['tfod', ['3'], true, 'tf-object-detection', 'onnx'],
    ],
  );
});

test('POST /v1/detect uses the default model and the config.yaml score threshold', async () => {
  const r = await inject({ method: 'POST', url: '/v1/detect', headers: { 'content-type': 'image/png' }, payload: png });
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json();
  assert.equal(body.model, 'detr');
  assert.equal(body.version, '2', 'the newest version');
  assert.ok(body.detections.length > 0);
  assert.ok(body.detections.every((d: { score: number }) => d.score >= 0.3));
});

test('a version can be named with ?version=', async () => {
  const r = await inject({
    method: 'POST',
    url: '/v1/detect/detr?version=1',
    headers: { 'content-type': 'image/png' },
    payload: png,
  });
  assert.equal(r.json().version, '1');
});

test('KServe health, server metadata, model metadata and readiness', async () => {
  assert.deepEqual((await inject({ method: 'GET', url: '/v2/health/live' })).json(), { live: true });
  assert.equal((await inject({ method: 'GET', url: '/v2/health/ready' })).statusCode, 200);
  const meta = (await inject({ method: 'GET', url: '/v2' })).json();
  assert.equal(meta.name, 'detkit');
  assert.ok(meta.extensions.includes('binary_tensor_data'));
  const model = (await inject({ method: 'GET', url: '/v2/models/detr' })).json();
  assert.deepEqual(model.versions, ['1', '2']);
  assert.equal(model.platform, 'onnxruntime_onnx');
  assert.deepEqual(model.inputs[0], { name: 'image', datatype: 'BYTES', shape: [1] });
  assert.deepEqual(model.inputs[1], { name: 'pixel_values', datatype: 'FP32', shape: [-1, 3, -1, -1] });
  assert.ok(model.outputs.some((o: { name: string }) => o.name === 'boxes'));
  const one = (await inject({ method: 'GET', url: '/v2/models/detr/versions/1' })).json();
  assert.deepEqual(one.versions, ['1']);
  assert.deepEqual((await inject({ method: 'GET', url: '/v2/models/detr/versions/2/ready' })).json(), {
    name: 'detr',
    version: '2',
    ready: true,
  });
  assert.equal((await inject({ method: 'GET', url: '/v2/models/detr/versions/9/ready' })).statusCode, 400);
  assert.equal((await inject({ method: 'GET', url: '/v2/models/nothing/ready' })).statusCode, 404);
});

test('KServe binary extension: image as a binary BYTES input, outputs returned as binary', async () => {
  const element = Buffer.alloc(4 + png.length);
  element.writeUInt32LE(png.length, 0);
  png.copy(element, 4);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: element.length } }],
      outputs: [{ name: 'scores', parameters: { binary_data: true } }, { name: 'labels' }],
    }),
  );
  const r = await inject({
    method: 'POST',
    url: '/v2/models/detr/versions/2/infer',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
    payload: Buffer.concat([header, element]),
  });
  assert.equal(r.statusCode, 200, r.body);
  const n = Number(r.headers['inference-header-content-length']);
  const raw = r.rawPayload;
  const json = JSON.parse(raw.subarray(0, n).toString('utf8'));
  const [scores, labels] = json.outputs;
  assert.equal(scores.name, 'scores');
  assert.equal(scores.data, undefined);
  const count = scores.shape[0];
  assert.equal(scores.parameters.binary_data_size, count * 4);
  assert.equal(raw.length, n + count * 4);
  const values = new Float32Array(new Uint8Array(raw.subarray(n)).buffer);
  assert.ok(values[0]! >= values[count - 1]!);
  assert.equal(labels.data.length, count);
  assert.ok(labels.data.includes('cat'));
});

test('KServe JSON infer with a tensor matching the model input runs the model and returns its raw outputs', async () => {
  const r = await inject({
    method: 'POST',
    url: '/v2/models/tfod/infer',
    payload: {
      inputs: [
        {
          name: 'input_tensor',
          shape: [1, 2, 2, 3],
          datatype: 'UINT8',
          data: [
            [
              [
                [1, 2, 3],
                [4, 5, 6],
              ],
              [
                [7, 8, 9],
                [10, 11, 12],
              ],
            ],
          ],
        },
      ],
    },
  });
  assert.equal(r.statusCode, 200, r.body);
  const names = r.json().outputs.map((o: { name: string }) => o.name);
  assert.ok(names.includes('detection_boxes'), names.join());
});

test('KServe infer refuses a tensor of the wrong datatype or shape with 400 and a message', async () => {
  const r = await inject({
    method: 'POST',
    url: '/v2/models/tfod/infer',
    payload: { inputs: [{ name: 'input_tensor', shape: [1, 2, 2, 3], datatype: 'FP32', data: new Array(12).fill(0) }] },
  });
  assert.equal(r.statusCode, 400);
  assert.match(r.json().error, /must be UINT8, got FP32/);
  const short = await inject({
    method: 'POST',
    url: '/v2/models/tfod/infer',
    payload: { inputs: [{ name: 'input_tensor', shape: [1, 2, 2, 3], datatype: 'UINT8', data: [1, 2] }] },
  });
  assert.equal(short.statusCode, 400);
  assert.match(short.json().error, /needs 12 values, got 2/);
});

test('TF Serving model status, version status and metadata', async () => {
  assert.deepEqual((await inject({ method: 'GET', url: '/v1/models/tfod' })).json(), {
    model_version_status: [{ version: '3', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }],
  });
  assert.equal(
    (await inject({ method: 'GET', url: '/v1/models/detr/versions/1' })).json().model_version_status.length,
    1,
  );
  assert.equal((await inject({ method: 'GET', url: '/v1/models/detr/versions/7' })).statusCode, 404);
  const meta = (await inject({ method: 'GET', url: '/v1/models/detr/metadata' })).json();
  assert.equal(meta.model_spec.name, 'detr');
  assert.equal(meta.metadata.signature_def.signature_def.serving_default.inputs.image_bytes.dtype, 'DT_STRING');
});

test('TF Serving columnar inputs answer columnar outputs, one entry an image', async () => {
  const b64 = png.toString('base64');
  const r = await inject({
    method: 'POST',
    url: '/v1/models/detr/versions/1:predict',
    payload: { inputs: { image_bytes: [{ b64 }, { b64 }] } },
  });
  assert.equal(r.statusCode, 200, r.body);
  const { outputs } = r.json();
  assert.equal(outputs.num_detections.length, 2);
  assert.deepEqual(outputs.detection_scores[0], outputs.detection_scores[1]);
  assert.equal(outputs.detection_boxes[0].length, outputs.num_detections[0]);
});

test('Vertex-style instances ({"content": base64}) with confidenceThreshold work', async () => {
  const r = await inject({
    method: 'POST',
    url: '/v1/models/detr:predict',
    payload: { instances: [{ content: png.toString('base64') }], parameters: { confidenceThreshold: 0.9 } },
  });
  assert.equal(r.statusCode, 200, r.body);
  const [p] = r.json().predictions;
  assert.ok(p.detection_scores.every((s: number) => s >= 0.9));
});

test('TF Serving: an unknown verb is 404, a body without instances or inputs is 400', async () => {
  assert.equal(
    (await inject({ method: 'POST', url: '/v1/models/detr:classify', payload: { instances: [] } })).statusCode,
    404,
  );
  const r = await inject({ method: 'POST', url: '/v1/models/detr:predict', payload: { signature_name: 'x' } });
  assert.equal(r.statusCode, 400);
  assert.match(r.json().error, /instances|inputs/);
});

test('path traversal in model and version names never reaches the file system', async () => {
  for (const url of [
    '/v1/detect/..%2F..%2Fpackage.json',
    '/v1/models/..%2Fdetr',
    '/v2/models/..%2F..%2Fetc/ready',
    '/v2/models/detr/versions/..%2F1/infer',
    '/v1/models/..:predict',
    '/web/..%2Fpackage.json',
  ]) {
    const r = await inject({
      method: url.includes('detect') || url.endsWith('infer') || url.endsWith('predict') ? 'POST' : 'GET',
      url,
      headers: { 'content-type': 'image/png' },
      payload: png,
    });
    assert.ok(r.statusCode === 400 || r.statusCode === 404, `${url} → ${r.statusCode}`);
    assert.equal(typeof r.json().error, 'string');
  }
});

test('an unknown model is 404 with a JSON error', async () => {
  const r = await inject({
    method: 'POST',
    url: '/v1/detect/nothing',
    headers: { 'content-type': 'image/png' },
    payload: png,
  });
  assert.equal(r.statusCode, 404);
  assert.match(r.json().error, /no model named "nothing"/);
});

test('/docs serves an HTML page and /docs/openapi.json an OpenAPI 3 document naming every protocol', async () => {
  const html = await inject({ method: 'GET', url: '/docs' });
  assert.match(String(html.headers['content-type']), /text\/html/);
  assert.doesNotMatch(html.body, /https?:\/\//, 'no CDN');
  const doc = (await inject({ method: 'GET', url: '/docs/openapi.json' })).json();
  assert.equal(doc.openapi.slice(0, 2), '3.');
  for (const path of ['/v1/detect/{model}', '/v1/models', '/v2/models/{model}/infer', '/v1/models/{model}:predict']) {
    assert.ok(doc.paths[path], path);
  }
});

test('/metrics counts requests by route and code, batch sizes and loaded models', async () => {
  const text = (await inject({ method: 'GET', url: '/metrics' })).body;
  const detects = metricValue(
    text,
    'detkit_http_requests_total{route="/v1/detect",method="POST",code="200",model="detr"}',
  );
  assert.ok((detects ?? 0) >= 1, text.slice(0, 1500));
  assert.equal(metricValue(text, 'detkit_models_loaded'), 3);
  assert.ok((metricValue(text, 'detkit_batch_size_count{model="detr"}') ?? 0) >= 1);
  assert.match(text, /detkit_http_request_duration_seconds_bucket/);
  assert.match(text, /detkit_queue_seconds_bucket/);
  assert.match(text, /detkit_inference_seconds_bucket/);
});
