import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { resolveOptions, checkRange } from '../../src/util/options';
import { fromRows, assertFinite, takeRows } from '../../src/linalg/matrix';
import { greedyCoreset } from '../../src/sampling/coreset';

test('same seed gives the same stream; forks are independent and reproducible', () => {
  const a = createRng(7),
    b = createRng(7);
  const xa = [a.next(), a.next(), a.int(10)];
  const xb = [b.next(), b.next(), b.int(10)];
  assert.deepEqual(xa, xb);
  assert.equal(createRng(7).fork('x').next(), createRng(7).fork('x').next());
  assert.notEqual(createRng(7).fork('x').next(), createRng(7).fork('y').next());
  assert.deepEqual(createRng(3).sample([1, 2, 3, 4, 5], 3).length, 3);
});

test('unknown option keys and out-of-range values are errors that name the option', () => {
  assert.throws(
    () => resolveOptions({ ratio: 0.1 }, { ratoi: 0.2 } as never, 'greedyCoreset'),
    /unknown option "ratoi"/,
  );
  assert.deepEqual(resolveOptions({ ratio: 0.1, k: 6 }, { k: 3 }, 'x'), { ratio: 0.1, k: 3 });
  assert.throws(() => checkRange('ratio', 0, 0, 1, { minOpen: true }), /ratio must be in \(0, 1\]/);
});

test('assertFinite names the row and column of a NaN', () => {
  const m = fromRows([
    [1, 2],
    [3, NaN],
  ]);
  assert.throws(
    () => assertFinite(m, 'patch features'),
    /patch features holds a non-finite value \(NaN\) at row 1, column 1/,
  );
  assert.throws(() => assertFinite(fromRows([]), 'embeddings'), /embeddings is empty/);
  assert.deepEqual(Array.from(takeRows(fromRows([[1], [2], [3]]), [2, 0]).data), [3, 1]);
});

test('assertFinite catches NaN and ±Infinity in every position of its four-wide scan and the tail, not huge values', () => {
  for (const bad of [NaN, Infinity, -Infinity])
    for (let at = 0; at < 7; at++) {
      const m = { data: new Float32Array(7).fill(3.4e38), rows: 1, cols: 7 };
      m.data[at] = bad;
      assert.throws(() => assertFinite(m, 'x'), new RegExp(`non-finite value \\(${bad}\\) at row 0, column ${at}`));
    }
  assertFinite({ data: Float32Array.of(3.4e38, -3.4e38, 1e-45, 0, -0), rows: 1, cols: 5 }, 'x');
});

test('greedy coreset on a tiny 2-D set picks the farthest points in order', () => {
  // projDim 2 equals D, so no projection: distances are the raw 2-D ones and the picks are hand-checkable.
  const pts = fromRows([
    [0, 0],
    [10, 0],
    [0, 1],
    [5, 5],
    [0, 10],
  ]);
  const rng = createRng(1);
  const start = createRng(1).int(5);
  const picks = greedyCoreset(pts, rng, { ratio: 0.6, projDim: 2 });
  assert.equal(picks.length, 3);
  assert.equal(picks[0], start);
  assert.equal(new Set(picks).size, 3);
  // from any start, the second pick is the point farthest from it
  const d2 = (i: number, j: number) =>
    (pts.data[2 * i] - pts.data[2 * j]) ** 2 + (pts.data[2 * i + 1] - pts.data[2 * j + 1]) ** 2;
  const far = [0, 1, 2, 3, 4].reduce((b, i) => (d2(i, start) > d2(b, start) ? i : b), 0);
  assert.equal(picks[1], far);
  assert.throws(() => greedyCoreset(pts, rng, { ratio: 1.5 }), /ratio must be in \(0, 1\]/);
});
