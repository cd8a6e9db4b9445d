/**
 * The one place formats are registered. Commands look formats up by name or detect them here.
 */
import { DetkitError } from '../core/errors.js';
import type { FileAccess } from '../core/files.js';
import type { DatasetFormat, Detected } from './format.js';

const formats = new Map<string, DatasetFormat>();

export function registerFormat(format: DatasetFormat): void {
  formats.set(format.name, format);
}

export function listFormats(): DatasetFormat[] {
  return [...formats.values()];
}

export function getFormat(name: string): DatasetFormat {
  const format = formats.get(name.toLowerCase());
  if (!format) {
    throw new DetkitError(`unknown format "${name}"; known formats: ${[...formats.keys()].join(', ')}`);
  }
  return format;
}

export interface Detection extends Detected {
  format: DatasetFormat;
}

/** Every format that recognises `path`, most confident first. */
export async function detectFormats(files: FileAccess, path: string): Promise<Detection[]> {
  const found: Detection[] = [];
  for (const format of formats.values()) {
    const hit = await format.detect(files, path);
    if (hit) found.push({ ...hit, format });
  }
  return found.sort((a, b) => b.confidence - a.confidence);
}

export async function detectFormat(files: FileAccess, path: string): Promise<Detection> {
  const found = await detectFormats(files, path);
  if (found.length === 0) {
    throw new DetkitError(
      `no known dataset format recognised here; pass --from with one of: ${[...formats.keys()].join(', ')}`,
      { file: path },
    );
  }
  return found[0];
}
