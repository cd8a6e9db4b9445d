/**
 * The core (dataset model, formats, evaluation, post-processing, model families) must run in a
 * browser: bundle each entry for the browser platform and fail on any Node-only import.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { build } from 'esbuild';

const ENTRIES = [
  'dist/src/core/index.js',
  'dist/src/formats/index.js',
  'dist/src/eval/index.js',
  'dist/src/postprocess/index.js',
  'dist/src/families/index.js',
  'dist/src/browser/index.js',
];

for (const entry of ENTRIES) {
  test(`${entry.replace('dist/src/', 'src/').replace('.js', '.ts')} bundles for the browser`, {
    skip: !existsSync(entry) && 'not built yet',
  }, async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    }).catch((e: { errors?: { text: string }[] }) => e);
    const errors = 'errors' in result ? (result.errors ?? []) : [];
    assert.deepEqual(
      errors.map((e) => e.text),
      [],
    );
  });
}
