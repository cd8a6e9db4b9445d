/**
 * Bundles the `detkit` command (dist/src/cli/main.js, from tsc) into dist/cli/detkit.js, with
 * the lazily imported parts (predict, eval threads, serve, runtimes) split into chunks beside it.
 *
 * Why: Node 20's ESM loader pays per module file (resolve, read, compile), and a dataset
 * command touches ~120 of them — about as long as parsing a val2017-sized COCO file. One bundle
 * makes `detkit stats` start like a single script. Packages with native code or wasm, and the
 * ones only a lazily loaded command needs, stay external: they load from node_modules as usual.
 * Run by `npm run build`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Dependencies bundled into the CLI: pure JS, needed at start-up or by dataset commands. */
const BUNDLED = new Set(['commander', 'yaml', 'fast-xml-parser', 'fflate']);

export async function buildCliBundle(root = process.cwd(), outdir = join(root, 'dist/cli')): Promise<string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const external = Object.keys(pkg.dependencies)
    .filter((name) => !BUNDLED.has(name))
    .flatMap((name) => [name, `${name}/*`]);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: {
      detkit: join(root, 'dist/src/cli/main.js'),
      // Workers are started with `new Worker(new URL('./<name>.js', import.meta.url))` from a chunk here.
      'coco-eval-worker': join(root, 'dist/src/io/coco-eval-worker.js'),
      'openimages-worker': join(root, 'dist/src/io/openimages-worker.js'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    chunkNames: '[name]-[hash]',
    // Bundled CommonJS (commander) calls require() for Node built-ins.
    banner: {
      js: "import { createRequire as __detkitRequire } from 'node:module'; const require = __detkitRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return join(outdir, 'detkit.js');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildCliBundle();
}
