/**
 * The analysis agrees with the exact COCO evaluator on its pycocotools reference cases: the
 * per-class AP read from the accumulated arrays, and the TP / FP of the IoU-0.5 matching behind
 * the F1 sweep.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluateCocoWith, loadCocoResults, parseCocoGroundTruth } from '../coco/index.js';
import { cocoAccumulatedFrom, gtCounts, perClassApRows } from './coco-tables.js';
import { matchByClass } from './matching.js';

const ROOT = join(process.cwd(), 'src/eval/coco/fixtures/pycocotools');
// Bbox cases with default parameters (17 is left out: GT id 0 reads as "no match" in evalImgs).
const CASES = [
  '01_interp_monotone_101pt',
  '03_area_ranges',
  '05_score_ties_stable_order',
  '07_images_without_dets_or_gt',
  '13_recall_threshold_float',
  '15_boxes_outside_image',
  '19_iou_tie_between_gts',
];

for (const name of CASES) {
  test(`${name}: per-class AP and IoU-0.5 matches agree with the COCO evaluator`, async () => {
    const gt = parseCocoGroundTruth(readFileSync(join(ROOT, name, 'gt.json'), 'utf8'));
    const dt = await loadCocoResults(readFileSync(join(ROOT, name, 'dt.json'), 'utf8'), gt);
    const result = evaluateCocoWith(gt, dt, { keepDetails: true });

    const rows = perClassApRows(cocoAccumulatedFrom(result), gt.categories, gtCounts(gt));
    for (const c of result.perCategory) {
      const row = rows.find((r) => r.categoryId === c.categoryId);
      for (const key of ['ap', 'ap50', 'ap75'] as const) {
        const expected = c[key] < 0 ? Number.NaN : c[key];
        const actual = row?.[key] ?? Number.NaN;
        assert.ok(
          (Number.isNaN(expected) && Number.isNaN(actual)) || Math.abs(actual - expected) < 1e-12,
          `${key} of ${c.name}: ${actual} != ${expected}`,
        );
      }
    }

    assert.ok((result.evaluated?.details?.length ?? 0) > 0, 'evalImgs kept');
    const t50 = result.params.iouThrs.indexOf(0.5);
    const all = result.params.areaRngLbl.indexOf('all');
    for (const m of matchByClass(gt, dt)) {
      let tp = 0;
      let scored = 0;
      for (const d of result.evaluated?.details ?? []) {
        if (d.categoryId !== m.categoryId || d.areaIndex !== all) continue;
        d.dtIds.forEach((_, i) => {
          if (d.dtIgnore[t50][i]) return;
          scored++;
          if (d.dtMatches[t50][i] !== 0) tp++;
        });
      }
      assert.equal(m.scores.length, scored, `scored detections of category ${m.categoryId}`);
      assert.equal(
        m.truePositive.reduce((s, v) => s + v, 0),
        tp,
        `true positives of category ${m.categoryId}`,
      );
    }
  });
}
