/** Test helpers: photos, fixture models and a temporary model repository. */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../io/temp-dirs.test.util.js';

export const photoBytes = (name: string) => readFileSync(join(process.cwd(), 'test-data', 'photos', name));
export const fixtureModel = (name: string) => join(process.cwd(), 'src', 'families', 'fixtures', name);

/** A repository folder holding `<model>/<version>/model.onnx` copies of the given fixtures. */
export function tempRepository(
  models: Record<string, { fixture: string; versions: string[]; config?: string }>,
): string {
  const root = tempDir('detkit-repo-');
  for (const [name, m] of Object.entries(models)) {
    for (const v of m.versions) addVersion(root, name, v, m.fixture);
    if (m.config !== undefined) writeConfig(root, name, m.config);
  }
  return root;
}

export function addVersion(root: string, model: string, version: string, fixture: string): void {
  mkdirSync(join(root, model, version), { recursive: true });
  copyFileSync(fixtureModel(fixture), join(root, model, version, 'model.onnx'));
}

export function writeConfig(root: string, model: string, text: string): void {
  mkdirSync(join(root, model), { recursive: true });
  writeFileSync(join(root, model, 'config.yaml'), text);
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(check: () => Promise<boolean>, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Prometheus text: the value of the first sample line starting with `prefix`. */
export function metricValue(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
