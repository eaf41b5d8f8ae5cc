/** Per-position LOF rows (SoftPatch / TailedCore head branch): N images x P positions x 128-d, k = 6. */
import { join } from 'node:path';
import { lofPerPosition } from '../src/sampling';
import { setDefaultEngine, zeros } from '../src/linalg';
import { createRng } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, THREADS, clusteredMatrix, readF32, row, runPython, time, writeF32 } from './common';

export async function benchLof(ctx: BenchContext): Promise<BenchRow[]> {
  const [n, p, d, k] = ctx.quick ? [600, 49, 128, 6] : [1900, 196, 128, 6];
  const patches = clusteredMatrix(createRng('bench-lof'), n * p, d);
  const kit = await time(() => lofPerPosition(patches, n, p, createRng('lof'), { k, projDim: d }));
  // naive: the same function on the reference kernels, on the first p0 positions, scaled (cost is per position)
  const p0 = 2;
  const sub = zeros(n * p0, d);
  for (let i = 0; i < n; i++) sub.data.set(patches.data.subarray(i * p * d, (i * p + p0) * d), i * p0 * d);
  setDefaultEngine('js');
  let naive;
  try {
    naive = await time(() => lofPerPosition(sub, n, p0, createRng('lof'), { k, projDim: d }));
  } finally {
    setDefaultEngine(undefined);
  }
  let py: number | null = null;
  let agree = '';
  if (!ctx.pythonMissing) {
    const out = join(ctx.dir, 'lof.f32');
    const r = runPython(ctx, 'lof.py', {
      patches: writeF32(ctx, 'lof-in.f32', patches),
      images: n,
      positions: p,
      d,
      k,
      out,
    });
    if (r) {
      py = r.seconds;
      const ps = readF32(out);
      let worst = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < p; j++) {
          const a = kit.value[i * p + j],
            b = ps[i * p + j];
          worst = Math.max(worst, Math.abs(a - b) / Math.max(1e-12, Math.abs(b)));
        }
      agree = `; largest relative difference to sklearn's scores ${worst.toExponential(1)}`;
    }
  }
  ctx.log(`  lof ${n}x${p}x${d}: kit ${kit.seconds.toFixed(2)} s`);
  return [
    row(
      `LOF per position (k=${k})`,
      `${n} images x ${p} positions x ${d}`,
      kit.seconds,
      2 * n * n * d * p,
      (naive.seconds * p) / p0,
      py,
      `kit: lofPerPosition on the grouped onnxruntime k-NN (blocks of positions, exact re-rank), ${THREADS} threads; naive: same on the reference JS k-NN (${p0} positions, scaled); ` +
        `python: sklearn LocalOutlierFactor(n_neighbors=${k}, n_jobs=${THREADS}) per position${agree}`,
    ),
  ];
}
