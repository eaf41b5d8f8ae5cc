/**
 * Scratch A/B of the per-position LOF on real features, the kit and sklearn interleaved in one process (minimum of
 * each side over the rounds, 1-minute load before and after every round, the kit's CPU seconds):
 *   npx tsx bench/lof-ab.ts [rounds=5] [--e2e] [--no-python] ['--variant={"name":{engine options}}' ...]
 * Default: the headline row (synth-lookalike@112px 192-d, 240 images x 196 positions, LOF in 192-d). --e2e: the
 * 1024-d end-to-end bank (120 head images x 196 positions, LOF on its 128-d projection; sklearn gets the projection).
 * Each variant runs lofPerPosition with those engine options (e.g. {"w1":{"threads":1},"t2":{"threads":2}},
 * {"ortTopk":{"topk":"ort"}}); every variant's scores are compared bit for bit with the first variant's ("kit").
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { lofPerPosition } from '../src/sampling';
import { Matrix, randomProjectionAsync } from '../src/linalg';
import { createRng } from '../src/util';
import { CORESET_SPECS, e2eSpec, headBank, loadRealBanks } from './real-features';
import { cleanup, makeContext, readF32, runPython, writeF32 } from './common';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
  const e2e = args.includes('--e2e');
  const variants: Record<string, object> = { kit: {} };
  for (const a of args.filter((x) => x.startsWith('--variant='))) Object.assign(variants, JSON.parse(a.slice(10)));
  const ctx = makeContext(false, !args.includes('--no-python'));
  const b = await loadRealBanks(e2e ? e2eSpec(1024) : CORESET_SPECS[1], ctx.log);
  const P = b.gridSide * b.gridSide,
    n = b.headImages,
    patches = headBank(b),
    projDim = e2e ? 128 : b.spec.dim;
  // sklearn sees what the kit's LOF sees (lofPerPosition skips the projection when projDim equals the width).
  const pyIn: Matrix = e2e ? await randomProjectionAsync(patches, projDim, createRng('lof'), {}) : patches;
  const file = writeF32(ctx, 'lof-in.f32', pyIn);
  const out = join(ctx.dir, 'lof-out.f32');
  const best: Record<string, { s: number; cpu: number }> = {};
  let worst = 0;
  let first: Float32Array | null = null;
  const differs: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    const l0 = loadavg()[0];
    const line: string[] = [];
    for (const [name, engine] of Object.entries(variants)) {
      const c0 = process.cpuUsage();
      const t = performance.now();
      const v = await lofPerPosition(patches, n, P, createRng('lof'), { k: 6, projDim, progress: false, engine });
      const s = (performance.now() - t) / 1000;
      const c = process.cpuUsage(c0);
      if (s < (best[name]?.s ?? Infinity)) best[name] = { s, cpu: (c.user + c.system) / 1e6 };
      line.push(`${name} ${s.toFixed(3)}`);
      first ??= v;
      const u32 = new Uint32Array(v.buffer, v.byteOffset, v.length),
        f32 = new Uint32Array(first.buffer, first.byteOffset, first.length);
      for (let i = 0; i < v.length; i++) if (u32[i] !== f32[i]) differs[name] = (differs[name] ?? 0) + 1;
      if (r === 0 && name === 'kit' && !e2e && !ctx.pythonMissing) {
        runPython(ctx, 'lof.py', { patches: file, images: n, positions: P, d: projDim, k: 6, out });
        const ref = readF32(out);
        for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(v[i] - ref[i]) / Math.abs(ref[i]));
      }
    }
    const p = runPython(ctx, 'lof.py', { patches: file, images: n, positions: P, d: projDim, k: 6, out });
    if (p) {
      best.sklearn = { s: Math.min(best.sklearn?.s ?? Infinity, p.seconds), cpu: NaN };
      line.push(`sklearn ${p.seconds.toFixed(3)}`);
    }
    console.log(`round ${r}: ${line.join(', ')}; load ${l0.toFixed(2)} / ${loadavg()[0].toFixed(2)}`);
  }
  for (const [name, v] of Object.entries(best))
    console.log(
      `${name}: min ${v.s.toFixed(3)} s, CPU ${v.cpu.toFixed(3)} s` +
        (best.sklearn && name !== 'sklearn' ? `, sklearn / kit ${(best.sklearn.s / v.s).toFixed(2)}` : ''),
    );
  if (!e2e && !ctx.pythonMissing) console.log(`largest relative difference to sklearn ${worst.toExponential(1)}`);
  for (const name of Object.keys(variants))
    console.log(`${name}: ${differs[name] ?? 0} scores differ in bits from the first variant's (all rounds)`);
  cleanup(ctx);
}
void main();
