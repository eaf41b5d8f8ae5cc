/**
 * The kit's side of the headline's end-to-end row, in a process of its own (bench/headline.ts spawns it, as it spawns
 * bench/python/e2e.py): loads only that row's inputs (the cached real-feature banks), runs TailedCore fit + predict
 * `warmup` times untimed (the JIT's first runs; the Python side warms up the same way), then once timed, and prints
 * one JSON line: seconds, cpu_seconds (all threads of this process), tail, bank, warmup_seconds (each untimed run's
 * wall time: the cold first run among them). The image scores of the timed run go to `out` (float32) for the agreement
 * check.
 *
 * Usage: tsx bench/e2e-child.ts '{"dim":256,"warmup":1,"out":"/tmp/x.f32"}'
 */
import { writeFileSync } from 'node:fs';
import { TailedCore } from '../src/models';
import { e2eFeatures, e2eSpec, loadRealBanks } from './real-features';

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as { dim?: number; warmup?: number; out?: string };
  const dim = a.dim ?? 256;
  const b = await loadRealBanks(e2eSpec(dim), () => {});
  const { train, test } = e2eFeatures(b);
  const once = async () => {
    const model = new TailedCore({ augmentation: b.spec.augmentation, seed: 0 });
    await model.fit(train);
    const r = await model.predict(test);
    return { model, r };
  };
  const warm: number[] = [];
  for (let i = 0; i < (a.warmup ?? 0); i++) {
    const w0 = performance.now();
    await once();
    warm.push((performance.now() - w0) / 1000);
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { model, r } = await once();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  if (a.out)
    writeFileSync(a.out, Buffer.from(r.imageScores.buffer, r.imageScores.byteOffset, r.imageScores.byteLength));
  process.stdout.write(
    JSON.stringify({
      seconds,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      tail: model.info.tailImageIndices.length,
      bank: model.info.bankRows,
      warmup_seconds: warm,
    }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
