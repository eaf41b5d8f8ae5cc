/**
 * Scratch bench for issue #18's scoring step: fits TailedCore once on the e2e inputs, then runs scorePatches under
 * several engine settings, interleaved, min of each (and an optional CPU profile of the default one).
 * Usage: npx tsx bench/predict-scoring.ts [dim] [rounds] [profile.cpuprofile]
 */
import { loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { TailedCore, TrainFeatures } from '../src/models';
import { FeatureSet, AugmentationType } from '../src/features';
import { scorePatches, MemoryBank } from '../src/scoring';

/** A TailedCore-like class (this checkout's, or another checkout's for an A/B in one process). */
type ModelClass = new (o: { augmentation: AugmentationType; seed: number }) => {
  fit(t: TrainFeatures): Promise<unknown>;
  predict(t: FeatureSet): Promise<{ imageScores: Float32Array; maps: Float32Array; patchScores?: Float32Array }>;
};

/** Fits TailedCore (or `Model`) on the e2e inputs of bench/headline.ts (e2eRow). */
export async function fittedE2e(
  dim: number,
  Model: ModelClass = TailedCore,
): Promise<{ bank: MemoryBank; test: FeatureSet; model: InstanceType<ModelClass> }> {
  const { e2eFeatures, e2eSpec, loadRealBanks } = await import('./real-features');
  const b = await loadRealBanks(e2eSpec(dim), () => {});
  const { train, test } = e2eFeatures(b);
  const model = new Model({ augmentation: b.spec.augmentation, seed: 0 });
  await model.fit(train);
  const bank = (model as unknown as { memoryBank: MemoryBank }).memoryBank;
  return { bank, test, model };
}

async function main(): Promise<void> {
  const dim = Number(process.argv[2] ?? 256);
  const rounds = Number(process.argv[3] ?? 5);
  const prof = process.argv[4];
  const { bank, test } = await fittedE2e(dim);
  console.log(`dim ${dim}: test ${test.patches.rows} x bank ${bank.features.rows}, load ${loadavg()[0].toFixed(2)}`);
  const variants: Record<string, Parameters<typeof scorePatches>[2]> = {
    default: {},
    fp32: { engine: { knnPrecision: 'fp32' } },
    int8c6: { engine: { knnPrecision: 'int8', knnCandidates: 6 } },
    int8c8: { engine: { knnPrecision: 'int8', knnCandidates: 8 } },
    int8c12: { engine: { knnPrecision: 'int8', knnCandidates: 12 } },
  };
  const best: Record<string, number> = {};
  const ref = await scorePatches(bank, test.patches, { progress: false });
  for (let r = 0; r < rounds; r++) {
    const line: string[] = [];
    for (const [name, v] of Object.entries(variants)) {
      let stats = '';
      const t = performance.now();
      const out = await scorePatches(bank, test.patches, {
        ...v,
        progress: false,
        engine: {
          ...v?.engine,
          onKnnStats: (s) =>
            (stats = `${s.precision} ${s.firstPass}/${s.fp32Fallback}/${s.fullScan} checks ${s.exactChecks} s ${s.seconds.map((x) => x.toFixed(3)).join('/')}`),
        },
      });
      const ms = performance.now() - t;
      for (let i = 0; i < out.nearest.length; i++)
        if (out.nearest[i] !== ref.nearest[i] || out.distances[i] !== ref.distances[i])
          throw new Error(`${name} differs`);
      best[name] = Math.min(best[name] ?? Infinity, ms);
      line.push(`${name} ${ms.toFixed(0)} ms (${stats})`);
    }
    console.log(`round ${r} load ${loadavg()[0].toFixed(2)}: ${line.join('; ')}`);
  }
  console.log('min ms', JSON.stringify(best));
  if (prof) {
    const s = new Session();
    s.connect();
    await s.post('Profiler.enable');
    await s.post('Profiler.setSamplingInterval', { interval: 200 });
    await s.post('Profiler.start');
    for (let r = 0; r < 10; r++) await scorePatches(bank, test.patches, { progress: false });
    const { profile } = await s.post('Profiler.stop');
    writeFileSync(prof, JSON.stringify(profile));
  }
}

if (require.main === module) void main();
