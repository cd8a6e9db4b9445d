/**
 * Bounded load and fault tests over loopback against `detkit serve` run as a user runs it, with
 * a tiny ONNX fixture model: a burst of good requests, then a flood of malformed ones that must
 * each be refused with a 4xx while the server keeps serving.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { load } from './testing/autocannon.js';
import { malformedRequests } from './testing/malformed.js';
import { type ServerProcess, startServerProcess } from './testing/server-process.js';

const MODEL = join(process.cwd(), 'src/families/fixtures/yolov8.onnx');
const photo = readFileSync(join(process.cwd(), 'test-data/photos/chelsea.png'));
let server: ServerProcess;

before(async () => {
  server = await startServerProcess(['--model', MODEL, '--name', 'tiny']);
});
after(() => server?.stop());

const detect = (body: BodyInit) =>
  fetch(`${server.url}/v1/detect/tiny`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });

async function assertStillServing() {
  assert.equal(server.child.exitCode, null, 'the server exited');
  const r = await detect(photo);
  assert.equal(r.status, 200, await r.text());
}

test('200 detect requests over 8 connections all succeed', async () => {
  const r = await load({
    url: `${server.url}/v1/detect/tiny`,
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: photo,
    connections: 8,
    amount: 200,
  });
  assert.equal(r.errors, 0);
  assert.equal(r.timeouts, 0);
  assert.equal(r.non2xx, 0);
  assert.equal(r['2xx'], 200);
});

const malformed = () => malformedRequests(server.url, 'tiny', photo);
const NAMES = malformedRequests('http://127.0.0.1', 'tiny', photo).map((m) => m.name);

/** Known server bug, for the serve branch: a truncated multipart body answers 500, not 400. */
const KNOWN_500 = new Set<string>();

for (const [i, name] of NAMES.entries()) {
  const todo = KNOWN_500.has(name) ? 'serve answers 500 "Unexpected end of multipart data"' : undefined;
  test(`${name} is refused with a 4xx and the server keeps serving`, { todo }, async () => {
    const r = await malformed()[i]!.send();
    assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${await r.text()}`);
    await assertStillServing();
  });
}

test('bodies cut off mid-request by the client leave the server serving', async () => {
  const { port } = new URL(server.url);
  await Promise.all(
    Array.from({ length: 20 }, () => {
      const socket = connect(Number(port), '127.0.0.1');
      return new Promise<void>((resolve) => {
        socket.on('connect', () => {
          socket.write(`POST /v1/detect/tiny HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n`);
          socket.write(`Content-Length: ${photo.length}\r\n\r\n`);
          socket.end(photo.subarray(0, 100));
        });
        // The server waits for the rest of the body; the client gives up, as a dropped connection would.
        setTimeout(() => socket.destroy(), 200);
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }),
  );
  await assertStillServing();
});

test('a flood of all the malformed requests at once leaves the server serving', async () => {
  const statuses = await Promise.all(
    Array.from({ length: 10 }, () =>
      malformed()
        .filter((m) => !KNOWN_500.has(m.name))
        .map((m) => m.send()),
    ).flat(),
  );
  assert.ok(statuses.every((r) => r.status < 500));
  await assertStillServing();
});
