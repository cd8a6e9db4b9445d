/**
 * Open Images at train scale, streamed: a synthetic `train-annotations-bbox.csv` of 14.6 million
 * boxes over 1.7 million images (~600 classes, 6-decimal coordinates like the official file,
 * flags at roughly the official rates with a few -1s, 5% non-xclick sources) plus an `image-sizes.csv`, converted to YOLO and to
 * COCO by the CLI as whole processes, with wall time and peak RSS.
 *
 *   node dist/bench/openimages.js [--scale 0.1] [--keep] [--data <folder generated before (kept)>]
 *
 * The data goes to a temp folder (~1.3 GB at full scale, plus ~7 GB of YOLO label files on a
 * 4 KB-block file system) and is removed afterwards unless --keep.
 */
import { execSync } from 'node:child_process';
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CLI, printTable, scratchDir, timeProcess } from './util.js';

const argv = process.argv.slice(2);
const scale = Number(argv[argv.indexOf('--scale') + 1] ?? 1) || 1;
const keep = argv.includes('--keep');
const given = argv.includes('--data') ? argv[argv.indexOf('--data') + 1] : undefined;
const BOXES = Math.round(14_600_000 * scale);
const IMAGES = Math.round(1_700_000 * scale);
const CLASSES = 600;

let seed = 12345;
/** Park–Miller: deterministic, fast, good enough for shapes of synthetic data. */
function rand(): number {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}

function mid(k: number): string {
  return `/m/0${(36 ** 3 + k * 97).toString(36)}`;
}

function coordinate(v: number): string {
  const n = Math.min(999_999, Math.floor(v * 1e6));
  return `0.${String(n).padStart(6, '0')}`;
}

/** A flag set with probability `p` (roughly the official train file's rates), unknown (-1) 0.2% of the time. */
function flag(p: number): string {
  const r = rand();
  return r < 0.002 ? '-1' : r < p ? '1' : '0';
}

async function writeLines(
  path: string,
  header: string,
  lines: (emit: (line: string) => Promise<void>) => Promise<void>,
) {
  const out = createWriteStream(path);
  let buffer = header;
  const emit = async (line: string) => {
    buffer += line;
    if (buffer.length < 1 << 20) return;
    const chunk = buffer;
    buffer = '';
    if (!out.write(chunk)) await new Promise<void>((ok) => out.once('drain', () => ok()));
  };
  await lines(emit);
  await new Promise<void>((ok) => out.end(buffer, ok));
}

async function generate(dir: string): Promise<void> {
  await writeLines(join(dir, 'class-descriptions-boxable.csv'), '', async (emit) => {
    for (let k = 0; k < CLASSES; k++)
      await emit(k % 50 === 7 ? `${mid(k)},"Class ${k}, kind"\n` : `${mid(k)},Class ${k}\n`);
  });
  const imageId = (i: number) => i.toString(16).padStart(16, '0');
  await writeLines(join(dir, 'image-sizes.csv'), 'ImageID,Width,Height\n', async (emit) => {
    for (let i = 0; i < IMAGES; i++)
      await emit(`${imageId(i)},${rand() < 0.7 ? 1024 : 768},${rand() < 0.5 ? 768 : 1024}\n`);
  });
  await writeLines(
    join(dir, 'train-annotations-bbox.csv'),
    'ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside\n',
    async (emit) => {
      let written = 0;
      for (let i = 0; i < IMAGES; i++) {
        // Boxes spread so the total lands on BOXES: this image's share of what is left, jittered.
        const left = BOXES - written;
        const share = i === IMAGES - 1 ? left : Math.min(left, Math.round((left / (IMAGES - i)) * (0.5 + rand())));
        const id = imageId(i);
        for (let b = 0; b < share; b++) {
          const x1 = rand() * 0.8;
          const y1 = rand() * 0.8;
          const source = rand() < 0.05 ? 'activemil' : 'xclick';
          const cls = mid(Math.floor(rand() * CLASSES));
          await emit(
            `${id},${source},${cls},1,${coordinate(x1)},${coordinate(x1 + rand() * 0.2)},${coordinate(y1)},${coordinate(y1 + rand() * 0.2)},${flag(0.6)},${flag(0.3)},${flag(0.06)},${flag(0.05)},${flag(0.005)}\n`,
          );
        }
        written += share;
      }
    },
  );
}

const dir = scratchDir('openimages');
const data = given ?? join(dir, 'train');
execSync(`mkdir -p ${data}`);
console.log(`df -h: ${execSync(`df -h ${dir} | tail -1`).toString().trim()}`);
try {
  const t0 = performance.now();
  if (!given) await generate(data);
  const csvMB = statSync(join(data, 'train-annotations-bbox.csv')).size / 1e6;
  console.log(
    `${given ? 'given' : 'generated'} ${BOXES} boxes over ${IMAGES} images (${csvMB.toFixed(0)} MB CSV) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const rows: (string | number)[][] = [];
  for (const [to, out] of [
    ['yolo', join(dir, 'out-yolo')],
    ['coco', join(dir, 'out-coco.json')],
  ]) {
    const load = loadavg()[0].toFixed(1);
    const timing = timeProcess([CLI, 'convert', data, out, '--to', to, '--json'], {
      repeat: 1,
      before: () => rmSync(out, { recursive: true, force: true }),
    });
    const result = JSON.parse(timing.stdout) as { images: number; annotations: number };
    rows.push([`openimages → ${to}`, result.images, result.annotations, timing.seconds, timing.peakMB, load]);
    rmSync(out, { recursive: true, force: true });
  }
  printTable(
    `Open Images train-sized CSV, streamed (scale ${scale})`,
    ['conversion', 'images', 'boxes', 'wall s', 'peak RSS MB', 'load avg (1 min) at start'],
    rows,
  );
  console.log(`\nuptime: ${execSync('uptime').toString().trim()}`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
