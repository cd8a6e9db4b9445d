import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Detections } from '../core/detections.js';
import { createDetector } from '../create-detector.js';
import { decodeImage } from '../io/decode-image.js';
import { loadSession } from '../runtime/load.js';
import type { InferenceSession, ModelSignature, Tensor } from '../runtime/tensor.js';
import { tfjsWasm } from '../runtime/tfjs.js';
import { CandidateList } from './candidates.js';
import type { ImageMapping } from './family.js';
import { nanodet } from './nanodet.js';
import { humanModel, photo } from './testing/photos.js';

/**
 * NanoDet's decoding as its `get_bboxes` writes it: every cell's distribution through the softmax,
 * then every class score against the threshold — the reference the fast path must equal.
 */
function decodeEveryCell(
  outputs: Record<string, Tensor>,
  mapping: ImageMapping,
  signature: ModelSignature,
  threshold: number,
): Detections {
  const candidates = new CandidateList();
  for (const stride of [8, 16, 32]) {
    const columns = Math.ceil(mapping.inputWidth / stride);
    const cells = columns * Math.ceil(mapping.inputHeight / stride);
    const pair = signature.outputs.filter((o) => o.dims[1] === cells);
    const scoresInfo = pair.find((o) => o.dims[2] === 80)!;
    const distInfo = pair.find((o) => o !== scoresInfo)!;
    const scores = outputs[scoresInfo.name]!.data as Float32Array;
    const dist = outputs[distInfo.name]!.data as Float32Array;
    const bins = distInfo.dims[2]! / 4;
    for (let cell = 0; cell < cells; cell++) {
      const d = [0, 1, 2, 3].map((side) => {
        const logits = Array.from(dist.subarray((cell * 4 + side) * bins, (cell * 4 + side + 1) * bins));
        const max = Math.max(...logits);
        const e = logits.map((l) => Math.exp(l - max));
        return e.reduce((sum, v, b) => sum + v * b, 0) / e.reduce((sum, v) => sum + v, 0);
      });
      const cx = ((cell % columns) + 0.5) * stride;
      const cy = (Math.floor(cell / columns) + 0.5) * stride;
      for (let c = 0; c < 80; c++) {
        const score = scores[cell * 80 + c]!;
        if (score >= threshold) {
          candidates.push(cx - d[0]! * stride, cy - d[1]! * stride, cx + d[2]! * stride, cy + d[3]! * stride, score, c);
        }
      }
    }
  }
  return candidates.finish(mapping, { scoreThreshold: threshold }, undefined);
}

const columns = (d: Detections) => ({
  boxes: Array.from(d.boxes),
  scores: Array.from(d.scores),
  classIds: Array.from(d.classIds),
});

describe('NanoDet decoding: best class first, distributions only for the cells that keep a box', () => {
  let session: InferenceSession;
  before(async () => {
    session = await loadSession(humanModel('nanodet.json'));
  });
  after(() => session.dispose());

  for (const name of ['astronaut.png', 'coffee.png', 'rocket.jpg']) {
    test(`${name}: the same detections as decoding every cell, number by number`, async () => {
      const { signature } = session;
      const prepared = nanodet.preprocess(await decodeImage(photo(name)), signature, {});
      const outputs = await session.run(prepared.feeds);
      for (const threshold of [0.05, 0.25]) {
        const fast = nanodet.postprocess(outputs, prepared.mapping, signature, { scoreThreshold: threshold }, 0);
        const reference = decodeEveryCell(outputs, prepared.mapping, signature, threshold);
        assert.ok(threshold > 0.1 || fast.length > 0, 'the low threshold keeps detections');
        assert.deepEqual(columns(fast), columns(reference), `threshold ${threshold}`);
      }
    });
  }

  test('concurrent calls on one detector (input buffers reused between calls) match calls one at a time', async () => {
    const detector = createDetector(session, 'nanodet.json', { scoreThreshold: 0.1 }, (source, plan) =>
      decodeImage(source, undefined, plan),
    );
    const names = ['astronaut.png', 'coffee.png', 'rocket.jpg', 'chelsea.png'].map(photo);
    const together = await Promise.all(names.map((name) => detector.detect(name)));
    for (const [i, name] of names.entries())
      assert.deepEqual(columns(together[i]!), columns(await detector.detect(name)));
    assert.ok(together.some((d) => d.length > 0));
  });

  test('a detector holds no more TF.js tensors after repeated calls (bytes and pixels alike)', async () => {
    const tf = await tfjsWasm();
    const detector = createDetector(session, 'nanodet.json', {}, (source, plan) =>
      decodeImage(source, undefined, plan),
    );
    const pixels = await decodeImage(photo('chelsea.png'));
    await detector.detect(pixels);
    const held = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      await detector.detect(photo('chelsea.png'));
      await detector.detectBatch([pixels, photo('coffee.png')]);
    }
    assert.equal(tf.memory().numTensors, held);
  });
});
