/**
 * Request limits and HTTP errors: every refusal is an `HttpError` with its status and a one-line
 * message, which the server's error handler turns into `{"error": "..."}`.
 */
import { imageSizeFromHeader } from '../core/image-size.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface Limits {
  /** Largest request body, in bytes (413 above it). */
  maxBodyBytes: number;
  /** Largest image, in pixels (width × height from the header, before decoding; 413 above it). */
  maxPixels: number;
  /** Per-request deadline, queue and inference included (504 after it). */
  timeoutMs: number;
}

export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream'];

/** Model and version names: looked up in the loaded registry only, never joined to a path. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

export function checkName(value: string | undefined, what: 'model' | 'version'): string {
  if (value === undefined || !NAME_PATTERN.test(value) || value === '.' || value === '..') {
    throw new HttpError(400, `invalid ${what} name "${value ?? ''}": use letters, digits, "_", "." and "-"`);
  }
  return value;
}

/**
 * Reads the image size from its header and refuses images above the pixel limit before any
 * decoding (a 20 MB PNG can inflate to gigabytes). Bytes in an unknown format pass on to the
 * decoder, which reports them as unreadable.
 */
export function checkImageHeader(bytes: Uint8Array, maxPixels: number): void {
  if (bytes.length === 0) throw new HttpError(400, 'empty image: the request carried no bytes');
  let size: ReturnType<typeof imageSizeFromHeader>;
  try {
    size = imageSizeFromHeader(bytes);
  } catch (e) {
    throw new HttpError(400, `corrupt image header (${(e as Error).message})`);
  }
  if (size === null || size === 'need-more') return;
  const pixels = size.width * size.height;
  if (size.width === 0 || size.height === 0) throw new HttpError(400, `corrupt ${size.format} header: image size 0`);
  if (pixels > maxPixels) {
    throw new HttpError(
      413,
      `image of ${size.width}×${size.height} = ${pixels} pixels exceeds the limit of ${maxPixels} pixels`,
    );
  }
}

/** A numeric query or body parameter in [min, max], or undefined when absent. */
export function numberParam(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new HttpError(400, `${name} must be a number in [${min}, ${max}], got "${String(value)}"`);
  }
  return n;
}

/**
 * Base64 (standard or URL-safe) to bytes; 400 when it is not base64. Node's decoder skips
 * characters outside the alphabet, so a decode of the full expected length proves the text clean
 * (the fast path, no copies); only text that fails it is cleaned of whitespace and checked.
 */
export function fromBase64(text: unknown, where: string): Uint8Array {
  if (typeof text !== 'string') throw new HttpError(400, `${where}: expected a base64 string`);
  const fast = decodedIfClean(text);
  if (fast) return fast;
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw new HttpError(400, `${where}: not valid base64`);
  return asBytes(Buffer.from(clean, clean.includes('-') || clean.includes('_') ? 'base64url' : 'base64'));
}

function decodedIfClean(text: string): Uint8Array | undefined {
  let end = text.length;
  if (text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (text.charCodeAt(end - 1) === 61) end--;
  // A length ≡ 1 (mod 4) is never base64, and one skipped character could hide in it.
  if (end % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === Math.floor((end * 3) / 4) ? asBytes(bytes) : undefined;
}

const asBytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
