import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileAccess } from '../core/files.js';
import { csvField, forEachLine, parseDecimal, splitCsvLine } from './csv-text.js';

/** A FileAccess whose file comes in chunks of `size` bytes (to cut lines and characters apart). */
function chunked(text: string, size: number): FileAccess {
  const bytes = new TextEncoder().encode(text);
  return {
    async *readChunks() {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    },
  } as unknown as FileAccess;
}

async function linesOfFile(files: FileAccess): Promise<[string, number][]> {
  const out: [string, number][] = [];
  await forEachLine(files, 'f.csv', (text, start, end, n) => out.push([text.slice(start, end), n]));
  return out;
}

test('lines: CRLF and LF, a last line without a break, numbered from 1 whatever the chunking', async () => {
  const text = 'a,b\r\nc,d\n\nÉtoile,ü\nlast';
  for (const size of [1, 2, 3, 7, 1000]) {
    assert.deepEqual(await linesOfFile(chunked(text, size)), [
      ['a,b', 1],
      ['c,d', 2],
      ['', 3],
      ['Étoile,ü', 4],
      ['last', 5],
    ]);
  }
});

test('split: quoted fields keep commas and "" escapes', () => {
  const line = 'x,"Car, sedan","say ""hi""",,end';
  assert.deepEqual(splitCsvLine(line, 0, line.length, 'f', 1), ['x', 'Car, sedan', 'say "hi"', '', 'end']);
});

test('split: an unterminated quote names file and line', () => {
  assert.throws(() => splitCsvLine('a,"open', 0, 7, 'f.csv', 9), /f\.csv:9: unterminated quoted field/);
});

test('csvField quotes only when needed, and round-trips through the split', () => {
  for (const value of ['plain', 'Car, sedan', 'say "hi"', ' padded ']) {
    const line = `${csvField(value)},z`;
    assert.deepEqual(splitCsvLine(line, 0, line.length, 'f', 1), [value, 'z']);
  }
  assert.equal(csvField('plain'), 'plain');
});

test('parseDecimal equals Number for the decimals Open Images writes, and for the slow cases', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const cases = [
    '0',
    '1',
    '-1',
    '0.5',
    '0.000001',
    '0.999999',
    '12',
    '1e-3',
    '0.1234567890123456789',
    '123456789012345678',
  ];
  for (let i = 0; i < 20000; i++) cases.push(rand().toFixed(1 + (i % 15)), String(rand()));
  for (const s of cases) assert.equal(parseDecimal(s, 0, s.length), Number(s), s);
});

test('parseDecimal: not a number is NaN (empty, letters, a lone dot or minus, padding)', () => {
  for (const s of ['', 'abc', '.', '-', '1.2.3', ' 1', 'Infinity', '0x10']) {
    assert.ok(Number.isNaN(parseDecimal(s, 0, s.length)), JSON.stringify(s));
  }
});
