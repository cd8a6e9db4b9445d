/**
 * Compares detkit's torchvision family with torch on real exports written by
 * scripts/export-torchvision.py (not run in CI):
 *
 *   npm run build && node dist/scripts/check-torchvision-exports.js /tmp/tv-exports
 *
 * For each <name>.onnx: the family chosen, and the largest box / score difference to torch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDetector } from '../src/detector.js';
import { textureImage } from '../src/families/testing/expect.js';

interface Expected {
  width: number;
  height: number;
  boxes: number[][];
  labels: number[];
  scores: number[];
}

const dir = process.argv[2] ?? 'tv-exports';
let failed = false;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx'))) {
  const expected = JSON.parse(readFileSync(join(dir, file.replace(/\.onnx$/, '.expected.json')), 'utf8')) as Expected;
  const detector = await loadDetector(join(dir, file));
  const found = await detector.detect(textureImage(expected.width, expected.height), {
    scoreThreshold: 0,
    maxDetections: 10_000,
  });
  await detector.dispose();
  // Random weights give many equal scores, and torch and ONNX Runtime break those ties (top-k,
  // NMS order) differently; so compare the sorted scores, and boxes/labels only where a score is
  // unique on both sides.
  const kept = expected.labels.flatMap((l, i) => (l === 0 ? [] : [i]));
  const theirs = kept.map((i) => expected.scores[i]!).sort((a, b) => b - a);
  const ours = Array.from(found.scores).sort((a, b) => b - a);
  const scoreDiff = theirs.reduce((m, s, i) => Math.max(m, Math.abs(s - (ours[i] ?? Number.NaN))), 0);
  const count = (list: ArrayLike<number>, v: number) => Array.prototype.filter.call(list, (s) => s === v).length;
  let boxDiff = 0;
  let unique = 0;
  let labelMismatch = 0;
  for (const i of kept) {
    const score = Math.fround(expected.scores[i]!);
    const j = Array.prototype.indexOf.call(found.scores, score);
    if (
      j < 0 ||
      count(found.scores, score) !== 1 ||
      count(
        kept.map((k) => Math.fround(expected.scores[k]!)),
        score,
      ) !== 1
    ) {
      continue;
    }
    unique++;
    if (found.classIds[j] !== expected.labels[i]) labelMismatch++;
    for (let k = 0; k < 4; k++) boxDiff = Math.max(boxDiff, Math.abs(found.boxes[j * 4 + k]! - expected.boxes[i]![k]!));
  }
  const ok =
    detector.family.name === 'torchvision' &&
    found.length === kept.length &&
    scoreDiff < 1e-5 &&
    boxDiff < 0.5 &&
    labelMismatch === 0;
  failed ||= !ok;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${file}: family ${detector.family.name}, ${found.length}/${kept.length} detections, ` +
      `sorted scores max |Δ| ${scoreDiff.toExponential(2)}; ${unique} unique-score detections: ` +
      `max |Δbox| ${boxDiff.toFixed(4)} px, ${labelMismatch} label mismatches`,
  );
}
process.exitCode = failed ? 1 : 0;
