import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFiles } from '../../io/node-files.js';
import { svgToPng } from '../../io/svg-png.js';
import { evaluateClassification } from '../classification.js';
import { analyzeDetections } from '../detection-analysis.js';
import { datasetOf } from '../test-helpers.js';
import { evaluateVoc } from '../voc.js';
import { writeEvalReport } from './write.js';

const names = ['cat', 'dog'];
const gt = datasetOf(names, 2, [
  { image: 1, cat: 1, box: [0, 0, 10, 10] },
  { image: 1, cat: 2, box: [40, 0, 10, 10] },
  { image: 2, cat: 2, box: [0, 0, 20, 20] },
]);
const pred = datasetOf(names, 2, [
  { image: 1, cat: 1, box: [0, 0, 10, 10], score: 0.9 },
  { image: 1, cat: 1, box: [40, 0, 10, 10], score: 0.6 },
  { image: 1, cat: 2, box: [80, 80, 10, 10], score: 0.5 },
  { image: 2, cat: 2, box: [2, 2, 20, 20], score: 0.8 },
]);

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

test('the report writes index.html and every plot as SVG (with paths) and PNG', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'detkit-report-'));
  try {
    const voc = evaluateVoc(gt, pred);
    const detection = analyzeDetections(gt, pred, { voc });
    const written = await writeEvalReport(
      { title: 'test report', summary: [{ name: 'mAP (VOC2012)', value: voc.map }], detection },
      nodeFiles,
      dir,
      { rasterize: (svg) => svgToPng(svg) },
    );
    const plots = ['pr-overall', 'pr-per-class', 'f1-threshold', 'confusion', 'tide'];
    for (const p of plots) {
      assert.ok(written.includes(`${p}.svg`) && written.includes(`${p}.png`), p);
      const svg = await readFile(join(dir, `${p}.svg`), 'utf8');
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, `${p} is an SVG document`);
      assert.match(svg, /<path/, `${p} draws marks`);
      const png = await readFile(join(dir, `${p}.png`));
      assert.deepEqual([...png.subarray(0, 4)], PNG_MAGIC, `${p}.png is a PNG`);
      assert.ok((await stat(join(dir, `${p}.png`))).size > 1000, `${p}.png is not empty`);
    }
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    for (const p of plots) assert.ok(html.includes(`src="${p}.svg"`), `index.html shows ${p}`);
    assert.match(html, /<td>cat<\/td>/);
    assert.match(html, /Error breakdown \(TIDE\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a classification report holds its tables and confusion heat map', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'detkit-report-'));
  try {
    const classification = evaluateClassification(
      [
        { truth: 1, ranked: [1, 2] },
        { truth: 2, ranked: [1, 2] },
      ],
      { categories: gt.categories },
    );
    const written = await writeEvalReport({ classification }, nodeFiles, dir);
    assert.deepEqual(written.sort(), ['class-confusion.svg', 'class-f1.svg', 'index.html']);
    const svg = await readFile(join(dir, 'class-confusion.svg'), 'utf8');
    assert.match(svg, /<path/);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    assert.match(html, /top-1 accuracy<\/td><td class="num">0.500/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
