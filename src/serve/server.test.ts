/** The bundled COCO CenterNet behind every protocol, on real photos (the model is slow: few calls). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { photoBytes } from './serve.test.util.js';
import { createServer, type Server } from './server.js';

let server: Server;
before(async () => {
  server = await createServer({ log: () => undefined });
});
after(() => server.close());

test('with no model argument the bundled CenterNet is served as "centernet", the default', async () => {
  const r = await server.app.inject({ method: 'GET', url: '/v1/models' });
  assert.equal(r.statusCode, 200);
  const body = r.json();
  assert.equal(body.default, 'centernet');
  assert.deepEqual(
    body.models.map((m: { name: string; versions: string[]; ready: boolean; family: string; platform: string }) => [
      m.name,
      m.versions,
      m.ready,
      m.family,
      m.platform,
    ]),
    [['centernet', ['1'], true, 'centernet', 'tfjs']],
  );
  assert.equal(body.models[0].labels[0], 'person');
});

test('POST /v1/detect with raw PNG bytes finds the cat in chelsea.png', async () => {
  const r = await server.app.inject({
    method: 'POST',
    url: '/v1/detect?threshold=0.3',
    headers: { 'content-type': 'image/png' },
    payload: photoBytes('chelsea.png'),
  });
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json();
  assert.equal(body.model, 'centernet');
  assert.equal(body.version, '1');
  assert.deepEqual(body.image, { width: 451, height: 300 });
  assert.equal(body.detections[0].label, 'cat');
  assert.equal(body.detections[0].class_id, 15);
  assert.ok(body.detections.every((d: { score: number }) => d.score >= 0.3));
  const [x1, y1, x2, y2] = body.detections[0].box;
  assert.ok(x1 >= 0 && y1 >= 0 && x2 <= 451 && y2 <= 300 && x2 - x1 > 200, `box ${body.detections[0].box}`);
  for (const k of ['queue_ms', 'decode_ms', 'preprocess_ms', 'inference_ms', 'postprocess_ms', 'total_ms']) {
    assert.equal(typeof body.timings[k], 'number', k);
  }
  assert.ok(body.timings.total_ms >= body.timings.inference_ms);
});

test('POST /v1/detect/centernet with a multipart field "image" finds the person in astronaut.png', async () => {
  const boundary = '----detkit';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    photoBytes('astronaut.png'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const r = await server.app.inject({
    method: 'POST',
    url: '/v1/detect/centernet?max_detections=1',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json();
  assert.equal(body.detections.length, 1);
  assert.equal(body.detections[0].label, 'person');
});

test('KServe v2 infer with the image as a base64 BYTES input returns boxes, scores, class_ids and labels', async () => {
  const r = await server.app.inject({
    method: 'POST',
    url: '/v2/models/centernet/infer',
    payload: {
      id: 'q1',
      parameters: { threshold: 0.3 },
      inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [photoBytes('chelsea.png').toString('base64')] }],
    },
  });
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json();
  assert.equal(body.model_name, 'centernet');
  assert.equal(body.id, 'q1');
  const out = Object.fromEntries(body.outputs.map((o: { name: string }) => [o.name, o]));
  const n = out.scores.shape[0];
  assert.ok(n >= 1);
  assert.deepEqual(out.boxes.shape, [n, 4]);
  assert.equal(out.boxes.datatype, 'FP32');
  assert.equal(out.class_ids.datatype, 'INT32');
  assert.equal(out.labels.datatype, 'BYTES');
  assert.equal(out.labels.data[0], 'cat');
});

test('TF Serving :predict with a b64 instance answers in the TF Object Detection API layout', async () => {
  const r = await server.app.inject({
    method: 'POST',
    url: '/v1/models/centernet:predict',
    payload: { instances: [{ b64: photoBytes('astronaut.png').toString('base64') }], parameters: { threshold: 0.3 } },
  });
  assert.equal(r.statusCode, 200, r.body);
  const [p] = r.json().predictions;
  assert.equal(p.detection_class_labels[0], 'person');
  assert.equal(p.detection_classes[0], 1, 'COCO category id of person');
  assert.equal(p.num_detections, p.detection_scores.length);
  const [ymin, xmin, ymax, xmax] = p.detection_boxes[0];
  assert.ok(ymin >= 0 && xmin >= 0 && ymax <= 1 && xmax <= 1 && ymax > ymin && xmax > xmin);
});
