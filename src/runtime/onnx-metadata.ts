/**
 * ONNX Runtime's JS API does not expose a model's `metadata_props` (where Ultralytics writes
 * `names`, `imgsz`, `stride`, `task`), so they are read from the ModelProto's top-level fields
 * straight off the protobuf wire format, skipping the graph without decoding it.
 * Environment-free: the caller supplies random access to the bytes.
 */

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

const METADATA_PROPS = 14;
const PRODUCER_NAME = 2;
const PRODUCER_VERSION = 3;

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 1;
  let i = at;
  for (;;) {
    if (i >= bytes.length) throw new Error('truncated varint');
    const b = bytes[i++]!;
    value += (b & 0x7f) * shift;
    if (b < 0x80) return { value, next: i };
    shift *= 128;
    if (shift > 2 ** 63) throw new Error('varint too long');
  }
}

function decodeEntry(bytes: Uint8Array): [string, string] {
  const text = new TextDecoder();
  let key = '';
  let value = '';
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    const len = readVarint(bytes, tag.next);
    const body = bytes.subarray(len.next, len.next + len.value);
    if (tag.value === (1 << 3) + 2) key = text.decode(body);
    else if (tag.value === (2 << 3) + 2) value = text.decode(body);
    at = len.next + len.value;
  }
  return [key, value];
}

/**
 * The model's `metadata_props` as a record, plus `producer_name` / `producer_version` under
 * those keys when present. Throws on bytes that are not a protobuf message.
 */
export async function readOnnxMetadata(readAt: ReadAt, size: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const text = new TextDecoder();
  let at = 0;
  while (at < size) {
    // A tag and a length fit in 20 bytes.
    const head = await readAt(at, 20);
    if (head.length === 0) break;
    const tag = readVarint(head, 0);
    const field = Math.floor(tag.value / 8);
    const wire = tag.value & 7;
    if (field === 0) throw new Error(`not an ONNX model: bad protobuf field at byte ${at}`);
    if (wire === 0) {
      at += readVarint(head, tag.next).next;
    } else if (wire === 1) {
      at += tag.next + 8;
    } else if (wire === 5) {
      at += tag.next + 4;
    } else if (wire === 2) {
      const len = readVarint(head, tag.next);
      const start = at + len.next;
      if (field === METADATA_PROPS || field === PRODUCER_NAME || field === PRODUCER_VERSION) {
        const body = await readAt(start, len.value);
        if (field === METADATA_PROPS) {
          const [k, v] = decodeEntry(body);
          out[k] = v;
        } else {
          out[field === PRODUCER_NAME ? 'producer_name' : 'producer_version'] = text.decode(body);
        }
      }
      at = start + len.value;
    } else {
      throw new Error(`not an ONNX model: unsupported protobuf wire type ${wire} at byte ${at}`);
    }
  }
  return out;
}

/** Random access over bytes already in memory (the browser, tests). */
export function bytesReader(bytes: Uint8Array): ReadAt {
  return async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length));
}
