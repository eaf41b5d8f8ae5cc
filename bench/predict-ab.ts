/**
 * Scratch A/B for issue #18's predict path in one process: this checkout's TailedCore against another checkout's
 * (e.g. the base commit's src/, extracted with `git archive <commit> src | tar -x -C /tmp/base`), both fitted on the e2e
 * inputs, predict interleaved for several rounds; min of each side, load beside each round, outputs compared bit for bit.
 * Usage: npx tsx bench/predict-ab.ts <other src dir> [dim] [rounds]
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fittedE2e } from './predict-scoring';

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

async function main(): Promise<void> {
  const other = resolve(process.argv[2]);
  const dim = Number(process.argv[3] ?? 256);
  const rounds = Number(process.argv[4] ?? 5);
  const { TailedCore: Other } = (await import(join(other, 'models'))) as typeof import('../src/models');
  const mine = await fittedE2e(dim);
  const base = await fittedE2e(dim, Other);
  const best = { new: Infinity, base: Infinity };
  for (let r = 0; r < rounds; r++) {
    const l0 = loadavg()[0];
    let t = performance.now();
    const a = await mine.model.predict(mine.test);
    const tn = performance.now() - t;
    t = performance.now();
    const b = await base.model.predict(base.test);
    const tb = performance.now() - t;
    const same =
      sameBits(a.maps, b.maps) && sameBits(a.imageScores, b.imageScores) && sameBits(a.patchScores!, b.patchScores!);
    if (!same) throw new Error('predictions differ');
    best.new = Math.min(best.new, tn);
    best.base = Math.min(best.base, tb);
    console.log(
      `round ${r}: new ${tn.toFixed(1)} ms, base ${tb.toFixed(1)} ms, identical, load ${l0.toFixed(2)}-${loadavg()[0].toFixed(2)}`,
    );
  }
  console.log(`dim ${dim} min predict: new ${best.new.toFixed(1)} ms, base ${best.base.toFixed(1)} ms`);
}

void main();
