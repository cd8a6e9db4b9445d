/**
 * Bundles detkit's browser entry (dist/src/browser/index.js, from `npm run build`) into
 * dist/browser/detkit.js — ESM for the browser, the runtimes split into chunks loaded on first
 * use — and copies onnxruntime-web's and tfjs-backend-wasm's .wasm/.mjs files next to it, so a
 * page serves everything itself (no CDN). Run: `npm run build:browser`.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/**
 * The runtime binaries the bundle loads: onnxruntime-web's .wasm/.mjs files that the bundled
 * code names (one variant of four — the others would add ~58 MB nobody fetches), and
 * tfjs-backend-wasm's .wasm files (it picks SIMD / threaded at run time).
 */
function runtimeFiles(outdir: string): string[] {
  const ort = dirname(require.resolve('onnxruntime-web'));
  const tfWasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const named = new Set<string>();
  for (const dir of [outdir, join(outdir, 'chunks')]) {
    for (const file of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
      for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/ort-wasm[\w.-]*\.(?:wasm|mjs)/g)) named.add(m[0]);
    }
  }
  const ortFiles = readdirSync(ort).filter((n) => named.has(n));
  if (ortFiles.length === 0) throw new Error('the bundle names no onnxruntime-web .wasm file: did its loader change?');
  return [
    ...ortFiles.map((n) => join(ort, n)),
    ...readdirSync(tfWasm)
      .filter((n) => n.endsWith('.wasm'))
      .map((n) => join(tfWasm, n)),
  ];
}

/** Builds into `outdir` (default dist/browser); returns the bundle's path. */
export async function buildBrowserBundle(root = process.cwd(), outdir = join(root, 'dist/browser')): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { detkit: join(root, 'dist/src/browser/index.js') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  // Chunks live in chunks/ but resolve runtime files against the bundle folder (import.meta.url of
  // detkit.js is what loadDetectorFromUrl passes on), so the files go next to detkit.js.
  for (const file of runtimeFiles(outdir)) copyFileSync(file, join(outdir, file.slice(dirname(file).length + 1)));
  return join(outdir, 'detkit.js');
}

/** True when the bundle is missing or older than a compiled module it bundles (so tests rebuild it). */
export function browserBundleIsStale(root = process.cwd()): boolean {
  const bundle = join(root, 'dist/browser/detkit.js');
  if (!existsSync(bundle)) return true;
  const built = statSync(bundle).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? newer(join(dir, e.name))
        : e.name.endsWith('.js') && !e.name.includes('.test.') && statSync(join(dir, e.name)).mtimeMs > built,
    );
  return newer(join(root, 'dist/src'));
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const started = performance.now();
  const bundle = await buildBrowserBundle();
  console.log(`${bundle} built in ${Math.round(performance.now() - started)} ms`);
}
