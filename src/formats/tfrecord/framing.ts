/**
 * TFRecord framing: each record is
 *   uint64 length (LE) · uint32 masked_crc32c(length bytes) · data · uint32 masked_crc32c(data)
 */
import { maskedCrc32c } from './crc32c.js';

export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export type RecordEvent =
  | { kind: 'record'; index: number; data: Uint8Array }
  /** The record's data CRC failed: this record is skipped, the rest is read. */
  | { kind: 'corrupt'; index: number; problem: string }
  /** The framing itself is broken (bad length CRC, file cut short): reading stops here. */
  | { kind: 'fatal'; index: number; problem: string };

/** Splits a stream of chunks into records, checking both CRCs. */
export async function* readRecords(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<RecordEvent> {
  let buffer: Uint8Array = new Uint8Array(0);
  let start = 0;
  let index = 0;
  // Chunks not yet merged into `buffer`: merged once per record, not once per chunk, so a record
  // spanning many chunks costs its size to assemble (merging per chunk was quadratic).
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const available = () => buffer.length - start + pendingBytes;
  const merge = () => {
    if (pending.length === 0) return;
    const rest = buffer.subarray(start);
    if (rest.length === 0 && pending.length === 1) buffer = pending[0];
    else {
      const merged = new Uint8Array(rest.length + pendingBytes);
      merged.set(rest);
      let at = rest.length;
      for (const chunk of pending) {
        merged.set(chunk, at);
        at += chunk.length;
      }
      buffer = merged;
    }
    start = 0;
    pending = [];
    pendingBytes = 0;
  };
  const iterator = chunks[Symbol.asyncIterator]();
  let done = false;
  const fill = async (need: number) => {
    while (!done && available() < need) {
      const next = await iterator.next();
      if (next.done) done = true;
      else {
        pending.push(next.value);
        pendingBytes += next.value.length;
      }
    }
    const enough = available() >= need;
    if (enough) merge();
    return enough;
  };
  for (;;) {
    if (!(await fill(12))) {
      if (available() > 0)
        yield { kind: 'fatal', index, problem: `file ends inside a record header (${available()} stray bytes)` };
      return;
    }
    const view = new DataView(buffer.buffer, buffer.byteOffset + start, 12);
    const lengthBig = view.getBigUint64(0, true);
    if (view.getUint32(8, true) !== maskedCrc32c(buffer, start, start + 8)) {
      yield {
        kind: 'fatal',
        index,
        problem: 'length CRC mismatch: the framing is corrupt, the rest of the file cannot be read',
      };
      return;
    }
    const length = Number(lengthBig);
    if (!(await fill(16 + length))) {
      yield {
        kind: 'fatal',
        index,
        problem: `file is cut short: the record needs ${length} bytes, ${Math.max(0, available() - 12)} remain`,
      };
      return;
    }
    const dataStart = start + 12;
    const data = buffer.subarray(dataStart, dataStart + length);
    const crc = new DataView(buffer.buffer, buffer.byteOffset + dataStart + length, 4).getUint32(0, true);
    if (crc !== maskedCrc32c(buffer, dataStart, dataStart + length)) {
      yield { kind: 'corrupt', index, problem: 'data CRC mismatch: record skipped' };
    } else {
      yield { kind: 'record', index, data: data.slice() };
    }
    start += 16 + length;
    index++;
  }
}
