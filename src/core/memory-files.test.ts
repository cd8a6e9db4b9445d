/** MemoryFiles behaves like nodeFiles: same results, same located errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DetkitError } from './errors.js';
import { walkFiles } from './files.js';
import { MemoryFiles } from './memory-files.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function rejection(run: () => Promise<unknown>): Promise<DetkitError> {
  try {
    await run();
  } catch (e) {
    assert.ok(e instanceof DetkitError, `expected a DetkitError, got ${e}`);
    return e;
  }
  assert.fail('expected a rejection');
}

test('folders are implied by the files under them and listed sorted, folders flagged', async () => {
  const files = new MemoryFiles({ '/d/b.txt': 'b', '/d/a/x.txt': 'x', '/d/C.txt': 'c' });
  assert.deepEqual(await files.list('/d'), [
    { name: 'C.txt', isDirectory: false },
    { name: 'a', isDirectory: true },
    { name: 'b.txt', isDirectory: false },
  ]);
  assert.deepEqual(await files.stat('/d/a'), { isDirectory: true, size: 0 });
  assert.deepEqual(await files.stat('/d/b.txt'), { isDirectory: false, size: 1 });
  assert.equal(await files.stat('/d/none'), null);
  assert.deepEqual(await walkFiles(files, '/d'), ['C.txt', 'a/x.txt', 'b.txt']);
});

test('a missing file is a DetkitError naming it, for every read', async () => {
  const files = new MemoryFiles();
  for (const read of [
    () => files.readText('/no.txt'),
    () => files.readBytes('/no.txt'),
    () => files.readHead('/no.txt', 4),
    () => collect(files.readLines('/no.txt')),
    () => collect(files.readChunks('/no.txt')),
  ]) {
    assert.equal((await rejection(read)).message, '/no.txt: no such file or folder');
  }
  assert.equal((await rejection(() => files.list('/nowhere'))).message, '/nowhere: no such file or folder');
});

test('reading a folder says it is a folder; listing a file says a parent is not a folder', async () => {
  const files = new MemoryFiles({ '/d/a.txt': 'a' });
  assert.equal((await rejection(() => files.readText('/d'))).message, '/d: is a folder, not a file');
  assert.equal((await rejection(() => files.list('/d/a.txt'))).message, '/d/a.txt: a parent is not a folder');
  assert.equal(
    (await rejection(() => files.writeText('/d/a.txt/b', 'b'))).message,
    '/d/a.txt/b: a parent is not a folder',
  );
});

test('lines drop \\n, \\r\\n and lone \\r terminators, with no empty line after the last', async () => {
  const files = new MemoryFiles({ '/a.txt': 'one\r\ntwo\nthree\rfour\n', '/empty.txt': '', '/blank.txt': '\n\n' });
  assert.deepEqual(await collect(files.readLines('/a.txt')), ['one', 'two', 'three', 'four']);
  assert.deepEqual(await collect(files.readLines('/empty.txt')), []);
  assert.deepEqual(await collect(files.readLines('/blank.txt')), ['', '']);
});

test('chunks cover the file in order at the configured size; readHead stops at the end', async () => {
  const files = new MemoryFiles({ '/b.bin': new Uint8Array([1, 2, 3, 4, 5]) }, { chunkSize: 2 });
  assert.deepEqual(
    (await collect(files.readChunks('/b.bin'))).map((c) => [...c]),
    [[1, 2], [3, 4], [5]],
  );
  assert.deepEqual([...(await files.readHead('/b.bin', 3))], [1, 2, 3]);
  assert.deepEqual([...(await files.readHead('/b.bin', 99))], [1, 2, 3, 4, 5]);
});

test('writes make parent folders; a streamed writer and copyFile store the bytes', async () => {
  const files = new MemoryFiles();
  await files.writeText('/out/a/b.txt', 'hé');
  const sink = await files.openWriter('/out/c.bin');
  await sink.write('ab');
  await sink.write(new Uint8Array([0x63]));
  await sink.close();
  await files.copyFile('/out/c.bin', '/copy/c.bin');
  await files.mkdir('/empty/dir');
  assert.equal(await files.readText('/out/a/b.txt'), 'hé');
  assert.equal(await files.readText('/copy/c.bin'), 'abc');
  assert.deepEqual(await files.list('/empty'), [{ name: 'dir', isDirectory: true }]);
  assert.deepEqual(await files.list('/empty/dir'), []);
  assert.deepEqual(files.paths(), ['/copy/c.bin', '/out/a/b.txt', '/out/c.bin']);
  assert.equal((await rejection(() => files.copyFile('/none', '/x'))).message, '/none: no such file or folder');
});

test('stored bytes are copies: changing what was written or read changes nothing stored', async () => {
  const bytes = new Uint8Array([1, 2]);
  const files = new MemoryFiles();
  await files.writeBytes('/a.bin', bytes);
  bytes[0] = 9;
  (await files.readBytes('/a.bin'))[1] = 9;
  assert.deepEqual([...(await files.readBytes('/a.bin'))], [1, 2]);
});

test('a clone is independent of its source', async () => {
  const files = new MemoryFiles({ '/d/a.txt': 'a' });
  const copy = files.clone();
  copy.put('/d/a.txt', 'changed');
  copy.put('/d/new.txt', 'new');
  copy.remove('/d/a.txt');
  assert.equal(await files.readText('/d/a.txt'), 'a');
  assert.deepEqual(
    (await files.list('/d')).map((e) => e.name),
    ['a.txt'],
  );
  assert.deepEqual(
    (await copy.list('/d')).map((e) => e.name),
    ['new.txt'],
  );
});

test('relative paths are normalised and listed under "."', async () => {
  const files = new MemoryFiles({ 'data/./a.txt': 'a' });
  assert.equal(await files.readText('data/a.txt'), 'a');
  assert.deepEqual(await files.list('.'), [{ name: 'data', isDirectory: true }]);
});
