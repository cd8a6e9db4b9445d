/**
 * Regenerates samples/coco-sample: five 160×120 PNGs of coloured blocks on a grey background
 * and the COCO annotations that box them exactly. Run: `npm run build && node dist/scripts/make-coco-sample.js`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const WIDTH = 160;
const HEIGHT = 120;
const BACKGROUND = [200, 200, 200];
// Ids with a gap (no 3): converting must keep or remap them knowingly.
const categories = [
  { id: 1, name: 'red', supercategory: 'block', rgb: [220, 40, 40] },
  { id: 2, name: 'green', supercategory: 'block', rgb: [40, 170, 60] },
  { id: 4, name: 'blue', supercategory: 'block', rgb: [40, 70, 210] },
];
type Block = [categoryId: number, x: number, y: number, w: number, h: number];
const scenes: Block[][] = [
  [
    [1, 10, 12, 40, 30],
    [4, 90, 50, 50, 60],
  ],
  [[2, 20, 20, 100, 80]],
  [
    [1, 5, 5, 12, 12],
    [2, 60, 30, 30, 70],
    [4, 110, 10, 45, 20],
  ],
  [],
  [
    [4, 0, 0, 160, 40],
    [1, 70, 60, 20, 50],
  ],
];

const root = join(process.cwd(), 'samples', 'coco-sample');
mkdirSync(join(root, 'images'), { recursive: true });
const images: object[] = [];
const annotations: object[] = [];
for (const [k, blocks] of scenes.entries()) {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let i = 0; i < WIDTH * HEIGHT; i++) pixels.set(BACKGROUND, i * 3);
  for (const [categoryId, x, y, w, h] of blocks) {
    const rgb = categories.find((c) => c.id === categoryId)!.rgb;
    for (let row = y; row < y + h; row++)
      for (let col = x; col < x + w; col++) pixels.set(rgb, (row * WIDTH + col) * 3);
    annotations.push({
      id: annotations.length + 1,
      image_id: k + 1,
      category_id: categoryId,
      bbox: [x, y, w, h],
      area: w * h,
      iscrowd: 0,
    });
  }
  const file = `block-${k + 1}.png`;
  await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .png({ compressionLevel: 9, palette: true })
    .toFile(join(root, 'images', file));
  images.push({ id: k + 1, file_name: file, width: WIDTH, height: HEIGHT });
}
const coco = {
  info: { description: 'detkit sample: coloured blocks', version: '1.0', year: 2026 },
  images,
  annotations,
  categories: categories.map(({ rgb: _, ...c }) => c),
};
writeFileSync(join(root, 'annotations.json'), `${JSON.stringify(coco, null, 1)}\n`);
