/** Running the built CLI as a user runs it, on the shipped sample (shared by the end-to-end tests). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../io/temp-dirs.test.util.js';

const main = join(process.cwd(), 'dist/cli/detkit.js');
export const sampleDir = join(process.cwd(), 'samples/coco-sample');
export const sample = join(sampleDir, 'annotations.json');
export const sampleJson = JSON.parse(readFileSync(sample, 'utf8'));

export function detkit(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const scratchIn = (prefix: string) => () => tempDir(prefix);
