/** kNN scoring rows: Q patch queries against an M-row memory bank, 1-NN squared L2 (PatchCore-family scoring). */
import { nearestSquared, nearestSquaredRef, matmulTransposed, Matrix } from '../src/linalg';
import { createRng } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, THREADS, cpuNote, row, runPython, time, uniformMatrix, writeF32, readI32 } from './common';
import { join } from 'node:path';

export async function benchKnn(ctx: BenchContext): Promise<BenchRow[]> {
  const sizes: [number, number, number][] = ctx.quick
    ? [
        [3136, 20000, 128],
        [3136, 20000, 1024],
      ]
    : [
        [3136, 20000, 128],
        [3136, 100000, 128],
        [3136, 20000, 1024],
        [3136, 100000, 1024],
      ];
  const rows: BenchRow[] = [];
  const rng = createRng('bench-knn');
  await nearestSquared(uniformMatrix(rng, 8, 16), uniformMatrix(rng, 64, 16), { engine: 'ort' }); // session warm-up
  // Calibration: the raw GEMM rate right now (the machine is shared; kNN's GFLOP/s reads against this).
  const ca = uniformMatrix(rng, 4096, 1024),
    cb = uniformMatrix(rng, 4096, 1024);
  await matmulTransposed(ca, cb, { engine: 'ort', threads: THREADS });
  const cal = await time(() => matmulTransposed(ca, cb, { engine: 'ort', threads: THREADS }));
  rows.push(
    row(
      'calibration: raw GEMM A·Bᵀ',
      '4096x4096x1024',
      cal.seconds,
      2 * 4096 * 4096 * 1024,
      null,
      null,
      `onnxruntime Gemm, ${THREADS} threads, second call; the ceiling the kNN rows can approach on this machine right now; ${cpuNote(2 * 4096 * 4096 * 1024, cal.cpuSeconds)}`,
    ),
  );
  for (const [nq, nb, d] of sizes) {
    const q = uniformMatrix(rng, nq, d);
    const bank = uniformMatrix(rng, nb, d);
    const kit = await time(() => nearestSquared(q, bank, { engine: 'ort', threads: THREADS }));
    // The reference loop costs the same per query: time a prefix and scale it.
    const nq0 = ctx.quick ? 8 : 24;
    const sub: Matrix = { data: q.data.subarray(0, nq0 * d), rows: nq0, cols: d };
    const naive = await time(() => nearestSquaredRef(sub, bank));
    const naiveSeconds = (naive.seconds * nq) / nq0;
    let agree = '';
    let py: number | null = null;
    if (!ctx.pythonMissing) {
      const out = join(ctx.dir, 'knn-idx.i32');
      const r = runPython(ctx, 'knn.py', {
        queries: writeF32(ctx, 'q.f32', q),
        bank: writeF32(ctx, 'bank.f32', bank),
        nq,
        nb,
        d,
        out,
      });
      if (r) {
        py = r.seconds;
        const pi = readI32(out);
        let same = 0;
        for (let i = 0; i < nq; i++) if (pi[i] === kit.value.index[i]) same++;
        agree = `; same 1-NN index as torch for ${((100 * same) / nq).toFixed(1)}% of queries`;
      }
    }
    rows.push(
      row(
        'knn-scoring (1-NN, squared L2)',
        `${nq}x${nb}x${d}`,
        kit.seconds,
        2 * nq * nb * d,
        naiveSeconds,
        py,
        `kit: onnxruntime Gemm+TopK blocks, ${THREADS} threads, ${cpuNote(2 * nq * nb * d, kit.cpuSeconds)}; naive: reference JS loop on ${nq0} queries, scaled; ` +
          `python: torch.cdist in chunks of 1024 + min, ${THREADS} threads${agree}`,
      ),
    );
    ctx.log(`  knn ${nq}x${nb}x${d}: kit ${kit.seconds.toFixed(2)} s`);
  }
  return rows;
}
