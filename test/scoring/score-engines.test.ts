import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, Rng } from '../../src/util/rng';
import { Matrix, zeros } from '../../src/linalg/matrix';
import { makeMemoryBank, scorePatches, MemoryBank } from '../../src/scoring/memory-bank';
import { lofPerPosition } from '../../src/sampling/lof';

function clustered(rng: Rng, rows: number, cols: number): Matrix {
  const centres = new Float32Array(8 * cols);
  for (let i = 0; i < centres.length; i++) centres[i] = 3 * rng.normal();
  const m = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    const c = rng.int(8);
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = centres[c * cols + j] + 0.3 * rng.normal();
  }
  return m;
}

const relClose = (a: number, b: number, tol: number) =>
  Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-30);

test('scoring on the GEMM engine (chunked, small memory budget, sharded bank) = the reference scores within 1e-5 relative', async () => {
  const rng = createRng('score-engines');
  const head = clustered(rng, 700, 48),
    tail = clustered(rng, 130, 48);
  const q = clustered(rng, 900, 48);
  const weights = new Float32Array(830);
  for (let i = 0; i < weights.length; i++) weights[i] = 0.5 + rng.next();
  const bank = makeMemoryBank(tail, head, weights);
  const ref = await scorePatches(bank, q, { engine: { engine: 'js' }, progress: false });
  const sharded: MemoryBank = {
    features: { data: new Float32Array(0), rows: 0, cols: 48 },
    weights,
    tailRows: 130,
    shards: [tail, head],
  };
  for (const [name, b, o] of [
    ['whole bank, defaults', bank, {}],
    ['chunks of 97 queries, 1 MiB blocks', bank, { chunkRows: 97, memoryBudgetMB: 1 }],
    ['bank as [tail, head] shards', sharded, { chunkRows: 256 }],
  ] as const) {
    const got = await scorePatches(b, q, { ...o, engine: { engine: 'ort', threads: 1 }, progress: false });
    let sameIndex = 0;
    for (let i = 0; i < q.rows; i++) {
      if (got.nearest[i] === ref.nearest[i]) sameIndex++;
      assert.ok(
        relClose(got.distances[i], ref.distances[i], 1e-5),
        `${name}: distance ${i}: ${got.distances[i]} vs ${ref.distances[i]}`,
      );
      assert.ok(relClose(got.scores[i], ref.scores[i], 1e-5), `${name}: score ${i}`);
    }
    assert.equal(sameIndex, q.rows, `${name}: nearest rows`);
  }
  await assert.rejects(scorePatches(bank, q, { memoryBudgetMB: 0 }), /memoryBudgetMB/);
  await assert.rejects(scorePatches(bank, q, { chunk: 5 } as never), /unknown option "chunk"/);
});

test('per-position LOF on the GEMM engine (float32 projection + blocked k-NN) = the reference within 1e-5 relative', async () => {
  const rng = createRng('lof-engines');
  const images = 40,
    ppi = 6;
  const p = clustered(rng, images * ppi, 96);
  const ref = await lofPerPosition(p, images, ppi, createRng(7), {
    k: 5,
    projDim: 16,
    progress: false,
    engine: { engine: 'js' },
  });
  const got = await lofPerPosition(p, images, ppi, createRng(7), {
    k: 5,
    projDim: 16,
    progress: false,
    engine: { engine: 'ort', threads: 1 },
  });
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / Math.abs(ref[i]));
  assert.ok(worst <= 1e-5, `largest relative difference ${worst}`);
});
