import assert from 'node:assert/strict';
import { test } from 'node:test';
import { walkFiles } from '../core/files.js';
import { DroppedFiles } from './dropped-files.js';

const blob = (text: string) => new Blob([text]);

test('dropped files imply their folders; listings are sorted, folders marked', async () => {
  const files = new DroppedFiles({ 'ds/labels/b.txt': '', 'ds/labels/a.txt': '', 'ds/data.yaml': blob('x') });
  assert.deepEqual(await files.list('ds'), [
    { name: 'data.yaml', isDirectory: false },
    { name: 'labels', isDirectory: true },
  ]);
  assert.deepEqual(await files.list('.'), [{ name: 'ds', isDirectory: true }]);
  assert.deepEqual(await walkFiles(files, './ds'), ['data.yaml', 'labels/a.txt', 'labels/b.txt']);
  assert.deepEqual(await files.stat('/ds/data.yaml'), { isDirectory: false, size: 1 });
  assert.equal(await files.stat('ds/none'), null);
});

test('a Blob is read only in the parts asked for: head, chunks, text', async () => {
  const files = new DroppedFiles({ 'img.png': new Blob([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10)]) });
  assert.deepEqual([...(await files.readHead('img.png', 4))], [0x89, 0x50, 0x4e, 0x47]);
  assert.deepEqual([...(await files.readHead('img.png', 100))], [0x89, 0x50, 0x4e, 0x47, 13, 10]);
  assert.equal(await files.readText('img.png'), '\ufffdPNG\r\n');
});

test("lines drop '\\n' and '\\r\\n', and a last line without a terminator is kept", async () => {
  const files = new DroppedFiles({ 'a.txt': blob('0 0.5 0.5 1 1\r\n1 0.1 0.1 0.2 0.2\nlast') });
  const lines: string[] = [];
  for await (const line of files.readLines('a.txt')) lines.push(line);
  assert.deepEqual(lines, ['0 0.5 0.5 1 1', '1 0.1 0.1 0.2 0.2', 'last']);
});

test('a missing file and a folder read as a file are errors naming the path', async () => {
  const files = new DroppedFiles({ 'ds/a.txt': '' });
  await assert.rejects(files.readText('ds/b.txt'), { message: 'ds/b.txt: no such file or folder' });
  await assert.rejects(files.readBytes('ds'), { message: 'ds: is a folder, not a file' });
});

test('writes land in memory and read back, streamed or whole', async () => {
  const files = new DroppedFiles();
  const sink = await files.openWriter('out/labels.json');
  await sink.write('{"a":');
  await sink.write(new TextEncoder().encode('1}'));
  await sink.close();
  await files.copyFile('out/labels.json', 'copy/labels.json');
  assert.equal(await files.readText('copy/labels.json'), '{"a":1}');
  assert.deepEqual(files.paths(), ['copy/labels.json', 'out/labels.json']);
});
