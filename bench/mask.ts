/**
 * Mask API throughput on COCO-like data: star-shaped polygons of 8-40 vertices, 640x480 images.
 * Run: npm run build && node dist/bench/mask.js [polygons=5000]
 */
import { rleFrPoly, rleFrString, rleIou, rleToString } from '../src/eval/mask/index.js';
import type { Rle } from '../src/eval/mask/rle.js';

const H = 480;
const W = 640;

let seed = 2017;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
}

function randomPolygon(): number[] {
  const k = 8 + Math.floor(rand() * 33);
  const r = 5 + rand() ** 2 * 200; // mostly small objects, as in COCO
  const cx = rand() * W;
  const cy = rand() * H;
  const xy: number[] = [];
  for (let j = 0; j < k; j++) {
    const a = (2 * Math.PI * j) / k;
    const rr = r * (0.5 + 0.5 * rand());
    xy.push(Math.round((cx + rr * Math.cos(a)) * 100) / 100, Math.round((cy + rr * Math.sin(a)) * 100) / 100);
  }
  return xy;
}

/** CPU time (not wall time, the machine may be shared) of the best of 5 runs after a warm-up. */
function time(label: string, ops: number, fn: () => void): void {
  fn();
  let ms = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t0 = process.cpuUsage();
    fn();
    const used = process.cpuUsage(t0);
    ms = Math.min(ms, (used.user + used.system) / 1000);
  }
  console.log(`${label.padEnd(40)} ${ops} ops in ${ms.toFixed(1)} ms CPU = ${Math.round((ops / ms) * 1000)} ops/s`);
}

const n = Number(process.argv[2] ?? 5000);
const polygons = Array.from({ length: n }, randomPolygon);
let rles: Rle[] = [];
time('rleFrPoly (640x480)', n, () => {
  rles = polygons.map((p) => rleFrPoly(p, H, W));
});

let strings: string[] = [];
time('rleToString', n, () => {
  strings = rles.map(rleToString);
});
time('rleFrString', n, () => {
  for (const s of strings) rleFrString(s, H, W);
});

// Per "image": 20 detections against 8 ground truths, as rleIou is called by COCOeval.
const dtPer = 20;
const gtPer = 8;
const groups = Math.floor(n / (dtPer + gtPer));
const crowd = new Array(gtPer).fill(0);
crowd[0] = 1;
time(`rleIou (${dtPer} dt x ${gtPer} gt per call)`, groups * dtPer * gtPer, () => {
  for (let g = 0; g < groups; g++) {
    const base = g * (dtPer + gtPer);
    rleIou(rles.slice(base, base + dtPer), rles.slice(base + dtPer, base + dtPer + gtPer), crowd);
  }
});
// Overlapping pairs walk the runs; disjoint ones stop at the box test.
const overlapping = rles.slice(0, 200);
time('rleIou (200 x 200, all pairs)', 200 * 200, () => {
  rleIou(overlapping, overlapping, new Array(200).fill(0));
});
