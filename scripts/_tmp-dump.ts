import * as fs from 'node:fs';
import { openDataset } from '../src/data/validate';
import { buildSplit, trainItems } from '../src/data/splits';
import { FeatureExtractor } from '../src/features';
import { zeros } from '../src/linalg/matrix';
import { splitTruth } from '../src/report/tail-accuracy';
import { selfSimilarity, predictClassSizes } from '../src/sampling/tail-sampler';
(async () => {
  const [root, fam] = process.argv.slice(2);
  const ds = await openDataset(root);
  const fx = await FeatureExtractor.create({ resize: 64, crop: 56, cacheDir: 'data/cache', embedding: 'kit-default' as any });
  const paths = [...new Set(ds.classes.flatMap((c) => [...c.train, ...c.test].map((i) => i.path)))];
  const E = (await fx.extract(paths)).embeddings;
  fx.dispose();
  const row = new Map(paths.map((p, i) => [p, i]));
  const out: any[] = [];
  for (const [tail, k] of [['step', 1], ['step', 4], ['pareto', null]] as const) for (let seed = 0; seed < 5; seed++) {
    const items = trainItems(ds, buildSplit(ds, { tail, ...(k !== null ? { k } : {}), noiseRatio: 0.1, seed }));
    const X = zeros(items.length, E.cols);
    items.forEach((t, i) => { const r = row.get(t.image.path)!; X.data.set(E.data.subarray(r * E.cols, (r + 1) * E.cols), i * E.cols); });
    const S = await selfSimilarity(X);
    const { classSizes } = predictClassSizes(S);
    const { trueSizes, isNoise } = splitTruth(items);
    out.push({ setting: tail === 'step' ? `step K=${k}` : 'pareto', seed, classSizes: Array.from(classSizes), trueSizes, isNoise, cls: items.map((t) => t.className) });
  }
  fs.writeFileSync(`logs/dump-${fam}.json`, JSON.stringify(out));
  // embeddings for consensus experiments
  fs.writeFileSync(`logs/emb-${fam}.f32`, Buffer.from(E.data.buffer)); fs.writeFileSync(`logs/emb-${fam}.json`, JSON.stringify({ paths, cols: E.cols }));
  console.log('done', fam, out.length);
})();
