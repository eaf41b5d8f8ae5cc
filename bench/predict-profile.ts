/**
 * Scratch bench for issue #18's predict path: fits TailedCore once on the e2e inputs, then times predict and its parts
 * (scoring, maps) several rounds. Usage: npx tsx bench/predict-profile.ts [dim] [rounds]
 */
import { loadavg } from 'node:os';
import { TailedCore } from '../src/models';
import { scorePatches, anomalyMaps } from '../src/scoring';
import { e2eFeatures, e2eSpec, loadRealBanks } from './real-features';

async function main(): Promise<void> {
  const dim = Number(process.argv[2] ?? 256);
  const rounds = Number(process.argv[3] ?? 5);
  const onlyPredict = process.env.PREDICT_ONLY === '1';
  const b = await loadRealBanks(e2eSpec(dim), () => {});
  const side = b.gridSide;
  const { train, test } = e2eFeatures(b);
  const model = new TailedCore({ augmentation: b.spec.augmentation, seed: 0 });
  await model.fit(train);
  const bank = (model as unknown as { memoryBank: Parameters<typeof scorePatches>[0] }).memoryBank;
  console.log(`dim ${dim}: test ${test.patches.rows} x bank ${bank.features.rows}, load ${loadavg()[0].toFixed(2)}`);
  const best = { predict: Infinity, score: Infinity, maps: Infinity };
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    await model.predict(test);
    const tp = performance.now() - t;
    if (onlyPredict) {
      console.log(`round ${r}: predict ${tp.toFixed(1)} ms`);
      continue;
    }
    t = performance.now();
    const { scores } = await scorePatches(bank, test.patches, { progress: false });
    const ts = performance.now() - t;
    t = performance.now();
    anomalyMaps(scores, test.imageCount, side, side, test.inputSize, 4);
    const tm = performance.now() - t;
    best.predict = Math.min(best.predict, tp);
    best.score = Math.min(best.score, ts);
    best.maps = Math.min(best.maps, tm);
    console.log(
      `round ${r}: predict ${tp.toFixed(1)} ms, score ${ts.toFixed(1)} ms, maps ${tm.toFixed(1)} ms, load ${loadavg()[0].toFixed(2)}`,
    );
  }
  console.log('min', JSON.stringify(best));
}

void main();
