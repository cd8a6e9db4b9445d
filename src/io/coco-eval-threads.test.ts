import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from '../core/dataset.js';
import { evaluateCocoWith } from '../eval/coco/index.js';
import { startCocoEvalThreads } from './coco-eval-threads.js';

/** A small generated scene: 3 categories, many images, detections jittered from GT plus clutter. */
function scene(): { gt: Dataset; dt: Dataset } {
  const gt = new Dataset();
  const dt = new Dataset();
  for (const id of [1, 2, 3]) gt.addCategory({ id, name: `c${id}` });
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let im = 1; im <= 400; im++) {
    gt.addImage({ id: im * 3, file: `${im}.jpg`, width: 200, height: 200 });
    for (let g = 0; g < 4; g++) {
      const [x, y, w, h] = [rnd() * 150, rnd() * 150, 5 + rnd() * 60, 5 + rnd() * 60];
      const cat = 1 + Math.floor(rnd() * 3);
      gt.annotations.add({ imageId: im * 3, categoryId: cat, bbox: [x, y, w, h], area: w * h * 0.7 });
      for (let d = 0; d < 40; d++) {
        const j = d < 2 ? 2 : 60;
        dt.annotations.add({
          imageId: im * 3,
          categoryId: d < 2 ? cat : 1 + Math.floor(rnd() * 3),
          bbox: [x + (rnd() - 0.5) * j, y + (rnd() - 0.5) * j, w, h],
          score: Math.round(rnd() * 100) / 100,
        });
      }
    }
  }
  return { gt, dt };
}

test('two threads give the same bits as one (categories split across a worker)', async () => {
  const { gt, dt } = scene();
  assert.ok(dt.annotations.length >= 50_000);
  const one = evaluateCocoWith(gt, dt);
  const threads = startCocoEvalThreads(true);
  try {
    const two = await threads.evaluate(gt, dt);
    assert.deepEqual(two.stats, one.stats);
    assert.deepEqual(two.precision, one.precision);
    assert.deepEqual(two.recall, one.recall);
    assert.deepEqual(two.scores, one.scores);
    assert.deepEqual(two.perCategory, one.perCategory);
  } finally {
    await threads.close();
  }
});

test('a GT id repeated across categories gives the same bits on two threads', async () => {
  const { gt, dt } = scene();
  // pycocotools reads every occurrence of a repeated id as the last annotation with that id, in
  // that annotation's own image and category: here the last box counts once more, through a
  // row of another category.
  const t = gt.annotations;
  const last = t.length - 1;
  const other = t.categoryIds.findIndex((c) => c !== t.categoryIds[last]);
  t.ids[other] = t.ids[last];
  const one = evaluateCocoWith(gt, dt);
  const threads = startCocoEvalThreads(true);
  try {
    const two = await threads.evaluate(gt, dt);
    assert.deepEqual(two.stats, one.stats);
    assert.deepEqual(two.precision, one.precision);
    assert.deepEqual(two.recall, one.recall);
  } finally {
    await threads.close();
  }
});
