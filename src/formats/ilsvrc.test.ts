import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { nodeFiles } from '../io/node-files.js';
import { ilsvrc, parseIlsvrcXml } from './ilsvrc.js';
import { detectFormat } from './registry.js';
import './index.js';
import { tempDir } from '../io/temp-dirs.test.util.js';

const tmp = () => tempDir('detkit-ilsvrc-');

function put(path: string, content: string | Uint8Array) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

async function jpeg(path: string, width: number, height: number) {
  put(
    path,
    await sharp({ create: { width, height, channels: 3, background: '#446688' } })
      .jpeg()
      .toBuffer(),
  );
}

function xml(synset: string, width: number, height: number, boxes: number[][]): string {
  const objects = boxes
    .map(
      ([x1, y1, x2, y2]) =>
        `<object><name>${synset}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>` +
        `<bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>`,
    )
    .join('');
  return `<annotation><folder>${synset}</folder><filename>x</filename><source><database>ILSVRC_2012</database></source><size><width>${width}</width><height>${height}</height><depth>3</depth></size><segmented>0</segmented>${objects}</annotation>`;
}

/** The Kaggle layout in miniature: two classes, two train images (one boxed), one val, one test. */
async function kaggleLayout(withCsv = true): Promise<string> {
  const root = tmp();
  put(join(root, 'LOC_synset_mapping.txt'), 'n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\n');
  const data = join(root, 'ILSVRC', 'Data', 'CLS-LOC');
  await jpeg(join(data, 'train', 'n01440764', 'n01440764_10026.JPEG'), 50, 40);
  await jpeg(join(data, 'train', 'n01443537', 'n01443537_7.JPEG'), 30, 20);
  await jpeg(join(data, 'val', 'ILSVRC2012_val_00000001.JPEG'), 60, 45);
  await jpeg(join(data, 'test', 'ILSVRC2012_test_00000001.JPEG'), 10, 10);
  const ann = join(root, 'ILSVRC', 'Annotations', 'CLS-LOC');
  put(join(ann, 'train', 'n01440764', 'n01440764_10026.xml'), xml('n01440764', 50, 40, [[5, 6, 14, 20]]));
  put(
    join(ann, 'val', 'ILSVRC2012_val_00000001.xml'),
    xml('n01443537', 60, 45, [
      [0, 0, 60, 44],
      [10, 10, 19, 19],
    ]),
  );
  if (withCsv) {
    put(join(root, 'LOC_train_solution.csv'), 'ImageId,PredictionString\nn01440764_10026,n01440764 5 6 14 20 \n');
    put(
      join(root, 'LOC_val_solution.csv'),
      'ImageId,PredictionString\nILSVRC2012_val_00000001,n01443537 0 0 60 44 n01443537 10 10 19 19\n',
    );
  }
  return root;
}

test('synsets become categories in mapping order, with their words', async () => {
  const ds = await ilsvrc.read(nodeFiles, await kaggleLayout());
  assert.deepEqual(
    ds.categories.map((c) => [c.id, c.name, c.extra?.words]),
    [
      [0, 'n01440764', 'tench, Tinca tinca'],
      [1, 'n01443537', 'goldfish, Carassius auratus'],
    ],
  );
});

test('image labels: the synset folder in train, the boxes’ synset in val, none in test', async () => {
  const ds = await ilsvrc.read(nodeFiles, await kaggleLayout());
  assert.deepEqual(
    ds.images.map((im) => [im.file, im.split, im.labels, im.width, im.height]),
    [
      ['Data/CLS-LOC/train/n01440764/n01440764_10026.JPEG', 'train', [0], 50, 40],
      ['Data/CLS-LOC/train/n01443537/n01443537_7.JPEG', 'train', [1], 30, 20],
      ['Data/CLS-LOC/val/ILSVRC2012_val_00000001.JPEG', 'val', [1], 60, 45],
      ['Data/CLS-LOC/test/ILSVRC2012_test_00000001.JPEG', 'test', undefined, 10, 10],
    ],
  );
});

for (const source of ['LOC_*_solution.csv', 'the per-image XML']) {
  test(`corners from ${source} are 0-based inclusive: x = xmin, w = xmax − xmin + 1, clipped to the image`, async () => {
    const ds = await ilsvrc.read(nodeFiles, await kaggleLayout(source.startsWith('LOC')));
    const t = ds.annotations;
    const boxes = Array.from({ length: t.length }, (_, r) => [t.imageIds[r], t.categoryIds[r], ...t.bbox(r)]);
    assert.deepEqual(boxes, [
      [1, 0, 5, 6, 10, 15],
      // xmax = 60 on a 60-pixel-wide image: one pixel past the edge, clipped.
      [3, 1, 0, 0, 60, 45],
      [3, 1, 10, 10, 10, 10],
    ]);
  });
}

test('detection recognises the Kaggle root and the ILSVRC folder alike', async () => {
  const root = await kaggleLayout();
  const found = await detectFormat(nodeFiles, root);
  assert.equal(found.format.name, 'ilsvrc');
  assert.match(found.reason, /LOC_synset_mapping\.txt, LOC_train_solution\.csv/);
  assert.equal((await detectFormat(nodeFiles, join(root, 'ILSVRC'))).format.name, 'ilsvrc');
});

test('a PredictionString that is not groups of five names the CSV line', async () => {
  const root = await kaggleLayout();
  put(join(root, 'LOC_train_solution.csv'), 'ImageId,PredictionString\nn01440764_10026,n01440764 5 6 14\n');
  await assert.rejects(ilsvrc.read(nodeFiles, root), /LOC_train_solution\.csv:2: 4 values; boxes are/);
});

test('an XML object without numeric corners names the file and object', async () => {
  const text =
    '<annotation><size><width>5</width><height>5</height></size><object><name>n1</name><bndbox><xmin>a</xmin></bndbox></object></annotation>';
  await assert.rejects(parseIlsvrcXml(text, 'x.xml'), /^DetkitError: x\.xml \(object\[0\]\): object needs/);
});

test('ilsvrc is read-only and says where to convert instead', async () => {
  const ds = await ilsvrc.read(nodeFiles, await kaggleLayout());
  await assert.rejects(ilsvrc.write(ds, nodeFiles, tmp()), /read-only.*coco/);
});
