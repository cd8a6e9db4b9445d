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

function rejectsNaming(results: unknown, pattern: RegExp): Promise<void> {
  return rejectsNamingText(JSON.stringify(results), pattern);
}

async function rejectsNamingText(text: string, pattern: RegExp): Promise<void> {
  const gt = parseCocoGroundTruth(GT, 'gt.json');
  await assert.rejects(loadCocoResults(text, gt, { file: 'dt.json' }), (e: unknown) => {
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

  test('compact records read like any other layout of the same list', async () => {
    const gt = parseCocoGroundTruth(GT);
    const records = Array.from({ length: 40 }, (_, i) => ({
      image_id: i % 3 ? 7 : 3,
      category_id: 1 + (i % 2),
      bbox: [i * 0.37, -i / 7, 1e-3 * i + 0.5, 12345.678 - i],
      score: 1 / (i + 2),
    }));
    // Compact records, broken up by spaced, reordered and extra-field ones (the general reader).
    const mixed = `[${records
      .map((r, i) =>
        i % 9 === 4
          ? JSON.stringify(r, null, 1)
          : i % 9 === 7
            ? JSON.stringify({ score: r.score, bbox: r.bbox, category_id: r.category_id, image_id: r.image_id, x: [1] })
            : JSON.stringify(r),
      )
      .join(',')}]`;
    const a = (await loadCocoResults(mixed, gt)).annotations;
    const b = (await loadCocoResults(JSON.stringify(records, null, 2), gt)).annotations;
    assert.equal(a.length, 40);
    for (const column of ['ids', 'imageIds', 'categoryIds', 'boxes', 'areas', 'scores', 'flags'] as const) {
      assert.deepEqual(
        a[column].subarray(0, b.length * (column === 'boxes' ? 4 : 1)),
        b[column].subarray(0, b.length * (column === 'boxes' ? 4 : 1)),
        column,
      );
    }
  });

  test('numbers in compact records parse exactly as JSON.parse does, digits and exponents of every size', async () => {
    const gt = parseCocoGroundTruth(GT);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const digits = (n: number) => Array.from({ length: n }, () => rnd(10)).join('');
    const numbers = ['0', '-0', '-0.0', '5e-324', '1E5', '2.5e+10', '1e-400', '0.1e1', '12345678901234567890'];
    numbers.push('0.0000000000000000000001234', '-1234567890.123456789', '9007199254740993');
    for (let i = 0; i < 300; i++) {
      const int = rnd(4) === 0 ? '0' : `${1 + rnd(9)}${digits(rnd(12))}`;
      const frac = rnd(5) === 0 ? '' : `.${digits(1 + rnd(20))}`;
      const exp = rnd(6) === 0 ? `e${rnd(2) ? '-' : ''}${rnd(40)}` : '';
      numbers.push(`${rnd(3) === 0 ? '-' : ''}${int}${frac}${exp}`);
    }
    const record = (v: string) => `{"image_id":7,"category_id":1,"bbox":[${v},1,${v},1],"score":${v}}`;
    const dt = await loadCocoResults(`[${record('1')},${numbers.map(record).join(',')}]`, gt);
    numbers.forEach((text, i) => {
      const want = JSON.parse(text) as number;
      assert.ok(Object.is(dt.annotations.boxes[(i + 1) * 4], want), `${text}: ${dt.annotations.boxes[(i + 1) * 4]}`);
      assert.ok(Object.is(dt.annotations.scores[i + 1], want), text);
    });
  });

  test('a number with a leading zero is an error naming the record', () =>
    rejectsNamingText(
      '[{"image_id":7,"category_id":1,"bbox":[0,0,1,1],"score":0.5},{"image_id":7,"category_id":1,"bbox":[01,0,1,1],"score":0.5}]',
      /dt\.json \(results\[1\]\)/,
    ));

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
