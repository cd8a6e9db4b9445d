/**
 * Deterministic synthetic COCO-style detection benchmark (val2017-like statistics): a draw-for-draw
 * port of the team's stdlib-only Python generator (gen_synth_coco.py), on the same Mersenne
 * Twister, so the same (images, seed) gives the same boxes and pycocotools' published stats for
 * it hold. Usage: node dist/bench/gen-synth-coco.js --images 5000 --seed 2017 --out dir
 */
import { PythonRandom, pyRound, pyRoundInt } from './python-random.js';

// biome-ignore format: a table
const COCO_CATEGORIES: [number, string, string][] = [
  [1, 'person', 'person'],
  [2, 'bicycle', 'vehicle'],
  [3, 'car', 'vehicle'],
  [4, 'motorcycle', 'vehicle'],
  [5, 'airplane', 'vehicle'],
  [6, 'bus', 'vehicle'],
  [7, 'train', 'vehicle'],
  [8, 'truck', 'vehicle'],
  [9, 'boat', 'vehicle'],
  [10, 'traffic light', 'outdoor'],
  [11, 'fire hydrant', 'outdoor'],
  [13, 'stop sign', 'outdoor'],
  [14, 'parking meter', 'outdoor'],
  [15, 'bench', 'outdoor'],
  [16, 'bird', 'animal'],
  [17, 'cat', 'animal'],
  [18, 'dog', 'animal'],
  [19, 'horse', 'animal'],
  [20, 'sheep', 'animal'],
  [21, 'cow', 'animal'],
  [22, 'elephant', 'animal'],
  [23, 'bear', 'animal'],
  [24, 'zebra', 'animal'],
  [25, 'giraffe', 'animal'],
  [27, 'backpack', 'accessory'],
  [28, 'umbrella', 'accessory'],
  [31, 'handbag', 'accessory'],
  [32, 'tie', 'accessory'],
  [33, 'suitcase', 'accessory'],
  [34, 'frisbee', 'sports'],
  [35, 'skis', 'sports'],
  [36, 'snowboard', 'sports'],
  [37, 'sports ball', 'sports'],
  [38, 'kite', 'sports'],
  [39, 'baseball bat', 'sports'],
  [40, 'baseball glove', 'sports'],
  [41, 'skateboard', 'sports'],
  [42, 'surfboard', 'sports'],
  [43, 'tennis racket', 'sports'],
  [44, 'bottle', 'kitchen'],
  [46, 'wine glass', 'kitchen'],
  [47, 'cup', 'kitchen'],
  [48, 'fork', 'kitchen'],
  [49, 'knife', 'kitchen'],
  [50, 'spoon', 'kitchen'],
  [51, 'bowl', 'kitchen'],
  [52, 'banana', 'food'],
  [53, 'apple', 'food'],
  [54, 'sandwich', 'food'],
  [55, 'orange', 'food'],
  [56, 'broccoli', 'food'],
  [57, 'carrot', 'food'],
  [58, 'hot dog', 'food'],
  [59, 'pizza', 'food'],
  [60, 'donut', 'food'],
  [61, 'cake', 'food'],
  [62, 'chair', 'furniture'],
  [63, 'couch', 'furniture'],
  [64, 'potted plant', 'furniture'],
  [65, 'bed', 'furniture'],
  [67, 'dining table', 'furniture'],
  [70, 'toilet', 'furniture'],
  [72, 'tv', 'electronic'],
  [73, 'laptop', 'electronic'],
  [74, 'mouse', 'electronic'],
  [75, 'remote', 'electronic'],
  [76, 'keyboard', 'electronic'],
  [77, 'cell phone', 'electronic'],
  [78, 'microwave', 'appliance'],
  [79, 'oven', 'appliance'],
  [80, 'toaster', 'appliance'],
  [81, 'sink', 'appliance'],
  [82, 'refrigerator', 'appliance'],
  [84, 'book', 'indoor'],
  [85, 'clock', 'indoor'],
  [86, 'vase', 'indoor'],
  [87, 'scissors', 'indoor'],
  [88, 'teddy bear', 'indoor'],
  [89, 'hair drier', 'indoor'],
  [90, 'toothbrush', 'indoor']
];

class Rng {
  private readonly r: PythonRandom;
  constructor(seed: number) {
    this.r = new PythonRandom(seed);
  }
  u(): number {
    return this.r.random();
  }
  uniform(a: number, b: number): number {
    return a + (b - a) * this.r.random();
  }
  normal(): number {
    const u1 = 1.0 - this.r.random();
    const u2 = this.r.random();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
  /** Inclusive. */
  randint(a: number, b: number): number {
    return a + Math.min(Math.trunc(this.r.random() * (b - a + 1)), b - a);
  }
  weighted(cum: number[]): number {
    const x = this.r.random() * cum[cum.length - 1];
    return Math.min(bisectRight(cum, x), cum.length - 1);
  }
  bern(p: number): boolean {
    return this.r.random() < p;
  }
}

function bisectRight(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(ws: number[]): number[] {
  const out: number[] = [];
  let s = 0.0;
  for (const w of ws) {
    s += w;
    out.push(s);
  }
  return out;
}

const SHORTS = [480, 427, 426, 425, 428, 424, 360, 512, 640, 423, 429, 400, 383, 333];
const SHORT_CUM = cumulative([30, 18, 8, 6, 5, 4, 5, 3, 3, 2, 2, 2, 1, 1]);

function imageSize(rng: Rng): [number, number] {
  const longSide = rng.bern(0.9) ? 640 : rng.randint(500, 639);
  let short = rng.bern(0.85) ? SHORTS[rng.weighted(SHORT_CUM)] : rng.randint(240, 640);
  short = Math.min(short, longSide);
  if (rng.bern(0.25)) return [short, longSide];
  return [longSide, short];
}

const r2 = (x: number) => pyRound(x, 2);
type Box = [number, number, number, number];

function makeGtBox(rng: Rng, W: number, H: number): [Box, number] {
  const b = rng.u();
  let A: number;
  if (b < 0.41) A = Math.exp(rng.uniform(Math.log(6.0), Math.log(1024.0)));
  else if (b < 0.75) A = Math.exp(rng.uniform(Math.log(1024.0), Math.log(9216.0)));
  else A = Math.exp(rng.uniform(Math.log(9216.0), Math.log(0.55 * W * H)));
  const fill = rng.uniform(0.4, 0.95);
  const B = A / fill;
  const ar = Math.exp(0.55 * rng.normal());
  let w = Math.sqrt(B * ar);
  let h = Math.sqrt(B / ar);
  if (w > W) {
    w = W * rng.uniform(0.85, 1.0);
    h = Math.min(B / w, H * rng.uniform(0.85, 1.0));
  }
  if (h > H) {
    h = H * rng.uniform(0.85, 1.0);
    w = Math.min(B / h, W * rng.uniform(0.85, 1.0));
  }
  w = Math.max(w, 1.0);
  h = Math.max(h, 1.0);
  const x = rng.uniform(0.0, W - w);
  const y = rng.uniform(0.0, H - h);
  const bbox: Box = [r2(x), r2(y), r2(w), r2(h)];
  const area = pyRound(Math.min(A, bbox[2] * bbox[3] * fill), 5);
  return [bbox, area];
}

function clipBox(x1: number, y1: number, x2: number, y2: number, W: number, H: number): Box {
  x1 = Math.min(Math.max(x1, 0.0), W - 1.0);
  y1 = Math.min(Math.max(y1, 0.0), H - 1.0);
  x2 = Math.min(Math.max(x2, x1 + 1.0), W);
  y2 = Math.min(Math.max(y2, y1 + 1.0), H);
  return [r2(x1), r2(y1), r2(x2 - x1), r2(y2 - y1)];
}

function jitter(rng: Rng, bbox: Box, rel: number, W: number, H: number): Box {
  const [x, y, w, h] = bbox;
  const x1 = x + rel * w * rng.normal();
  const y1 = y + rel * h * rng.normal();
  let x2 = x + w + rel * w * rng.normal();
  let y2 = y + h + rel * h * rng.normal();
  if (x2 - x1 < 1.0) x2 = x1 + 1.0;
  if (y2 - y1 < 1.0) y2 = y1 + 1.0;
  return clipBox(x1, y1, x2, y2, W, H);
}

const clampScore = (s: number) => pyRound(Math.min(Math.max(s, 0.05), 0.99999), 5);

export interface SynthImage {
  id: number;
  width: number;
  height: number;
  file_name: string;
}
export interface SynthAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: Box;
  area: number;
  iscrowd: number;
  /** Python kept the image's int width / height (min(W, …) picked W): json.dump writes no '.0'. */
  intSize?: [boolean, boolean];
}
export interface SynthDetection {
  image_id: number;
  category_id: number;
  bbox: Box;
  score: number;
}
export interface SynthCoco {
  gt: {
    info: { description: string };
    images: SynthImage[];
    annotations: SynthAnnotation[];
    categories: { id: number; name: string; supercategory: string }[];
  };
  dt: SynthDetection[];
}

export function generate(nImages: number, seed: number): SynthCoco {
  const rng = new Rng(seed);
  const catIds = COCO_CATEGORIES.map((c) => c[0]);
  const order = Array.from({ length: 79 }, (_, i) => i + 1);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.randint(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const weights = new Array<number>(80).fill(0);
  weights[0] = 0.3;
  const zipf = Array.from({ length: 79 }, (_, r) => 1.0 / (r + 1) ** 0.9);
  let zs = 0;
  for (const z of zipf) zs += z;
  order.forEach((idx, rank) => {
    weights[idx] = (0.7 * zipf[rank]) / zs;
  });
  const catCum = cumulative(weights);

  const used = new Set<number>();
  const images: SynthImage[] = [];
  for (let n = 0; n < nImages; n++) {
    let iid: number;
    for (;;) {
      iid = rng.randint(1, nImages <= 100000 ? 581929 : 10 * nImages);
      if (!used.has(iid)) {
        used.add(iid);
        break;
      }
    }
    const [W, H] = imageSize(rng);
    images.push({ id: iid, width: W, height: H, file_name: `${String(iid).padStart(12, '0')}.jpg` });
  }

  const counts: number[] = [];
  let total = 0;
  for (let n = 0; n < nImages; n++) {
    const c = rng.bern(0.01) ? 0 : Math.max(1, Math.min(90, pyRoundInt(Math.exp(1.45 + 0.95 * rng.normal()))));
    counts.push(c);
    total += c;
  }
  const target = pyRoundInt(7.3562 * nImages);
  while (total !== target) {
    const i = rng.randint(0, nImages - 1);
    if (counts[i] === 0) continue;
    if (total < target && counts[i] < 90) {
      counts[i]++;
      total++;
    } else if (total > target && counts[i] > 1) {
      counts[i]--;
      total--;
    }
  }

  const annotations: SynthAnnotation[] = [];
  const detections: SynthDetection[] = [];
  let nextAnnId = 1000 + rng.randint(0, 1000);
  let nextCrowdId = 900100000000 + rng.randint(0, 100000);

  images.forEach((img, imgIndex) => {
    const nGt = counts[imgIndex];
    const W = img.width;
    const H = img.height;
    const nImgCats = rng.randint(1, 4);
    const imgCats: number[] = [];
    for (let c = 0; c < nImgCats; c++) imgCats.push(catIds[rng.weighted(catCum)]);
    const gts: SynthAnnotation[] = [];
    for (let g = 0; g < nGt; g++) {
      let ann: SynthAnnotation;
      if (rng.bern(0.01)) {
        const cid = rng.bern(0.7) ? 1 : imgCats[rng.randint(0, nImgCats - 1)];
        const frac = rng.uniform(0.05, 0.5);
        const wRaw = Math.sqrt(frac * W * H) * Math.exp(0.3 * rng.normal());
        const w = Math.min(W, wRaw);
        const hRaw = (frac * W * H) / Math.max(w, 1.0);
        const h = Math.min(H, hRaw);
        const x = rng.uniform(0.0, W - w);
        const y = rng.uniform(0.0, H - h);
        const bbox: Box = [r2(x), r2(y), r2(w), r2(h)];
        const area = pyRound(bbox[2] * bbox[3] * rng.uniform(0.3, 0.7), 5);
        const intSize: [boolean, boolean] = [!(wRaw < W), !(hRaw < H)];
        ann = { id: nextCrowdId, image_id: img.id, category_id: cid, bbox, area, iscrowd: 1, intSize };
        nextCrowdId += rng.randint(1, 5000);
      } else {
        const cid = rng.bern(0.7) ? imgCats[rng.randint(0, nImgCats - 1)] : catIds[rng.weighted(catCum)];
        const [bbox, area] = makeGtBox(rng, W, H);
        ann = { id: nextAnnId, image_id: img.id, category_id: cid, bbox, area, iscrowd: 0 };
        nextAnnId += rng.randint(1, 40);
      }
      gts.push(ann);
    }
    for (const g of gts) annotations.push(g);

    if (rng.bern(0.005)) return;
    const dets: [number, number, Box][] = [];
    for (const g of gts) {
      const [x, y, w, h] = g.bbox;
      if (g.iscrowd) {
        const n = rng.randint(0, 4);
        for (let c = 0; c < n; c++) {
          const bw = w * rng.uniform(0.05, 0.3);
          const bh = h * rng.uniform(0.1, 0.5);
          const bx = x + rng.uniform(0, w - bw);
          const by = y + rng.uniform(0, h - bh);
          dets.push([clampScore(0.1 + 0.6 * rng.u()), g.category_id, clipBox(bx, by, bx + bw, by + bh, W, H)]);
        }
        continue;
      }
      const a = g.area;
      const pDet = a < 1024 ? 0.58 : a < 9216 ? 0.76 : 0.84;
      if (rng.bern(pDet)) {
        const rel = 0.02 + 0.12 * rng.u() ** 2 + (a < 1024 ? 0.05 : 0.0) * rng.u();
        const score = clampScore(0.2 + 0.79 * rng.u() ** 0.45 * (1.0 - 2.5 * rel));
        dets.push([score, g.category_id, jitter(rng, g.bbox, rel, W, H)]);
        if (rng.bern(0.15)) {
          const s = clampScore(score * rng.uniform(0.15, 0.8));
          dets.push([s, g.category_id, jitter(rng, g.bbox, rel + 0.08 * rng.u(), W, H)]);
        }
      } else if (rng.bern(0.35)) {
        const s = clampScore(0.05 + 0.4 * rng.u() ** 2);
        dets.push([s, g.category_id, jitter(rng, g.bbox, 0.25 + 0.3 * rng.u(), W, H)]);
      }
      if (rng.bern(0.08)) {
        const wrong = catIds[rng.weighted(catCum)];
        if (wrong !== g.category_id) {
          const s = clampScore(0.05 + 0.45 * rng.u());
          dets.push([s, wrong, jitter(rng, g.bbox, 0.05 + 0.1 * rng.u(), W, H)]);
        }
      }
    }
    const nTarget = rng.bern(0.8) ? 100 : rng.randint(10, 99);
    while (dets.length < nTarget) {
      const A = Math.exp(rng.uniform(Math.log(16.0), Math.log(0.5 * W * H)));
      const ar = Math.exp(0.6 * rng.normal());
      const bw = Math.min(Math.sqrt(A * ar), W - 1.0);
      const bh = Math.min(Math.sqrt(A / ar), H - 1.0);
      const bx = rng.uniform(-0.05 * bw, W - 0.95 * bw);
      const by = rng.uniform(-0.05 * bh, H - 0.95 * bh);
      const cid = rng.bern(0.5) ? imgCats[rng.randint(0, nImgCats - 1)] : catIds[rng.weighted(catCum)];
      const s = clampScore(0.05 + 0.75 * rng.u() ** 8);
      dets.push([s, cid, clipBox(bx, by, bx + bw, by + bh, W, H)]);
    }
    dets.sort((p, q) => q[0] - p[0]); // stable, like Python's sort
    for (const [score, cid, bbox] of dets.slice(0, 100)) {
      detections.push({ image_id: img.id, category_id: cid, bbox, score });
    }
  });

  const categories = COCO_CATEGORIES.map(([id, name, supercategory]) => ({ id, name, supercategory }));
  return {
    gt: {
      info: { description: `synthetic COCO-style benchmark, seed=${seed}, images=${nImages}` },
      images,
      annotations,
      categories,
    },
    dt: detections,
  };
}

/** Python json.dumps(separators=(',', ':')) number spelling: floats keep a '.0' or exponent. */
function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const s = String(x);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** JSON text as Python's json.dump writes it (so the files match the Python generator's bytes). */
export function toJsonTexts(data: SynthCoco): { gt: string; dt: string } {
  const box = (b: Box, ints?: [boolean, boolean]) =>
    `[${b.map((v, i) => (i >= 2 && ints?.[i - 2] ? String(v) : pyFloat(v))).join(',')}]`;
  const images = data.gt.images.map(
    (im) => `{"id":${im.id},"width":${im.width},"height":${im.height},"file_name":"${im.file_name}"}`,
  );
  const anns = data.gt.annotations.map(
    (a) =>
      `{"id":${a.id},"image_id":${a.image_id},"category_id":${a.category_id},"bbox":${box(a.bbox, a.intSize)},"area":${pyFloat(a.area)},"iscrowd":${a.iscrowd}}`,
  );
  const cats = data.gt.categories.map((c) => JSON.stringify(c));
  const gt = `{"info":${JSON.stringify(data.gt.info)},"images":[${images.join(',')}],"annotations":[${anns.join(',')}],"categories":[${cats.join(',')}]}`;
  const dts = data.dt.map(
    (d) =>
      `{"image_id":${d.image_id},"category_id":${d.category_id},"bbox":${box(d.bbox)},"score":${pyFloat(d.score)}}`,
  );
  return { gt, dt: `[${dts.join(',')}]` };
}
