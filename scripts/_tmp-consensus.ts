import * as fs from 'node:fs';
import { openDataset } from '../src/data/validate';
import { buildSplit, trainItems } from '../src/data/splits';
import { zeros } from '../src/linalg/matrix';
import { splitTruth, tailAccuracy } from '../src/report/tail-accuracy';
import { tailSampler } from '../src/sampling/tail-sampler';
(async () => {
  const [root, fam, guard] = process.argv.slice(2);
  const ds = await openDataset(root);
  const meta = JSON.parse(fs.readFileSync(`logs/emb-${fam}.json`, 'utf8'));
  const b = fs.readFileSync(`logs/emb-${fam}.f32`);
  const E = { data: new Float32Array(b.buffer, b.byteOffset, b.length / 4), cols: meta.cols };
  const row = new Map<string, number>(meta.paths.map((p: string, i: number) => [p, i]));
  const parts: Record<string, [number, number]> = { full: [0, 4688], m10: [0, 2080], m5: [2080, 2608], i2: [2608, 4688], m10i2: [-1, -1] };
  const combos: Record<string, string[]> = { full: ['full'], m10: ['m10'], i2: ['i2'], 'full&m10': ['full', 'm10'], 'full&i2': ['full', 'i2'], 'full&m5': ['full', 'm5'], 'm10&i2': ['m10', 'i2'], 'full&m10&i2': ['full', 'm10', 'i2'], 'maj3': ['m10', 'm5', 'i2'] };
  const res: Record<string, { ratio: number[]; miss: number[]; incl: number[] }> = {};
  for (const [tail, k] of [['step', 1], ['step', 4], ['pareto', null]] as const) for (let seed = 0; seed < 5; seed++) {
    const items = trainItems(ds, buildSplit(ds, { tail, ...(k !== null ? { k } : {}), noiseRatio: 0.1, seed }));
    const { trueSizes, isNoise } = splitTruth(items);
    const sel: Record<string, Uint8Array> = {};
    for (const [name, [a, z]] of Object.entries(parts)) {
      if (a < 0) continue;
      const X = zeros(items.length, z - a);
      items.forEach((t, i) => { const r = row.get(t.image.path)!; X.data.set(E.data.subarray(r * E.cols + a, r * E.cols + z), i * X.cols); });
      const r = await tailSampler(X, { guard: guard as any });
      const s = new Uint8Array(items.length); for (const i of r.tailIndices) s[i] = 1; sel[name] = s;
    }
    const setting = tail === 'step' ? `K${k}` : 'P';
    for (const [cname, ps] of Object.entries(combos)) {
      const s = new Uint8Array(items.length);
      for (let i = 0; i < s.length; i++) { const votes = ps.filter((p) => sel[p][i]).length; s[i] = cname === 'maj3' ? (votes >= 2 ? 1 : 0) : votes === ps.length ? 1 : 0; }
      const a = tailAccuracy(trueSizes, s, isNoise);
      const r = (res[`${cname} ${setting}`] ??= { ratio: [], miss: [], incl: [] });
      r.ratio.push(a.selected / a.trueTail); r.miss.push(a.missingTailPct); r.incl.push(a.inclAnomalyPct);
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  for (const [k, r] of Object.entries(res)) console.log(`${fam} ${guard} ${k}: worst ratio ${Math.max(...r.ratio).toFixed(2)} miss mean ${mean(r.miss).toFixed(1)} worst ${Math.max(...r.miss).toFixed(1)} incl mean ${mean(r.incl).toFixed(1)}`);
})();
