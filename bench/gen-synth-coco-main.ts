/** CLI for the synthetic benchmark data: --images N --seed S --out DIR (writes gt.json, dt.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, toJsonTexts } from './gen-synth-coco.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const images = Number(arg('images', '5000'));
const seed = Number(arg('seed', '2017'));
const out = arg('out');
if (!out) throw new Error('--out DIR is required');
const data = generate(images, seed);
const texts = toJsonTexts(data);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'gt.json'), texts.gt);
writeFileSync(join(out, 'dt.json'), texts.dt);
process.stdout.write(`images=${images} gt=${data.gt.annotations.length} dt=${data.dt.length}\n`);
