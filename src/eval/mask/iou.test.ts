import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bboxIou, rleIou } from './iou.js';
import { rleFrPoly } from './polygon.js';
import type { Rle } from './rle.js';
import { rleFrString } from './rle-string.js';
import { segmentationToRle } from './segmentation.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../src/eval/mask/fixtures/${name}`, import.meta.url), 'utf8'));
// Outputs of cocoapi's maskApi.c on random inputs (see fixtures/README.md).
const ref = fixture('maskapi-reference.json');

const fromObject = (o: { size: [number, number]; counts: string }): Rle => rleFrString(o.counts, o.size[0], o.size[1]);
const box = (x: number, y: number, w: number, h: number, size = 20): Rle =>
  rleFrPoly([x, y, x + w, y, x + w, y + h, x, y + h], size, size);

test('box IoU matches maskApi bbIou to the last bit, crowd and non-crowd', () => {
  for (const c of ref.bboxIou) {
    const iou = bboxIou(c.dt, c.gt, c.iscrowd);
    assert.deepEqual(Array.from(iou), c.iou);
  }
});

test('box IoU is row-major [dt x gt], divides by the detection area for a crowd', () => {
  const dt = [0, 0, 10, 10, 5, 0, 10, 10];
  const gt = [0, 0, 10, 10, 0, 0, 20, 20];
  assert.deepEqual(Array.from(bboxIou(dt, gt, [0, 1])), [1, 1, 50 / 150, 1]);
  assert.deepEqual(Array.from(bboxIou(dt, gt, [0, 0])), [1, 100 / 400, 50 / 150, 100 / 400]);
});

test('boxes that only touch have IoU 0', () => {
  assert.deepEqual(Array.from(bboxIou([0, 0, 5, 5], [5, 0, 5, 5], [0])), [0]);
});

test('mask IoU matches maskApi rleIou to the last bit, with crowds and size mismatches', () => {
  for (const c of ref.rleIou) {
    const iou = rleIou(c.dt.map(fromObject), c.gt.map(fromObject), c.iscrowd);
    assert.deepEqual(Array.from(iou), c.iou);
  }
});

test('mask IoU matches maskApi on COCO-like polygons in a 640x480 image', () => {
  const { h, w, polygons, iscrowd, iou } = ref.cocoSized;
  const rles = polygons.map((p: { rle: string }) => rleFrString(p.rle, h, w));
  assert.deepEqual(Array.from(rleIou(rles.slice(0, 20), rles.slice(20), iscrowd)), iou);
});

test('mask IoU is intersection over union, over the detection area for a crowd', () => {
  const dt = [box(0, 0, 10, 10), box(5, 0, 10, 10)];
  const gt = [box(0, 0, 10, 10), box(0, 0, 20, 20)];
  assert.deepEqual(Array.from(rleIou(dt, gt, [0, 1])), [1, 1, 50 / 150, 1]);
});

test('masks of different sizes get IoU -1 when their boxes overlap, 0 when they do not', () => {
  const dt = [box(0, 0, 10, 10, 30), box(25, 25, 3, 3, 30)];
  const gt = [box(0, 0, 10, 10, 20)];
  assert.deepEqual(Array.from(rleIou(dt, gt, [0])), [-1, 0]);
});

test('empty masks have IoU 0, even with themselves', () => {
  const empty = box(30, 30, 5, 5);
  assert.deepEqual(Array.from(rleIou([empty], [empty], [0])), [0]);
});

test('no detections or no ground truths give an empty matrix', () => {
  assert.equal(rleIou([], [box(0, 0, 5, 5)], [0]).length, 0);
  assert.equal(bboxIou([0, 0, 1, 1], [], []).length, 0);
});

test('iscrowd must have one flag per ground truth', () => {
  assert.throws(() => rleIou([box(0, 0, 5, 5)], [box(0, 0, 5, 5)], []), /iscrowd has 0 flags but there are 1/);
  assert.throws(() => bboxIou([0, 0, 1, 1], [0, 0, 1, 1, 2, 2, 1, 1], [0]), /iscrowd has 1 flags/);
});

test('reproduces pycocotools computeIoU on a crowd GT given as uncompressed RLE', () => {
  const c = fixture('segm-crowd-uncompressed-rle.json');
  const { height, width } = c.image;
  const gt = c.gt.map((g: { segmentation: never }) => segmentationToRle(g.segmentation, height, width));
  const dt = c.dt.map((d: { segmentation: never }) => segmentationToRle(d.segmentation, height, width));
  const iou = rleIou(
    dt,
    gt,
    c.gt.map((g: { iscrowd: number }) => g.iscrowd),
  );
  const rows = c.ious.map((_: number[], d: number) => Array.from(iou.subarray(d * gt.length, (d + 1) * gt.length)));
  assert.deepEqual(rows, c.ious);
});
