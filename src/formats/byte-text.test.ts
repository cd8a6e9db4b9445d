import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteText } from './byte-text.js';

const decoder = new TextDecoder();
function printed(write: (t: ByteText) => void): string {
  const t = new ByteText(16);
  write(t);
  return decoder.decode(t.view());
}

let seed = 99;
function rand(): number {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}

test('number prints what JS prints (shortest round trip), null for NaN and infinities', () => {
  for (const v of [0, 1, 42, 0.1 + 0.2, 131.77036800000008, 1e21, 1e-7, -2.5, -0, 2 ** 53 + 2]) {
    assert.equal(
      printed((t) => t.number(v)),
      `${v}`,
    );
  }
  assert.equal(
    printed((t) => t.number(Number.NaN)),
    'null',
  );
  assert.equal(
    printed((t) => t.number(Number.POSITIVE_INFINITY)),
    'null',
  );
});

test('decimal from digits equals JS printing for sums, halves, differences and pixel products of 6-decimal values', () => {
  for (let i = 0; i < 200_000; i++) {
    const a = Math.floor(rand() * 1e6);
    const b = Math.floor(rand() * 1e6);
    const x1 = a / 1e6;
    const x2 = b / 1e6;
    const W = [1024, 768, 333, 1][i % 4];
    const cases: [number, number, number][] = [
      [(x1 + x2) / 2, (a + b) * 5, 7],
      [x2 - x1, b - a, 6],
      [x1 * W, a * W, 6],
      [x2 * W - x1 * W, (b - a) * W, 6],
      [(x2 * W - x1 * W) * (x2 * W), (b - a) * W * b * W, 12],
    ];
    for (const [value, n, scale] of cases) {
      assert.equal(
        printed((t) => t.decimal(value, n, scale)),
        `${value}`,
        `${n}/10^${scale}`,
      );
    }
  }
});

test('decimal falls back to JS printing where the digits are not the value (or it needs an exponent)', () => {
  assert.equal(
    printed((t) => t.decimal(0.1 + 0.2, 3, 1)),
    '0.30000000000000004',
  );
  assert.equal(
    printed((t) => t.decimal(5e-7, 5, 7)),
    '5e-7',
  );
  assert.equal(
    printed((t) => t.decimal(0.5, Number.NaN, 0)),
    '0.5',
  );
});

test('text is UTF-8 and the buffer grows as needed', () => {
  assert.equal(
    printed((t) => {
      t.text('Ünïcode ✓');
      t.ascii('x'.repeat(1000));
    }),
    `Ünïcode ✓${'x'.repeat(1000)}`,
  );
});
