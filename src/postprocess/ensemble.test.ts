import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EnsembleResult, type ModelBoxes, nonMaximumWeighted, weightedBoxesFusion } from './ensemble.js';

// Expected values are derived by hand from ensemble_boxes' semantics; each is written as the
// arithmetic that produces it.

const near = (actual: ArrayLike<number>, expected: number[], what: string) => {
  assert.equal(actual.length, expected.length, `${what}: ${Array.from(actual)} vs ${expected}`);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Math.abs(actual[k] - expected[k]) < 1e-12, `${what}[${k}]: ${actual[k]} vs ${expected[k]}`);
  }
};

const model = (boxes: number[][], scores: number[], labels = scores.map(() => 0)): ModelBoxes => ({
  boxes: boxes.flat(),
  scores,
  labels,
});

const expectResult = (r: EnsembleResult, boxes: number[][], scores: number[], labels: number[]) => {
  near(r.boxes, boxes.flat(), 'boxes');
  near(r.scores, scores, 'scores');
  assert.deepEqual([...r.labels], labels);
};

// Two models, one box each, IoU 0.12/0.2 = 0.6 > 0.55.
const pairA = model([[0.1, 0.1, 0.5, 0.5]], [0.9]);
const pairB = model([[0.2, 0.1, 0.6, 0.5]], [0.6]);

test('WBF averages corners weighted by score; avg confidence is Σscore/n × min(models, n)/Σweights', () => {
  const r = weightedBoxesFusion([pairA, pairB]);
  const x1 = (0.9 * 0.1 + 0.6 * 0.2) / 1.5;
  const x2 = (0.9 * 0.5 + 0.6 * 0.6) / 1.5;
  expectResult(r, [[x1, 0.1, x2, 0.5]], [(1.5 / 2) * (2 / 2)], [0]);
});

test('WBF model weights multiply scores, coordinates weights and the confidence normaliser', () => {
  const r = weightedBoxesFusion([pairA, pairB], { weights: [2, 1] });
  const x1 = (1.8 * 0.1 + 0.6 * 0.2) / 2.4;
  const x2 = (1.8 * 0.5 + 0.6 * 0.6) / 2.4;
  expectResult(r, [[x1, 0.1, x2, 0.5]], [((1.8 + 0.6) / 2) * (2 / 3)], [0]);
});

// Three models, weights [2, 1, 1] (Σ 4). Model 1 puts two boxes in the first cluster, model 2 none;
// model 2's only box is alone. Visiting order: A 1.6, B 0.9, C 0.5, B2 0.3.
const trio: ModelBoxes[] = [
  model([[0.1, 0.1, 0.5, 0.5]], [0.8]),
  model(
    [
      [0.12, 0.1, 0.5, 0.5],
      [0.1, 0.12, 0.5, 0.5],
    ],
    [0.9, 0.3],
  ),
  model([[0.7, 0.7, 0.9, 0.9]], [0.5]),
];
const trioCluster = [(1.6 * 0.1 + 0.9 * 0.12 + 0.3 * 0.1) / 2.8, (1.6 * 0.1 + 0.9 * 0.1 + 0.3 * 0.12) / 2.8, 0.5, 0.5];
const lone = [0.7, 0.7, 0.9, 0.9];

test('WBF conf_type avg: 3 members of 3 models at most, lone box divided by Σweights', () => {
  const r = weightedBoxesFusion(trio, { weights: [2, 1, 1] });
  expectResult(r, [trioCluster, lone], [(2.8 / 3) * (3 / 4), (0.5 / 1) * (1 / 4)], [0, 0]);
});

test('WBF conf_type max: best score×weight over the largest weight', () => {
  const r = weightedBoxesFusion(trio, { weights: [2, 1, 1], confType: 'max' });
  expectResult(r, [trioCluster, lone], [1.6 / 2, 0.5 / 2], [0, 0]);
});

test('WBF conf_type box_and_model_avg: Σ(score×w)/Σ(member w) × Σ(present model w)/Σw', () => {
  const r = weightedBoxesFusion(trio, { weights: [2, 1, 1], confType: 'box_and_model_avg' });
  expectResult(r, [trioCluster, lone], [(2.8 / 4) * (3 / 4), (0.5 / 1) * (1 / 4)], [0, 0]);
});

test('WBF conf_type absent_model_aware_avg: Σ(score×w) / (Σ member w + Σ absent model w)', () => {
  const r = weightedBoxesFusion(trio, { weights: [2, 1, 1], confType: 'absent_model_aware_avg' });
  expectResult(r, [trioCluster, lone], [2.8 / (4 + 1), 0.5 / (1 + 3)], [0, 0]);
});

test('WBF allows_overflow: avg scaled by n/Σweights instead of min(models, n)/Σweights', () => {
  const overfull = [
    model(
      [
        [0.1, 0.1, 0.5, 0.5],
        [0.1, 0.1, 0.5, 0.52],
      ],
      [0.9, 0.8],
    ),
    model([[0.1, 0.1, 0.52, 0.5]], [0.7]),
  ];
  near(weightedBoxesFusion(overfull).scores, [(2.4 / 3) * (2 / 2)], 'capped');
  near(weightedBoxesFusion(overfull, { allowsOverflow: true }).scores, [(2.4 / 3) * (3 / 2)], 'overflow');
});

test('WBF fuses boxes of a single model too', () => {
  const single = model(
    [
      [0.1, 0.1, 0.5, 0.5],
      [0.2, 0.1, 0.6, 0.5],
    ],
    [0.9, 0.6],
  );
  const r = weightedBoxesFusion([single]);
  expectResult(r, [[(0.09 + 0.12) / 1.5, 0.1, (0.45 + 0.36) / 1.5, 0.5]], [(1.5 / 2) * (1 / 1)], [0]);
});

test('WBF matches against the fused box, not the cluster’s first box', () => {
  // C overlaps A by 0.15/0.65 < 0.3 but the fused A+B box by more than 0.3.
  const r = weightedBoxesFusion(
    [model([[0, 0, 0.4, 1]], [0.9]), model([[0.2, 0, 0.6, 1]], [0.8]), model([[0.25, 0, 0.65, 1]], [0.7])],
    { iouThr: 0.3 },
  );
  const x1 = (0.8 * 0.2 + 0.7 * 0.25) / 2.4;
  const x2 = (0.9 * 0.4 + 0.8 * 0.6 + 0.7 * 0.65) / 2.4;
  expectResult(r, [[x1, 0, x2, 1]], [(2.4 / 3) * (3 / 3)], [0]);
});

test('WBF joins the cluster with the highest IoU', () => {
  // D overlaps X (IoU 1/3) and Y (IoU 0.6): it joins Y.
  const r = weightedBoxesFusion(
    [
      model(
        [
          [0, 0, 0.4, 1],
          [0.3, 0, 0.7, 1],
          [0.2, 0, 0.6, 1],
        ],
        [0.9, 0.8, 0.7],
      ),
    ],
    { iouThr: 0.3 },
  );
  expectResult(
    r,
    [
      [0, 0, 0.4, 1],
      [(0.8 * 0.3 + 0.7 * 0.2) / 1.5, 0, (0.8 * 0.7 + 0.7 * 0.6) / 1.5, 1],
    ],
    [0.9, (1.5 / 2) * (1 / 1)],
    [0, 0],
  );
});

test('WBF needs IoU strictly above iou_thr to match', () => {
  // IoU exactly 0.5.
  const r = weightedBoxesFusion([model([[0, 0, 0.5, 0.5]], [0.9]), model([[0, 0, 0.5, 0.25]], [0.8])], { iouThr: 0.5 });
  expectResult(
    r,
    [
      [0, 0, 0.5, 0.5],
      [0, 0, 0.5, 0.25],
    ],
    [0.9 / 2, 0.8 / 2],
    [0, 0],
  );
});

test('WBF never fuses different labels; output sorted by score across labels', () => {
  const r = weightedBoxesFusion([model([[0.1, 0.1, 0.5, 0.5]], [0.6], [3]), model([[0.1, 0.1, 0.5, 0.5]], [0.8], [7])]);
  expectResult(
    r,
    [
      [0.1, 0.1, 0.5, 0.5],
      [0.1, 0.1, 0.5, 0.5],
    ],
    [0.8 / 2, 0.6 / 2],
    [7, 3],
  );
});

test('WBF skip_box_thr drops scores below it and keeps scores equal to it', () => {
  const r = weightedBoxesFusion(
    [model([[0.1, 0.1, 0.5, 0.5]], [0.5]), model([[0.1, 0.1, 0.5, 0.5]], [0.49]), model([[0.6, 0.6, 0.9, 0.9]], [0.7])],
    { skipBoxThr: 0.5 },
  );
  expectResult(
    r,
    [
      [0.6, 0.6, 0.9, 0.9],
      [0.1, 0.1, 0.5, 0.5],
    ],
    [0.7 / 3, 0.5 / 3],
    [0, 0],
  );
});

test('WBF repairs boxes as ensemble_boxes does: swap, clamp to 0..1, skip zero area', () => {
  const r = weightedBoxesFusion([
    model(
      [
        [0.5, 0.1, 0.1, 0.5],
        [-0.2, 0.6, 0.3, 1.4],
        [0.2, 0.2, 0.2, 0.9],
      ],
      [0.9, 0.8, 0.7],
    ),
  ]);
  expectResult(
    r,
    [
      [0.1, 0.1, 0.5, 0.5],
      [0, 0.6, 0.3, 1],
    ],
    [0.9, 0.8],
    [0, 0],
  );
  assert.deepEqual(r.adjusted, { swapped: 1, clamped: 2, zeroAreaSkipped: 1 });
});

test('WBF rejects a weight count that differs from the model count, and unknown conf types', () => {
  assert.throws(() => weightedBoxesFusion([pairA, pairB], { weights: [1] }), /1 weights given for 2 models/);
  assert.throws(() => weightedBoxesFusion([pairA], { confType: 'median' as never }), /unknown conf_type/);
  assert.equal(weightedBoxesFusion([]).length, 0);
});

test('NMW: cluster around the best box, corners weighted by score × IoU with it, score of the best', () => {
  // Default weights: scores become score/2. IoU(A, B) = 0.6.
  const r = nonMaximumWeighted([pairA, pairB]);
  const wa = 0.45 * 1;
  const wb = 0.3 * 0.6;
  near(r.boxes, [(wa * 0.1 + wb * 0.2) / (wa + wb), 0.1, (wa * 0.5 + wb * 0.6) / (wa + wb), 0.5], 'boxes');
  near(r.scores, [0.45], 'scores');
});

test('NMW weights scale the score by w/Σw and again by w (ensemble_boxes applies them twice)', () => {
  const r = nonMaximumWeighted([pairA, pairB], { weights: [2, 1] });
  const wa = ((0.9 * 2) / 3) * 2;
  const wb = ((0.6 * 1) / 3) * 1 * 0.6;
  near(r.boxes, [(wa * 0.1 + wb * 0.2) / (wa + wb), 0.1, (wa * 0.5 + wb * 0.6) / (wa + wb), 0.5], 'boxes');
  near(r.scores, [((0.9 * 2) / 3) * 2], 'scores');
});

test('NMW skip_box_thr applies to the score scaled by w/Σw', () => {
  // 0.9/2 = 0.45 stays, 0.6/2 = 0.3 goes.
  const r = nonMaximumWeighted([pairA, pairB], { skipBoxThr: 0.35 });
  expectResult(r, [[0.1, 0.1, 0.5, 0.5]], [0.45], [0]);
});

test('NMW matches against the best box only, not a fused one', () => {
  // C overlaps A by 0.15/0.65 < 0.3: it starts its own cluster even though it overlaps the A+B blend.
  const r = nonMaximumWeighted(
    [model([[0, 0, 0.4, 1]], [0.9]), model([[0.2, 0, 0.6, 1]], [0.8]), model([[0.25, 0, 0.65, 1]], [0.7])],
    { iouThr: 0.3 },
  );
  assert.equal(r.length, 2);
  near(r.scores, [0.9 / 3, 0.7 / 3], 'scores');
  near(r.boxes.subarray(4), [0.25, 0, 0.65, 1], 'lone box');
});
