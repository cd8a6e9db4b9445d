/**
 * Temp folders for tests, removed when the test process exits (pass or fail), so test runs
 * leave nothing behind under the system temp dir. Set DETKIT_KEEP_TEMP=1 to keep them for a
 * post-mortem. Node only; test support, never shipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

function removeAll(): void {
  if (process.env.DETKIT_KEEP_TEMP === '1') return;
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh folder `<tmp>/<prefix>XXXXXX`, deleted at process exit. */
export function tempDir(prefix = 'detkit-test-'): string {
  if (created.length === 0) process.once('exit', removeAll);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A path `<tmp>/<name>` for a single file, deleted at process exit. */
export function tempFilePath(name: string): string {
  return join(tempDir(), name);
}
