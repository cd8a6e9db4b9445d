/** A real `detkit serve` process: listens on 127.0.0.1, and on SIGTERM finishes the request in flight and exits 0. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fixtureModel, photoBytes } from './serve.test.util.js';

test('SIGTERM mid-request: the request completes, then the process exits 0', async () => {
  const child = spawn(
    process.execPath,
    [
      'dist/cli/detkit.js',
      'serve',
      '--model',
      fixtureModel('detr-hf.onnx'),
      '--port',
      '0',
      '--max-queue-delay-us',
      '1500000',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  const address = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /"event":"listening","address":"([^"]+)"/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`server exited early: ${stderr}`)));
  });
  assert.match(address, /^http:\/\/127\.0\.0\.1:\d+$/);
  // The request waits 1.5 s in the batching queue; SIGTERM arrives while it does.
  const request = fetch(`${address}/v1/detect`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: photoBytes('chelsea.png'),
  });
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGTERM');
  const response = await request;
  assert.equal(response.status, 200);
  const body = (await response.json()) as { detections: unknown[] };
  assert.ok(body.detections.length > 0);
  assert.equal(await exited, 0);
  assert.match(stderr, /"event":"shutdown","signal":"SIGTERM"/);
  assert.match(stderr, /"event":"request".*"status":200/);
});
