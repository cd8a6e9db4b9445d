/**
 * Post-processing throughput: NMS on YOLOv8-sized candidate sets (8400 anchors × 80 classes) and WBF
 * on 3 models × 300 boxes × 1000 images, each against a naive reference (object arrays, O(n²)
 * torchvision loop; ensemble_boxes' re-averaging of whole clusters) to print a speed ratio.
 * Run: npm run build && node dist/bench/nms.js [nms | wbf]
 */
import { weightedBoxesFusion } from '../src/postprocess/ensemble.js';
import type { ModelBoxes } from '../src/postprocess/ensemble-input.js';
import { batchedNms } from '../src/postprocess/nms.js';

let seed = 12345;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

/** Seconds per call: the median of `rounds` timed calls after one warm-up. */
function time(run: () => unknown, rounds: number): number {
  run();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    run();
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

/**
 * One YOLOv8 output: 8400 anchor boxes in a 640×640 image, most near one of 30 objects, with 80
 * class scores a box; the candidates are the (box, class) pairs scoring above `conf`.
 */
function yoloCandidates(conf: number) {
  const objects = Array.from({ length: 30 }, () => {
    const w = 20 + rand() * 200;
    const h = 20 + rand() * 200;
    return { x: rand() * (640 - w), y: rand() * (640 - h), w, h, cls: Math.floor(rand() * 80) };
  });
  const boxes: number[] = [];
  const scores: number[] = [];
  const classes: number[] = [];
  for (let a = 0; a < 8400; a++) {
    const o = objects[a % objects.length];
    const near = rand() < 0.5;
    const jitter = near ? 0.15 : 2;
    const x1 = o.x + (rand() - 0.5) * o.w * jitter;
    const y1 = o.y + (rand() - 0.5) * o.h * jitter;
    const box = [x1, y1, x1 + o.w * (0.8 + rand() * 0.4), y1 + o.h * (0.8 + rand() * 0.4)];
    for (let c = 0; c < 80; c++) {
      const logit = c === o.cls && near ? 1 + (rand() - 0.5) * 6 : -10 + (rand() - 0.5) * 6.8;
      const score = 1 / (1 + Math.exp(-logit));
      if (score <= conf) continue;
      boxes.push(...box);
      scores.push(score);
      classes.push(c);
    }
  }
  return { boxes: Float32Array.from(boxes), scores: Float32Array.from(scores), classes: Int32Array.from(classes) };
}

/** torchvision's batched_nms written the obvious way: objects, offset trick, O(n²) scan. */
function naiveBatchedNms(boxes: Float32Array, scores: Float32Array, classes: Int32Array, thr: number): number[] {
  let max = 0;
  for (const v of boxes) max = Math.max(max, v);
  const items = Array.from(scores, (score, i) => {
    const off = classes[i] * (max + 1);
    const [x1, y1, x2, y2] = [
      boxes[i * 4] + off,
      boxes[i * 4 + 1] + off,
      boxes[i * 4 + 2] + off,
      boxes[i * 4 + 3] + off,
    ];
    return { i, score, x1, y1, x2, y2, area: (x2 - x1) * (y2 - y1), suppressed: false };
  });
  items.sort((a, b) => b.score - a.score || a.i - b.i);
  const keep: number[] = [];
  for (let a = 0; a < items.length; a++) {
    const p = items[a];
    if (p.suppressed) continue;
    keep.push(p.i);
    for (let b = a + 1; b < items.length; b++) {
      const q = items[b];
      if (q.suppressed) continue;
      const inter =
        Math.max(0, Math.min(p.x2, q.x2) - Math.max(p.x1, q.x1)) *
        Math.max(0, Math.min(p.y2, q.y2) - Math.max(p.y1, q.y1));
      if (inter / (p.area + q.area - inter) > thr) q.suppressed = true;
    }
  }
  return keep;
}

function benchNms(label: string, conf: number, maxDetections?: number): void {
  const c = yoloCandidates(conf);
  const n = c.scores.length;
  const fast = time(() => batchedNms(c.boxes, c.scores, c.classes, 0.7, { maxDetections }), 15);
  const kept = batchedNms(c.boxes, c.scores, c.classes, 0.7, { maxDetections });
  const line = `nms ${label}: ${n} candidates → ${kept.length} kept: ${(1 / fast).toFixed(1)} images/s (${(fast * 1000).toFixed(2)} ms)`;
  if (n > 60000) {
    console.log(`${line}, naive skipped (O(n²) on ${n} boxes)`);
    return;
  }
  // The naive reference is timed once: it is slow, and its result checks the fast one.
  const t0 = performance.now();
  const reference = naiveBatchedNms(c.boxes, c.scores, c.classes, 0.7).slice(0, maxDetections);
  const naive = (performance.now() - t0) / 1000;
  if (kept.length !== reference.length || kept.some((k, at) => k !== reference[at])) throw new Error('NMS mismatch');
  console.log(`${line}, naive ${(naive * 1000).toFixed(1)} ms, ×${(naive / fast).toFixed(1)}`);
}

/** 3 models × 300 boxes an image, around 25 objects of 10 classes, normalised xyxy. */
function wbfImages(images: number): ModelBoxes[][] {
  return Array.from({ length: images }, () => {
    const objects = Array.from({ length: 25 }, () => {
      const w = 0.05 + rand() * 0.3;
      const h = 0.05 + rand() * 0.3;
      return { x: rand() * (1 - w), y: rand() * (1 - h), w, h, cls: Math.floor(rand() * 10) };
    });
    return Array.from({ length: 3 }, () => {
      const boxes: number[] = [];
      const scores: number[] = [];
      const labels: number[] = [];
      for (let k = 0; k < 300; k++) {
        const o = objects[k % objects.length];
        const j = k < 100 ? 0.1 : 1;
        const x1 = o.x + (rand() - 0.5) * o.w * j;
        const y1 = o.y + (rand() - 0.5) * o.h * j;
        boxes.push(x1, y1, x1 + o.w * (0.9 + rand() * 0.2), y1 + o.h * (0.9 + rand() * 0.2));
        scores.push(k < 100 ? 0.5 + rand() / 2 : rand() / 2);
        labels.push(k < 100 ? o.cls : Math.floor(rand() * 10));
      }
      return { boxes, scores, labels };
    });
  });
}

/** ensemble_boxes' WBF as written in Python: box lists, whole-cluster re-averaging on every join. */
function naiveWbf(models: ModelBoxes[], iouThr: number): number[][] {
  const byLabel = new Map<number, number[][]>();
  models.forEach((m, t) => {
    for (let j = 0; j < m.scores.length; j++) {
      const b = [
        m.labels[j],
        m.scores[j],
        1,
        t,
        ...[0, 1, 2, 3].map((c) => Math.min(1, Math.max(0, m.boxes[j * 4 + c]))),
      ];
      if ((b[6] - b[4]) * (b[7] - b[5]) === 0) continue;
      byLabel.set(b[0], [...(byLabel.get(b[0]) ?? []), b]);
    }
  });
  const iou = (a: number[], b: number[]) => {
    const inter =
      Math.max(0, Math.min(a[6], b[6]) - Math.max(a[4], b[4])) *
      Math.max(0, Math.min(a[7], b[7]) - Math.max(a[5], b[5]));
    return inter / ((a[6] - a[4]) * (a[7] - a[5]) + (b[6] - b[4]) * (b[7] - b[5]) - inter);
  };
  const out: number[][] = [];
  for (const list of byLabel.values()) {
    list.sort((a, b) => b[1] - a[1]);
    const clusters: number[][][] = [];
    const fused: number[][] = [];
    for (const b of list) {
      let best = -1;
      let bestIou = iouThr;
      fused.forEach((f, k) => {
        const v = iou(f, b);
        if (v > bestIou) [best, bestIou] = [k, v];
      });
      if (best < 0) {
        clusters.push([b]);
        fused.push(b.slice());
        continue;
      }
      clusters[best].push(b);
      const conf = clusters[best].reduce((s, m) => s + m[1], 0);
      const box = [4, 5, 6, 7].map((c) => clusters[best].reduce((s, m) => s + m[1] * m[c], 0) / conf);
      fused[best] = [b[0], conf / clusters[best].length, 0, -1, ...box];
    }
    fused.forEach((f, k) => {
      f[1] = (f[1] * Math.min(models.length, clusters[k].length)) / models.length;
      out.push(f);
    });
  }
  return out.sort((a, b) => b[1] - a[1]);
}

function benchWbf(): void {
  const images = wbfImages(1000);
  const fast = time(() => images.forEach((models) => weightedBoxesFusion(models)), 5);
  const naive = time(() => images.forEach((models) => naiveWbf(models, 0.55)), 1);
  const sample = weightedBoxesFusion(images[0]);
  const reference = naiveWbf(images[0], 0.55);
  if (sample.length !== reference.length) throw new Error(`WBF mismatch: ${sample.length} vs ${reference.length}`);
  console.log(
    `wbf 3 models × 300 boxes × 1000 images: ${(1000 / fast).toFixed(0)} images/s (${fast.toFixed(3)} s), ` +
      `naive ${naive.toFixed(3)} s, ×${(naive / fast).toFixed(1)}`,
  );
}

// `node dist/bench/nms.js nms` or `… wbf` runs one half.
const only = process.argv[2];
if (only !== 'wbf') {
  benchNms('yolov8 conf 0.001, max 300', 0.001, 300);
  benchNms('yolov8 conf 0.001, all kept', 0.001);
  benchNms('yolov8 conf 0.25', 0.25);
  benchNms('yolov8 every pair (no threshold), max 300', -1, 300);
}
if (only !== 'nms') benchWbf();
