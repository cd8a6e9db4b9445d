import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DetkitError } from '../../core/errors.js';
import { loadCocoResults, parseCocoGroundTruth } from './load.js';

const GT = JSON.stringify({
  images: [
    { id: 7, width: 100, height: 80, file_name: '7.jpg' },
    { id: 3, width: 100, height: 80, file_name: '3.jpg' },
  ],
  annotations: [
    { id: 10, image_id: 7, category_id: 1, bbox: [1, 2, 3, 4], area: 9.5, iscrowd: 0 },
    { id: 11, image_id: 3, category_id: 2, bbox: [0, 0, 10, 10], area: 60, iscrowd: 1 },
  ],
  categories: [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
  ],
});

async function rejectsNaming(results: unknown, pattern: RegExp): Promise<void> {
  const gt = parseCocoGroundTruth(GT, 'gt.json');
  await assert.rejects(loadCocoResults(JSON.stringify(results), gt, { file: 'dt.json' }), (e: unknown) => {
    assert.ok(e instanceof DetkitError);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('COCO ground truth loader', () => {
  test('keeps ids, the area field, crowd flags and file order', () => {
    const gt = parseCocoGroundTruth(GT, 'gt.json');
    const t = gt.annotations;
    assert.deepEqual(Array.from(t.ids.subarray(0, 2)), [10, 11]);
    assert.equal(t.areas[0], 9.5);
    assert.equal(t.isCrowd(1), true);
    assert.deepEqual(
      gt.images.map((im) => im.id),
      [7, 3],
    );
  });

  test('a bad bbox names the annotation', () => {
    const bad = JSON.parse(GT);
    bad.annotations[1].bbox = [1, 2, 3];
    assert.throws(
      () => parseCocoGroundTruth(JSON.stringify(bad), 'gt.json'),
      /gt\.json \(annotations\[1\]\) field "bbox"/,
    );
  });
});

describe('COCO results loader (loadRes semantics)', () => {
  test('renumbers ids 1..N in file order, sets area = w × h and no crowd', async () => {
    const gt = parseCocoGroundTruth(GT);
    const dt = await loadCocoResults(
      JSON.stringify([
        { image_id: 3, category_id: 2, bbox: [1.5, 2, 3, 4.25], score: 0.5, id: 99, area: 1, iscrowd: 1 },
        { image_id: 7, category_id: 1, bbox: [0, 0, 2e-3, 1e3], score: 1e-7 },
      ]),
      gt,
    );
    const t = dt.annotations;
    assert.deepEqual(Array.from(t.ids.subarray(0, 2)), [1, 2]);
    assert.deepEqual(Array.from(t.areas.subarray(0, 2)), [3 * 4.25, 2e-3 * 1e3]);
    assert.deepEqual(Array.from(t.scores.subarray(0, 2)), [0.5, 1e-7]);
    assert.equal(t.isCrowd(0), false);
  });

  test('numbers parse exactly as JSON.parse does', async () => {
    const gt = parseCocoGroundTruth(GT);
    const values = [
      0.1, 123.45, 1e-7, 2.5e10, 0.30000000000000004, 123456789.12345678, 5e-324, -0.0, 1.7976931348623157e308,
    ];
    const text = `[${values.map((v, i) => `{"image_id":7,"category_id":1,"bbox":[${v},0,1,1],"score":${i}}`).join(',')}]`;
    const dt = await loadCocoResults(text, gt);
    values.forEach((v, i) => assert.ok(Object.is(dt.annotations.boxes[i * 4], JSON.parse(String(v))), `${v}`));
  });

  test('a result on an image the ground truth lacks names the record', () =>
    rejectsNaming(
      [
        { image_id: 7, category_id: 1, bbox: [0, 0, 1, 1], score: 0.5 },
        { image_id: 42, category_id: 1, bbox: [0, 0, 1, 1], score: 0.5 },
      ],
      /dt\.json \(results\[1\]\) field "image_id": image_id 42 is not an image of the ground truth/,
    ));

  test('an empty list is an error', () => rejectsNaming([], /dt\.json: results list is empty/));

  test('a record without a score names the record', () =>
    rejectsNaming([{ image_id: 7, category_id: 1, bbox: [0, 0, 1, 1] }], /results\[0\]\) field "score"/));

  test('a bbox that is not four numbers names the record', () =>
    rejectsNaming(
      [
        { image_id: 7, category_id: 1, bbox: [0, 0, 1, 1], score: 0.5 },
        { image_id: 7, category_id: 1, bbox: [0, 0, 1], score: 0.5 },
      ],
      /results\[1\]\) field "bbox": "bbox" must be \[x, y, width, height\]/,
    ));
});
