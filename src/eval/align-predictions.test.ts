import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from '../core/dataset.js';
import { DetkitError } from '../core/errors.js';
import { alignPredictions } from './align-predictions.js';
import { rleArea, segmentationToRle } from './mask/index.js';

function groundTruth(): Dataset {
  const gt = new Dataset();
  gt.addCategory({ id: 3, name: 'cat' });
  gt.addCategory({ id: 7, name: 'dog' });
  gt.addImage({ id: 10, file: 'train/a.jpg', width: 20, height: 10 });
  gt.addImage({ id: 11, file: 'train/b.jpg', width: 20, height: 10 });
  gt.addImage({ id: 12, file: 'val/b.jpg', width: 20, height: 10 });
  return gt;
}

function predictions(files: string[], names = ['dog', 'cat']): Dataset {
  const pred = new Dataset();
  names.forEach((name, k) => pred.addCategory({ id: k + 1, name }));
  files.forEach((file, k) => pred.addImage({ id: k + 1, file, width: 20, height: 10 }));
  return pred;
}

test('images match by path, else by a base name only one ground-truth image has; classes by name', () => {
  const pred = predictions(['val/b.jpg', 'a.jpg']);
  pred.annotations.addBox(1, 1, 0, 0, 4, 5, 0.9);
  pred.annotations.addBox(2, 2, 1, 1, 2, 2, 0.8);
  const out = alignPredictions(pred, groundTruth());
  const t = out.annotations;
  assert.deepEqual(Array.from(t.imageIds.subarray(0, 2)), [12, 10]);
  assert.deepEqual(Array.from(t.categoryIds.subarray(0, 2)), [7, 3]);
  assert.deepEqual(Array.from(t.ids.subarray(0, 2)), [1, 2]);
  // Box evaluation: area = w × h, as COCO.loadRes sets it.
  assert.deepEqual(Array.from(t.areas.subarray(0, 2)), [20, 4]);
  assert.deepEqual(
    out.categories.map((c) => c.id),
    [3, 7],
  );
});

test('a base name two ground-truth images share does not match: the error names the image', () => {
  const pred = predictions(['b.jpg']);
  pred.annotations.addBox(1, 1, 0, 0, 4, 5, 0.9);
  assert.throws(
    () => alignPredictions(pred, groundTruth(), { file: 'ls.json' }),
    (e: unknown) =>
      e instanceof DetkitError &&
      e.message === 'ls.json (prediction 0): predictions on "b.jpg", which is not an image of the ground truth',
  );
});

test('predictions of a class the ground truth lacks are left out with a warning (COCOeval skips them)', () => {
  const pred = predictions(['train/a.jpg'], ['bird', 'cat']);
  pred.annotations.addBox(1, 1, 0, 0, 4, 5, 0.9);
  pred.annotations.addBox(1, 2, 0, 0, 4, 5, 0.8);
  const warnings: string[] = [];
  const out = alignPredictions(pred, groundTruth(), { file: 'p.json', warn: (m) => warnings.push(m) });
  assert.equal(out.annotations.length, 1);
  assert.equal(out.annotations.categoryIds[0], 3);
  assert.deepEqual(warnings, ['p.json: predictions of classes the ground truth lacks are left out: "bird" (1)']);
});

test('a row without a score is an error naming the prediction', () => {
  const unscored = predictions(['train/a.jpg']);
  unscored.annotations.addBox(1, 1, 0, 0, 4, 5);
  assert.throws(
    () => alignPredictions(unscored, groundTruth(), { file: 'p.json' }),
    /p\.json \(prediction 0\): a prediction without a score/,
  );
});

test('segm: polygons become RLE at the image size with the mask area', () => {
  const pred = predictions(['train/a.jpg']);
  const row = pred.annotations.addBox(1, 1, 0, 0, 8, 8, 0.9);
  const triangle = [[0, 0, 8, 0, 0, 8]];
  pred.annotations.segmentations.set(row, triangle);
  const out = alignPredictions(pred, groundTruth(), { iouType: 'segm' });
  const seg = out.annotations.segmentations.get(0) as { size: number[]; counts: string };
  assert.deepEqual(seg.size, [10, 20]);
  assert.equal(typeof seg.counts, 'string');
  // The mask's area (pycocotools' rasterisation), not the box's 64.
  assert.equal(out.annotations.areas[0], rleArea(segmentationToRle(triangle, 10, 20)));
  assert.notEqual(out.annotations.areas[0], 64);
});
