import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DetkitError } from '../core/errors.js';
import { writeFiles } from '../core/files.js';
import { MemoryFiles } from '../core/memory-files.js';
import { nodeFiles } from './node-files.js';

const temp = () => mkdtempSync(join(tmpdir(), 'detkit-node-files-'));

test('writeMany writes texts and bytes, making missing parent folders', async () => {
  const dir = temp();
  await nodeFiles.writeMany([
    { path: join(dir, 'labels/train/a.txt'), data: '0 0.5 0.5 1 1\n' },
    { path: join(dir, 'labels/val/b.bin'), data: new Uint8Array([1, 2, 3]) },
    { path: join(dir, 'labels/train/c.txt'), data: '' },
  ]);
  assert.equal(readFileSync(join(dir, 'labels/train/a.txt'), 'utf8'), '0 0.5 0.5 1 1\n');
  assert.deepEqual([...readFileSync(join(dir, 'labels/val/b.bin'))], [1, 2, 3]);
  assert.equal(readFileSync(join(dir, 'labels/train/c.txt'), 'utf8'), '');
});

test('writeMany names the file it cannot write', async () => {
  const dir = temp();
  writeFileSync(join(dir, 'file'), 'x');
  await assert.rejects(nodeFiles.writeMany([{ path: join(dir, 'file/under-a-file.txt'), data: 'x' }]), (e) => {
    assert.ok(e instanceof DetkitError);
    assert.equal(e.where.file, join(dir, 'file/under-a-file.txt'));
    return true;
  });
});

test('copyMany hard-links into new folders; a missing source is named', async () => {
  const dir = temp();
  writeFileSync(join(dir, 'a.png'), 'png');
  await nodeFiles.copyMany([{ from: join(dir, 'a.png'), to: join(dir, 'out/images/a.png') }]);
  assert.equal(statSync(join(dir, 'out/images/a.png')).ino, statSync(join(dir, 'a.png')).ino);
  await assert.rejects(
    nodeFiles.copyMany([{ from: join(dir, 'missing.png'), to: join(dir, 'out/images/m.png') }]),
    (e) => e instanceof DetkitError && e.where.file === join(dir, 'missing.png'),
  );
});

test('writeFiles asks for each file once, in batches, also without writeMany', async () => {
  const files = new MemoryFiles();
  const asked: number[] = [];
  const seen: number[] = [];
  await writeFiles(
    files,
    1200,
    (k) => {
      asked.push(k);
      return { path: `out/${k}.txt`, data: `${k}\n` };
    },
    (done) => seen.push(done),
  );
  assert.deepEqual(asked, [...Array(1200).keys()]);
  assert.deepEqual(seen, [512, 1024, 1200]);
  assert.equal(await files.readText('out/1199.txt'), '1199\n');
});
