/** TailSampler rows ('ada_trim_min-mode'): N image embeddings x 2048 with a planted step K=1 long tail. */
import { join } from 'node:path';
import { tailSampler } from '../src/sampling';
import { Matrix, setDefaultEngine, zeros } from '../src/linalg';
import { createRng, Rng } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, THREADS, readI32, row, runPython, time, writeF32 } from './common';

/** Non-negative (avgpool-like) embeddings: one direction per class plus noise; returns the class of each row too. */
export function plantedEmbeddings(
  rng: Rng,
  classSizes: number[],
  d: number,
  noise = 0.35,
): { e: Matrix; cls: Int32Array } {
  const n = classSizes.reduce((a, b) => a + b, 0);
  const e = zeros(n, d);
  const cls = new Int32Array(n);
  let r = 0;
  classSizes.forEach((size, c) => {
    const centre = new Float32Array(d);
    for (let j = 0; j < d; j++) centre[j] = rng.next() < 0.2 ? 2 * rng.next() : 0.1 * rng.next();
    for (let t = 0; t < size; t++, r++) {
      cls[r] = c;
      for (let j = 0; j < d; j++) e.data[r * d + j] = Math.max(0, centre[j] + noise * rng.normal() * 0.5);
    }
  });
  return { e, cls };
}

export async function benchTailSampler(ctx: BenchContext): Promise<BenchRow[]> {
  // docs/method.md §2.4 step K=1-like counts (quick: a third of them) + nine singleton classes
  const head = ctx.quick ? [143, 117, 103, 90, 88, 84] : [430, 352, 308, 269, 264, 253];
  const sizes = [...head, ...new Array(9).fill(1)];
  const d = 2048;
  const { e } = plantedEmbeddings(createRng('bench-tail'), sizes, d);
  const n = e.rows;
  const kit = await time(() => tailSampler(e));
  setDefaultEngine('js');
  let naive;
  try {
    naive = await time(() => tailSampler(e));
  } finally {
    setDefaultEngine(undefined);
  }
  let py: number | null = null;
  let agree = '';
  if (!ctx.pythonMissing) {
    const out = join(ctx.dir, 'tail.i32');
    const r = runPython(ctx, 'tailsampler.py', { embeddings: writeF32(ctx, 'emb.f32', e), n, d, out });
    if (r) {
      py = r.seconds;
      const pt = Array.from(readI32(out)).join(',');
      agree = `; tail set ${pt === Array.from(kit.value.tailIndices).join(',') ? 'identical to' : 'DIFFERENT from'} the Python one`;
    }
  }
  ctx.log(`  tailsampler ${n}x${d}: kit ${kit.seconds.toFixed(2)} s, ${kit.value.tailIndices.length} tail images`);
  return [
    row(
      'TailSampler (ada_trim_min-mode)',
      `${n}x${d}`,
      kit.seconds,
      null,
      naive.seconds,
      py,
      `kit: similarity on onnxruntime (${THREADS} threads) + per-row thresholds/votes in JS, found ${kit.value.tailIndices.length} tail images; ` +
        `naive: same on the reference JS kernels; python: torch cosine + the official per-row loop and scipy mode (single process)${agree}`,
    ),
  ];
}
