import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dataset } from './dataset.js';
import {
  annotationsToDetections,
  concatDetections,
  createDetections,
  detectionsToAnnotations,
  selectDetections,
} from './detections.js';

function three() {
  const d = createDetections(3, { labels: ['cat', 'dog'] });
  d.boxes.set([0, 0, 10, 10, 5, 5, 15, 25, 1, 2, 3, 4]);
  d.scores.set([0.5, 0.75, 0.25]);
  d.classIds.set([0, 1, 1]);
  d.extra = { track: Int32Array.from([7, 8, 9]), tag: ['a', 'b', 'c'] };
  return d;
}

test('createDetections allocates float32 boxes by default, float64 on request', () => {
  const d = createDetections(2);
  assert.equal(d.length, 2);
  assert.ok(d.boxes instanceof Float32Array);
  assert.equal(d.boxes.length, 8);
  assert.ok(createDetections(1, { boxes: 'float64' }).boxes instanceof Float64Array);
});

test('selectDetections takes rows in the given order, extra columns included', () => {
  const s = selectDetections(three(), [2, 0]);
  assert.equal(s.length, 2);
  assert.deepEqual([...s.boxes], [1, 2, 3, 4, 0, 0, 10, 10]);
  assert.deepEqual([...s.scores], [0.25, 0.5]);
  assert.deepEqual([...s.classIds], [1, 0]);
  assert.deepEqual([...s.extra!.track], [9, 7]);
  assert.deepEqual(s.extra!.tag, ['c', 'a']);
  assert.deepEqual(s.labels, ['cat', 'dog']);
  assert.throws(() => selectDetections(three(), [3]), /out of range/);
});

test('concatDetections appends in order and keeps only the extra columns all inputs share', () => {
  const a = three();
  const b = selectDetections(three(), [1]);
  delete b.extra!.tag;
  const c = concatDetections([a, b]);
  assert.equal(c.length, 4);
  assert.deepEqual([...c.scores], [0.5, 0.75, 0.25, 0.75]);
  assert.deepEqual([...c.boxes.subarray(12)], [5, 5, 15, 25]);
  assert.deepEqual([...c.extra!.track], [7, 8, 9, 8]);
  assert.equal(c.extra!.tag, undefined);
  assert.equal(concatDetections([]).length, 0);
});

test('detections become xywh predictions with scores and come back as xyxy', () => {
  const ds = new Dataset();
  ds.addCategory({ id: 1, name: 'cat' });
  ds.addCategory({ id: 2, name: 'dog' });
  ds.addImage({ id: 42, file: 'a.jpg', width: 100, height: 100 });
  const first = detectionsToAnnotations(three(), 42, ds.annotations, { categoryIds: [1, 2] });
  assert.equal(first, 0);
  assert.deepEqual(ds.annotations.get(1), { id: 2, imageId: 42, categoryId: 2, bbox: [5, 5, 10, 20], score: 0.75 });
  ds.annotations.addBox(43, 1, 0, 0, 1, 1);
  const back = annotationsToDetections(ds, 42);
  assert.equal(back.length, 3);
  assert.deepEqual([...back.boxes], [0, 0, 10, 10, 5, 5, 15, 25, 1, 2, 3, 4]);
  assert.deepEqual([...back.classIds], [1, 2, 2]);
  assert.deepEqual([...back.scores], [0.5, 0.75, 0.25]);
  assert.equal(back.labels![2], 'dog');
  assert.throws(() => detectionsToAnnotations(three(), 1, ds.annotations, { categoryIds: [1] }), /class id 1/);
});

test('ground truth converts with NaN scores', () => {
  const ds = new Dataset();
  ds.annotations.add({ imageId: 1, categoryId: 3, bbox: [1, 2, 3, 4] });
  const d = annotationsToDetections(ds, 1);
  assert.ok(Number.isNaN(d.scores[0]));
  assert.deepEqual([...d.boxes], [1, 2, 4, 6]);
});
