import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DetkitError } from '../../core/errors.js';
import { npMean, npSum } from './numeric.js';
import { bits, type CaseConfig, type ExpectedResult, fromHex, runCase } from './pycocotools-cases.js';
import { loadMaskApi, type MaskApi } from './segm.js';

const FIXTURES = join(process.cwd(), 'src/eval/coco/fixtures');
const ROOT = join(FIXTURES, 'pycocotools');
/** Extra cases for the README behaviours the shared set leaves out, made by make_cases.py. */
const EXTRA = join(FIXTURES, 'pycocotools-extra');
const mask: MaskApi | undefined = await loadMaskApi().catch(() => undefined);

function read(dir: string, name: string, root = ROOT): string {
  return readFileSync(join(root, dir, name), 'utf8');
}

function flat(nested: unknown): number[] {
  return Array.isArray(nested) ? nested.flatMap(flat) : [nested as number];
}

function sameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${what}[${i}]: ${bits(actual[i])} != ${bits(expected[i])}`);
  }
}

/** Runs every config of a case and checks every array expected.json holds, exactly. */
async function checkCase(dir: string, root = ROOT): Promise<void> {
  const cfg = JSON.parse(read(dir, 'case.json', root)) as { configs: CaseConfig[] };
  const expected = JSON.parse(read(dir, 'expected.json', root)) as { results: ExpectedResult[] };
  for (const config of cfg.configs) {
    const exp = expected.results.find((r) => r.config === config.name)!;
    const label = `${dir}/${config.name}`;
    if (exp.error) {
      await assert.rejects(
        runCase(read(dir, 'gt.json', root), read(dir, 'dt.json', root), config, mask),
        (e: unknown) => {
          assert.ok(e instanceof DetkitError, `${label}: expected a DetkitError, got ${e}`);
          return true;
        },
      );
      continue;
    }
    const { result } = await runCase(read(dir, 'gt.json', root), read(dir, 'dt.json', root), config, mask);
    sameBits(result.stats, exp.stats_hex.map(fromHex), `${label} stats`);
    sameBits(result.stats, exp.stats, `${label} stats (decimal)`);
    assert.deepEqual(result.precision.shape, exp.precision_shape, `${label} precision shape`);
    const p = result.precision.data;
    const kept = p.filter((v) => v !== -1);
    const sum = exp.precision_checksum;
    assert.equal(kept.length, sum.count_not_minus1, `${label} precision entries != -1`);
    assert.equal(p.length - kept.length, sum.count_minus1, `${label} precision entries == -1`);
    sameBits([npSum(kept)], [sum.sum], `${label} precision sum`);
    sameBits([npSum(kept.map((v) => v * v))], [sum.sum_sq], `${label} precision sum of squares`);
    sameBits(result.recall.data, flat(exp.recall), `${label} recall`);
    checkApPerSetting(result.precision, flat(exp.ap_per_t_k_a_m), label);
    const perCat = exp.per_category_ap_iou50_95_area_all_maxdet;
    sameBits(
      result.perCategory.map((c) => c.ap),
      perCat.values.map((v) => v.ap),
      `${label} per-category AP`,
    );
    assert.deepEqual(
      result.perCategory.map((c) => c.categoryId),
      perCat.values.map((v) => v.category_id),
    );
    const ev = result.evaluated!;
    const ious = new Map(ev.ious!.map((m) => [`${m.imageId}/${m.categoryId}`, m.matrix]));
    assert.equal(ious.size, exp.ious.length, `${label}: number of IoU matrices`);
    for (const m of exp.ious) {
      const key = `${m.image_id}/${m.category_id}`;
      assert.ok(ious.has(key), `${label}: IoU matrix for image/category ${key}`);
      sameBits(flat(ious.get(key)), flat(m.matrix), `${label} IoU ${key}`);
    }
    const details = ev.details!.filter((d) => d.areaIndex === 0);
    assert.equal(details.length, exp.evalImgs_area_all.length, `${label}: number of evalImgs (area all)`);
    for (const e of exp.evalImgs_area_all) {
      const d = details.find((x) => x.imageId === e.image_id && x.categoryId === e.category_id);
      assert.ok(d, `${label}: evalImg ${e.image_id}/${e.category_id}`);
      const where = `${label} evalImg ${e.image_id}/${e.category_id}`;
      assert.deepEqual(
        { dtIds: d.dtIds, dtScores: d.dtScores, gtIds: d.gtIds, gtIgnore: d.gtIgnore },
        { dtIds: e.dtIds, dtScores: e.dtScores, gtIds: e.gtIds, gtIgnore: e.gtIgnore },
        where,
      );
      assert.deepEqual(d.dtMatches, e.dtMatches, `${where} dtMatches`);
      assert.deepEqual(d.gtMatches, e.gtMatches, `${where} gtMatches`);
      assert.deepEqual(d.dtIgnore, e.dtIgnore, `${where} dtIgnore`);
    }
  }
}

/** AP per (t, k, a, m): numpy mean over the recall thresholds of the entries > -1. */
function checkApPerSetting(precision: { data: Float64Array; shape: number[] }, expected: number[], label: string) {
  const [T, R, K, A, M] = precision.shape;
  const out: number[] = [];
  for (let t = 0; t < T; t++)
    for (let k = 0; k < K; k++)
      for (let a = 0; a < A; a++)
        for (let m = 0; m < M; m++) {
          const v: number[] = [];
          for (let r = 0; r < R; r++) {
            const x = precision.data[(((t * R + r) * K + k) * A + a) * M + m];
            if (x > -1) v.push(x);
          }
          out.push(v.length ? npMean(v) : -1);
        }
  sameBits(out, expected, `${label} AP per setting`);
}

const segmSkip = mask ? false : 'the mask API (src/eval/mask) is not on this branch yet';

describe('COCOeval reproduces pycocotools exactly (fixtures/pycocotools)', () => {
  test('precision is interpolated at 101 recall points, monotone from the right, with the spacing(1) term', () =>
    checkCase('01_interp_monotone_101pt'));
  test('area ranges use the GT area field and detection box area, closed at both ends', () =>
    checkCase('03_area_ranges'));
  test('score ties keep file order within an image and image-id order across images', () =>
    checkCase('05_score_ties_stable_order'));
  test('images with only GT, only detections, nothing, or only a crowd region', () =>
    checkCase('07_images_without_dets_or_gt'));
  test('custom IoU thresholds match at IoU == threshold, cap 1.0 at 1-1e-10, and give -1 for a missing .75', () =>
    checkCase('11_custom_iou_thresholds'));
  test('recall thresholds are linspace values: recall 0.35 does not reach recThrs[35]', () =>
    checkCase('13_recall_threshold_float'));
  test('boxes outside the image are not clipped in IoU', () => checkCase('15_boxes_outside_image'));
  test('a match to GT id 0 counts as a false positive; a negative GT id is a true positive', () =>
    checkCase('17_gt_id_zero_and_negative'));
  test('an IoU tie between two GTs goes to the later GT', () => checkCase('19_iou_tie_between_gts'));
  test('segm: crowd RLE IoU divides by the detection area; a size mismatch gives IoU -1', { skip: segmSkip }, () =>
    checkCase('21_segm_crowd_uncompressed_rle'),
  );
});

describe('COCOeval edge cases beyond the shared set (fixtures/pycocotools-extra, pycocotools 2.0.11)', () => {
  test('maxDets caps detections per image and category; ignored detections take slots; maxDets is sorted', () =>
    checkCase('x02_maxdets_per_image_and_category', EXTRA));
  test('useCats=0 matches across classes and orders ties by category id', () => checkCase('x04_use_cats_0', EXTRA));
  test('a negative area is outside every area range, for GT and detections', () =>
    checkCase('x06_negative_area', EXTRA));
  test('duplicate GT ids all stand for the last annotation with that id', () =>
    checkCase('x08_duplicate_gt_ids', EXTRA));
  test('stats[0] needs maxDets 100; the other AP stats use maxDets[2]; custom area labels', () =>
    checkCase('x10_stats_without_maxdets_100', EXTRA));
});

describe('inputs pycocotools rejects are errors naming the problem', () => {
  test('an empty results list', async () => {
    const dir = '09_error_empty_results';
    await checkCase(dir);
    const { loadCocoResults, parseCocoGroundTruth } = await import('./load.js');
    const gt = parseCocoGroundTruth(read(dir, 'gt.json'), 'gt.json');
    await assert.rejects(
      loadCocoResults(read(dir, 'dt.json'), gt, { file: 'dt.json' }),
      /dt\.json: results list is empty/,
    );
  });
  test('a GT polygon of exactly 4 numbers (segm)', { skip: segmSkip }, async () => {
    const dir = '23_error_segm_polygon_with_4_numbers';
    await checkCase(dir);
    const config = (JSON.parse(read(dir, 'case.json')) as { configs: CaseConfig[] }).configs[0];
    await assert.rejects(
      runCase(read(dir, 'gt.json'), read(dir, 'dt.json'), config, mask),
      /annotations\[\d+\].*4 numbers/,
    );
  });
});
