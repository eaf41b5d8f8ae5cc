/**
 * Precision and recall of TailSampler's selection over split seeds, judged by the worst seed (issue 17: one seed
 * that selects 10x the tail matters more than a good mean). Pure aggregation of tailAccuracy results.
 */
import type { TailAccuracy } from './tail-accuracy';

/** One split's selection, labelled. */
export interface SelectionRecord {
  /** Group label, e.g. "synthetic | step K=1 | bound". */
  group: string;
  seed: number;
  accuracy: TailAccuracy;
}

export interface SelectionSummary {
  group: string;
  seeds: number;
  /** Largest selected / true tail over the seeds, and its seed. */
  worstRatio: number;
  worstRatioSeed: number;
  /** Largest share of the selection that is not true tail (1 - precision), %. */
  worstInclHeadPct: number;
  meanInclHeadPct: number;
  meanMissingPct: number;
  worstMissingPct: number;
  meanInclAnomalyPct: number;
  worstInclAnomalyPct: number;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** selected / true tail; Infinity when something was selected and there is no true tail, 0 when neither. */
export function selectionRatio(a: Pick<TailAccuracy, 'selected' | 'trueTail'>): number {
  if (a.trueTail === 0) return a.selected === 0 ? 0 : Infinity;
  return a.selected / a.trueTail;
}

/** One summary per group, in first-seen order. */
export function summarizeSelections(records: readonly SelectionRecord[]): SelectionSummary[] {
  const groups = new Map<string, SelectionRecord[]>();
  for (const r of records) {
    const g = groups.get(r.group) ?? [];
    g.push(r);
    groups.set(r.group, g);
  }
  return [...groups].map(([group, rs]) => {
    let worstRatio = -1;
    let worstRatioSeed = rs[0].seed;
    for (const r of rs) {
      const q = selectionRatio(r.accuracy);
      if (q > worstRatio) {
        worstRatio = q;
        worstRatioSeed = r.seed;
      }
    }
    const head = rs.map((r) => r.accuracy.inclHeadPct);
    const miss = rs.map((r) => r.accuracy.missingTailPct);
    const incl = rs.map((r) => r.accuracy.inclAnomalyPct);
    return {
      group,
      seeds: rs.length,
      worstRatio,
      worstRatioSeed,
      worstInclHeadPct: Math.max(...head),
      meanInclHeadPct: mean(head),
      meanMissingPct: mean(miss),
      worstMissingPct: Math.max(...miss),
      meanInclAnomalyPct: mean(incl),
      worstInclAnomalyPct: Math.max(...incl),
    };
  });
}
