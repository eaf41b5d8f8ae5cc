import * as fs from 'node:fs';
import { openDataset } from '../src/data/validate';
import { buildSplit, trainItems } from '../src/data/splits';
import { zeros } from '../src/linalg/matrix';
import { splitTruth, tailAccuracy } from '../src/report/tail-accuracy';
import { selfSimilarity, predictClassSizes } from '../src/sampling/tail-sampler';
import { predictFewShot } from '../src/sampling/few-shot';
import { guardMaxK } from '../src/sampling/tail-guard';
import { THRESHOLD_TYPES } from '../src/sampling/class-size';
(async () => {
  const [root, fam] = process.argv.slice(2);
  const ds = await openDataset(root);
  const meta = JSON.parse(fs.readFileSync(`logs/emb-${fam}.json`, 'utf8'));
  const b = fs.readFileSync(`logs/emb-${fam}.f32`);
  const E = { data: new Float32Array(b.buffer, b.byteOffset, b.length / 4), cols: meta.cols, rows: meta.paths.length };
  const row = new Map<string, number>(meta.paths.map((p: string, i: number) => [p, i]));
  const types = (process.argv[4] ?? 'trim_min').split(',');
  const res: Record<string, { ratio: number[]; miss: number[]; incl: number[] }> = {};
  for (const [tail, k] of [['step', 1], ['step', 4], ['pareto', null]] as const) for (let seed = 0; seed < 5; seed++) {
    const items = trainItems(ds, buildSplit(ds, { tail, ...(k !== null ? { k } : {}), noiseRatio: 0.1, seed }));
    const X = zeros(items.length, E.cols);
    items.forEach((t, i) => { const r = row.get(t.image.path)!; X.data.set(E.data.subarray(r * E.cols, (r + 1) * E.cols), i * E.cols); });
    const S = await selfSimilarity(X);
    const { trueSizes, isNoise } = splitTruth(items);
    const setting = tail === 'step' ? `K${k}` : 'P';
    // ideal threshold on trim_min sizes
    const { classSizes } = predictClassSizes(S);
    let best = '';
    for (const cut of [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20]) {
      const sel = Array.from(classSizes, (v) => (v <= cut ? 1 : 0));
      const a = tailAccuracy(trueSizes, sel, isNoise);
      best += ` ${cut}:${a.selected}/${a.missingTailPct.toFixed(0)}`;
    }
    console.log(`${setting} s${seed} tail ${splitTruth(items).trueSizes.filter((v) => v <= 20).length} cut:sel/miss%${best}`);
    for (const ty of types) {
      const { classSizes: cs } = predictClassSizes(S, { thresholdType: ty as any });
      for (const g of ['paper', 'gap'] as const) {
        const f = predictFewShot(cs);
        const mk = guardMaxK(f.classHistogram, f.maxK, { guard: g, tailBound: 20, gapRatio: 2, gapMin: 10 });
        const sel = Array.from(cs, (v) => (v <= mk ? 1 : 0));
        const a = tailAccuracy(trueSizes, sel, isNoise);
        const key = `${ty}/${g} ${setting}`;
        const r = (res[key] ??= { ratio: [], miss: [], incl: [] });
        r.ratio.push(a.selected / a.trueTail); r.miss.push(a.missingTailPct); r.incl.push(a.inclAnomalyPct);
      }
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  for (const [k, r] of Object.entries(res)) console.log(`${k}: worst ratio ${Math.max(...r.ratio).toFixed(2)} miss mean ${mean(r.miss).toFixed(1)} worst ${Math.max(...r.miss).toFixed(1)} incl mean ${mean(r.incl).toFixed(1)}`);
})();
