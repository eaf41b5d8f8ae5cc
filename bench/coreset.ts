/**
 * Greedy k-center coreset rows: the kit's exact pruned loop on both cores (worker_threads over a SharedArrayBuffer)
 * against the brute-force loop and the torch loop; the one-thread pruned loop's time is in the note.
 */
import { join } from 'node:path';
import { greedyCoreset, greedyCoresetParallel } from '../src/sampling';
import { kCenterBruteForce } from '../src/sampling';
import { createRng } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, THREADS, clusteredMatrix, readI32, row, runPython, time, writeF32 } from './common';

export async function benchCoreset(ctx: BenchContext): Promise<BenchRow[]> {
  // [rows, ratio, picks timed for the brute force / torch (null = all)]: their per-pick cost is constant (one full
  // pass over the bank), so a prefix scaled to all picks is an exact estimate; the kit always runs in full.
  const sizes: [number, number, number | null][] = ctx.quick
    ? [
        [10000, 0.1, null],
        [50000, 0.01, null],
      ]
    : [
        [20000, 0.1, null],
        [50000, 0.1, 500],
        [200000, 0.01, 100],
      ];
  const rows: BenchRow[] = [];
  const d = 128;
  for (const [n, ratio, prefix] of sizes) {
    const f = clusteredMatrix(createRng(`bench-coreset-${n}`), n, d);
    const m = Math.floor(n * ratio);
    const seed = `coreset-${n}-${ratio}`;
    const one = await time(() => greedyCoreset(f, createRng(seed), { ratio, projDim: d }));
    const kit = await time(() => greedyCoresetParallel(f, createRng(seed), { ratio, projDim: d, parts: THREADS }));
    const sameAsOne = one.value.every((v, i) => v === kit.value[i]);
    const start = createRng(seed).int(n); // D = projDim: no projection draws, the start is the first draw
    const steps = prefix ?? m;
    const brute = await time(() => kCenterBruteForce(f, steps, start));
    let same = true;
    for (let i = 0; i < steps; i++)
      if (brute.value[i] !== kit.value[i]) {
        same = false;
        break;
      }
    let py: number | null = null;
    let pyNote = '';
    if (!ctx.pythonMissing) {
      const out = join(ctx.dir, 'coreset-idx.i32');
      const r = runPython(ctx, 'coreset.py', { features: writeF32(ctx, 'coreset.f32', f), n, d, start, steps, out });
      if (r) {
        py = (r.seconds * m) / steps;
        const pi = readI32(out);
        let agree = 0;
        for (let i = 0; i < steps; i++) if (pi[i] === kit.value[i]) agree++;
        pyNote = `; torch picks equal to the kit's for ${agree}/${steps} (float32 norms)`;
      }
    }
    const scaled = prefix ? ` (first ${steps} picks timed, scaled to ${m})` : '';
    rows.push(
      row(
        `greedy coreset ratio ${ratio}`,
        `${n}x${d} -> ${m}`,
        kit.seconds,
        null,
        (brute.seconds * m) / steps,
        py,
        `kit: exact triangle-inequality pruning on ${THREADS} threads (worker_threads, shared bank; ${kit.cpuSeconds.toFixed(1)} CPU-s), ` +
          `the same on 1 thread ${one.seconds.toFixed(2)} s (${(one.seconds / kit.seconds).toFixed(2)}x), picks identical to it: ${sameAsOne ? 'yes' : 'NO'}; picks identical to brute force: ${same ? 'yes' : 'NO'}` +
          `${prefix ? ` (first ${steps})` : ''}; naive: brute-force JS loop${scaled}; python: official torch loop, ${THREADS} threads${scaled}${pyNote}; clustered synthetic features`,
      ),
    );
    ctx.log(
      `  coreset ${n} r=${ratio}: kit ${kit.seconds.toFixed(2)} s (1 thread ${one.seconds.toFixed(2)} s), brute ${((brute.seconds * m) / steps).toFixed(2)} s, identical=${same}`,
    );
  }
  return rows;
}
