/**
 * Scanned Open Images rows → YOLO detect labels, as yolo-stream.ts writes them: one
 * `labels/<split>/<ImageID>.txt` per image (lines of a later run of the same ImageID appended),
 * `data.yaml` at the end. This thread scans and prints; worker threads create the files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { DetkitError } from '../core/errors.js';
import { stem } from '../core/paths.js';
import type { LossReport } from '../formats/index.js';
import { imageFolder, splitName } from '../formats/openimages-files.js';
import type { AttributeCounts } from '../formats/openimages-lines.js';
import { copyRows } from '../formats/openimages-scan.js';
import { dataYamlSplits } from '../formats/yolo-stream.js';
import { classMapping } from '../formats/yolo-write.js';
import { formatDataYaml } from '../formats/yolo-yaml.js';
import { OpenImagesThreads, type YoloJob } from '../io/openimages-threads.js';
import { type OpenImagesSource, type Written, writeThreads } from './convert-openimages.js';

export async function writeYoloFromOpenImages(
  src: OpenImagesSource,
  out: string,
  counts: AttributeCounts,
  warn: (message: string) => void,
): Promise<Written> {
  const { classOf, names, renumbered } = classMapping(src);
  const classByCategory = new Int32Array(Math.max(0, ...src.categories.map((c) => c.id)) + 1).fill(-1);
  for (const [id, k] of classOf) if (id >= 0 && id < classByCategory.length) classByCategory[id] = k;
  const count = writeThreads();
  const threads = new OpenImagesThreads(count, classByCategory);
  let seen = new Uint8Array(1 << 16);
  const made = new Set<string>();
  /** Label file of ImageIDs holding a '/' (named by their last part), to catch two images on one file. */
  const oddOwner = new Map<string, number>();
  const splits = new Set<string>();
  let unsplit = 0;
  let images = 0;
  let annotations = 0;
  try {
    await src.scan(async (rows, f) => {
      if (rows.length === 0) return;
      counts.countRows(rows);
      annotations += rows.length;
      const fileSplit = src.boxFiles[f].split;
      const split = splitName(fileSplit);
      const dir = split ? `${out}/labels/${split}` : `${out}/labels`;
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const ids = src.images.ids;
      if (ids.length > seen.length) {
        const grown = new Uint8Array(Math.max(seen.length * 2, ids.length));
        grown.set(seen);
        seen = grown;
      }
      const runEnds: number[] = [];
      const runImage: number[] = [];
      const paths: string[] = [];
      const append: number[] = [];
      for (let row = 0; row < rows.length; ) {
        const k = rows.image[row];
        while (row < rows.length && rows.image[row] === k) row++;
        const id = ids[k];
        const name =
          id.includes('/') || oddOwner.size > 0 ? labelOf(id, k, imageFolder(fileSplit), oddOwner, seen, src) : id;
        runEnds.push(row);
        runImage.push(k);
        paths.push(`${dir}/${name}.txt`);
        append.push(seen[k]);
        if (!seen[k]) {
          seen[k] = 1;
          images++;
          if (split) splits.add(split);
          else unsplit++;
        }
      }
      const job: YoloJob = {
        kind: 'yolo',
        rows: copyRows(rows),
        runEnds: Uint32Array.from(runEnds),
        runImage: Uint32Array.from(runImage),
        paths,
        append: Uint8Array.from(append),
      };
      for (let w = 0; w < count; w++) await threads.submit(w, job);
    });
  } finally {
    await threads.close();
  }
  const yaml = dataYamlSplits(splits);
  writeFileSync(`${out}/data.yaml`, formatDataYaml(yaml, names, 'detect'));
  for (const folder of new Set(yaml.map(([, f]) => f))) mkdirSync(`${out}/${folder}`, { recursive: true });
  warn('images were not copied: put them under images/ before training or reading this dataset back');
  const loss: LossReport = [];
  if (renumbered > 0) {
    loss.push({ what: 'category-ids', count: renumbered, message: 'category ids (classes are renumbered 0..N-1)' });
  }
  if (splits.size > 0 && unsplit > 0) {
    loss.push({
      what: 'splits',
      count: unsplit,
      message: 'missing split assignments (those images are under labels/, outside every split)',
    });
  }
  return { images, annotations, loss };
}

/** The label file name of image `k` as the general writer names it, checking no other image has it. */
function labelOf(
  id: string,
  k: number,
  folder: string,
  oddOwner: Map<string, number>,
  seen: Uint8Array,
  src: OpenImagesSource,
): string {
  const name = stem(`${folder}/${id}.jpg`);
  const key = `${folder}/${name}`;
  const owner = oddOwner.get(key);
  const plain = src.images.index.get(name);
  if ((owner !== undefined && owner !== k) || (id.includes('/') && plain !== undefined && plain !== k && seen[plain])) {
    throw new DetkitError(`two images would both be labelled by labels/${key}.txt`, { record: `image ${k + 1}` });
  }
  if (id.includes('/')) oddOwner.set(key, k);
  return name;
}
