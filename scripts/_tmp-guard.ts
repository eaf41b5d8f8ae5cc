import * as fs from 'node:fs';
import { estimateClassHistogram, elbowK, percentileK } from '../src/sampling/few-shot';
import { guardMaxK, TailGuardOptions } from '../src/sampling/tail-guard';
import { tailAccuracy } from '../src/report/tail-accuracy';
const fams = process.argv[2].split(',');
const configs: [string, Partial<TailGuardOptions>][] = JSON.parse(process.argv[3] ?? '[["paper",{"guard":"paper"}],["bound",{"guard":"bound"}],["gap",{"guard":"gap"}],["gap-bound",{"guard":"gap-bound"}]]');
const verbose = process.argv[4] === 'v';
for (const [name, g] of configs) {
  const o: TailGuardOptions = { guard: 'paper', tailBound: 20, gapRatio: 2, gapMin: 10, ...g };
  let worstRatio = 0, worstMiss: Record<string, number> = {}, inclMean: Record<string, number[]> = {}, missMean: Record<string, number[]> = {};
  const lines: string[] = [];
  for (const fam of fams) {
    const d = JSON.parse(fs.readFileSync(`logs/dump-${fam}.json`, 'utf8'));
    for (const s of d) {
      const h = estimateClassHistogram(s.classSizes);
      const ke = elbowK(h), kp = percentileK(h, 0.15);
      const pm = Math.min(ke, kp);
      const maxK = guardMaxK(h, pm, o);
      const sel = s.classSizes.map((v: number) => (v <= maxK ? 1 : 0));
      const a = tailAccuracy(s.trueSizes, sel, s.isNoise);
      const ratio = a.selected / a.trueTail;
      worstRatio = Math.max(worstRatio, ratio);
      const key = `${fam} ${s.setting}`;
      worstMiss[key] = Math.max(worstMiss[key] ?? 0, a.missingTailPct);
      (inclMean[key] ??= []).push(a.inclAnomalyPct); (missMean[key] ??= []).push(a.missingTailPct);
      lines.push(`${key} s${s.seed}: tail ${a.trueTail} sel ${a.selected} (x${ratio.toFixed(2)}) elbow ${ke} pct ${kp} maxK ${maxK} miss ${a.missingTailPct.toFixed(1)} incl ${a.inclAnomalyPct.toFixed(1)} head% ${a.inclHeadPct.toFixed(1)}` + (verbose ? ` hist<=${pm}: ${h.filter((v) => v <= pm).reverse().join(',')}` : ''));
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  console.log(`== ${name} worst sel/true ${worstRatio.toFixed(2)}`);
  for (const k of Object.keys(inclMean)) console.log(`  ${k}: miss mean ${mean(missMean[k]).toFixed(1)} worst ${worstMiss[k].toFixed(1)} | incl mean ${mean(inclMean[k]).toFixed(1)}`);
  if (verbose) console.log(lines.join('\n'));
}
