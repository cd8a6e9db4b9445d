import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDetections } from '../core/detections.js';
import { batchedNms, nms, nonMaxSuppression, orderByScore } from './nms.js';

/** A literal transcription of torchvision's CPU kernel and batched_nms offset trick: the oracle. */
function torchvisionNms(boxes: number[], scores: number[], thr: number): number[] {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const area = (i: number) => (boxes[i * 4 + 2] - boxes[i * 4]) * (boxes[i * 4 + 3] - boxes[i * 4 + 1]);
  const suppressed = new Array(n).fill(false);
  const keep: number[] = [];
  for (let a = 0; a < n; a++) {
    const i = order[a];
    if (suppressed[i]) continue;
    keep.push(i);
    for (let b = a + 1; b < n; b++) {
      const j = order[b];
      if (suppressed[j]) continue;
      const w = Math.max(0, Math.min(boxes[i * 4 + 2], boxes[j * 4 + 2]) - Math.max(boxes[i * 4], boxes[j * 4]));
      const h = Math.max(
        0,
        Math.min(boxes[i * 4 + 3], boxes[j * 4 + 3]) - Math.max(boxes[i * 4 + 1], boxes[j * 4 + 1]),
      );
      const inter = w * h;
      if (inter / (area(i) + area(j) - inter) > thr) suppressed[j] = true;
    }
  }
  return keep;
}

function torchvisionBatchedNms(boxes: number[], scores: number[], classes: number[], thr: number): number[] {
  const maxCoordinate = Math.max(...boxes);
  const shifted = boxes.map((v, k) => v + classes[Math.floor(k / 4)] * (maxCoordinate + 1));
  return torchvisionNms(shifted, scores, thr);
}

function randomBoxes(n: number, seed: number): { boxes: number[]; scores: number[]; classes: number[] } {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const boxes: number[] = [];
  const scores: number[] = [];
  const classes: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rand() * 80;
    const y = rand() * 80;
    boxes.push(x, y, x + 5 + rand() * 30, y + 5 + rand() * 30);
    scores.push(Math.round(rand() * 20) / 20); // coarse scores: many ties
    classes.push(Math.floor(rand() * 3));
  }
  return { boxes, scores, classes };
}

test('kept indices come by decreasing score', () => {
  const boxes = [0, 0, 1, 1, 10, 10, 11, 11, 20, 20, 21, 21];
  assert.deepEqual([...nms(boxes, [0.1, 0.9, 0.5], 0.5)], [1, 2, 0]);
});

test('equal scores keep input order (stable sort), and the earlier box suppresses the later', () => {
  const twins = [0, 0, 10, 10, 0, 0, 10, 10];
  assert.deepEqual([...nms(twins, [0.5, 0.5], 0.5)], [0]);
  const apart = [20, 0, 30, 10, 0, 0, 10, 10, 40, 0, 50, 10];
  assert.deepEqual([...nms(apart, [0.7, 0.7, 0.7], 0.5)], [0, 1, 2]);
  assert.deepEqual([...orderByScore([0.2, 0.7, 0.2, 0.7, -0, 0])], [1, 3, 0, 2, 4, 5]);
});

test('IoU exactly equal to the threshold is kept, not suppressed', () => {
  // [0,0,2,2] and [0,0,2,1]: intersection 2, union 4, IoU exactly 0.5.
  const boxes = [0, 0, 2, 2, 0, 0, 2, 1];
  assert.deepEqual([...nms(boxes, [0.9, 0.8], 0.5)], [0, 1]);
  assert.deepEqual([...nms(boxes, [0.9, 0.8], 0.49)], [0]);
});

test('a suppressed box suppresses nothing', () => {
  // A–B and B–C overlap with IoU 1/3, A–C not at all: B goes, C stays.
  const boxes = [0, 0, 10, 10, 5, 0, 15, 10, 10, 0, 20, 10];
  assert.deepEqual([...nms(boxes, [0.9, 0.8, 0.7], 0.3)], [0, 2]);
});

test('empty input gives no boxes', () => {
  assert.deepEqual([...nms([], [], 0.5)], []);
  assert.deepEqual([...batchedNms(new Float32Array(0), new Float32Array(0), new Int32Array(0), 0.5)], []);
});

test('NaN scores are dropped', () => {
  assert.deepEqual([...nms([0, 0, 1, 1, 5, 5, 6, 6], [Number.NaN, 0.3], 0.5)], [1]);
});

test('class-aware NMS never suppresses across classes; class-agnostic does', () => {
  const boxes = [0, 0, 10, 10, 1, 0, 11, 10];
  assert.deepEqual([...batchedNms(boxes, [0.9, 0.8], [0, 1], 0.5)], [0, 1]);
  assert.deepEqual([...batchedNms(boxes, [0.9, 0.8], null, 0.5)], [0]);
  assert.deepEqual([...batchedNms(boxes, [0.9, 0.8], [3, 3], 0.5)], [0]);
});

test('nms matches the torchvision kernel on random boxes with tied scores', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { boxes, scores } = randomBoxes(300, seed);
    for (const thr of [-0.1, 0, 0.3, 0.5, 0.7, 1]) {
      assert.deepEqual([...nms(Float64Array.from(boxes), scores, thr)], torchvisionNms(boxes, scores, thr));
    }
  }
});

test('batchedNms matches the offset trick: per-class NMS merged by score', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { boxes, scores, classes } = randomBoxes(300, seed);
    assert.deepEqual([...batchedNms(boxes, scores, classes, 0.5)], torchvisionBatchedNms(boxes, scores, classes, 0.5));
  }
});

test('maxDetections keeps the best kept boxes only', () => {
  const { boxes, scores, classes } = randomBoxes(300, 7);
  const all = torchvisionBatchedNms(boxes, scores, classes, 0.5);
  assert.deepEqual([...batchedNms(boxes, scores, classes, 0.5, { maxDetections: 10 })], all.slice(0, 10));
  assert.deepEqual(
    [...batchedNms(boxes, scores, null, 0.5, { maxDetections: 10 })],
    torchvisionNms(boxes, scores, 0.5).slice(0, 10),
  );
});

test('nonMaxSuppression filters scores strictly above the threshold, then selects every column', () => {
  const d = createDetections(4);
  d.boxes.set([0, 0, 10, 10, 1, 0, 11, 10, 0, 0, 10, 10, 50, 50, 60, 60]);
  d.scores.set([0.9, 0.8, 0.7, 0.25]);
  d.classIds.set([0, 0, 1, 0]);
  d.extra = { anchor: Int32Array.from([10, 11, 12, 13]), note: ['a', 'b', 'c', 'd'] };
  const aware = nonMaxSuppression(d, { iouThreshold: 0.5, scoreThreshold: 0.25 });
  assert.deepEqual([...aware.extra!.anchor], [10, 12]);
  assert.deepEqual(aware.extra!.note, ['a', 'c']);
  assert.deepEqual([...aware.boxes], [0, 0, 10, 10, 0, 0, 10, 10]);
  const agnostic = nonMaxSuppression(d, { iouThreshold: 0.5, classAgnostic: true });
  assert.deepEqual([...agnostic.extra!.anchor], [10, 13]);
  const top = nonMaxSuppression(d, { iouThreshold: 0.5, maxDetections: 1 });
  assert.equal(top.length, 1);
  assert.equal(top.scores[0], d.scores[0]);
});

test('float32 and float64 scores order the same way, ties by index, -0 tied with 0', () => {
  const values = [0.25, -0, 0.5, 0, -0.25, 0.5, 1e-30, 3.4e38, -3.4e38];
  const expected = [7, 2, 5, 0, 6, 1, 3, 4, 8];
  assert.deepEqual([...orderByScore(Float32Array.from(values))], expected);
  assert.deepEqual([...orderByScore(values.map((v) => v + 1e-300 * 0))], expected);
  assert.deepEqual([...orderByScore([0.1 + 0.2, 0.3, 0.1 + 0.2])], [0, 2, 1]);
});

test('many kept boxes (grid path) give the kernel’s result, with huge, tiny, reversed and NaN boxes', () => {
  let s = 99;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const boxes: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const x = rand() * 1000;
    const y = rand() * 1000;
    const size = i % 50 === 0 ? 900 : i % 7 === 0 ? 0.5 : 10 + rand() * 60;
    if (i % 97 === 0) boxes.push(x + size, y, x, y + size);
    else if (i === 500) boxes.push(Number.NaN, y, x + size, y + size);
    else boxes.push(x, y, x + size * (0.5 + rand()), y + size);
    scores.push(rand());
  }
  for (const thr of [0, 0.1, 0.5]) assert.deepEqual([...nms(boxes, scores, thr)], torchvisionNms(boxes, scores, thr));
});
