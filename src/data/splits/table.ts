/** A printable per-class table of a split: class, tail/head, kept good images, injected noise. */
import { Manifest } from '../types';

export function formatSplitTable(manifest: Manifest): string {
  const rows = manifest.classes
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((c) => [c.name, c.isTail ? 'tail' : 'head', String(c.trainGood.length), String(c.injected.length)]);
  const kept = manifest.classes.reduce((s, c) => s + c.trainGood.length, 0);
  const inj = manifest.classes.reduce((s, c) => s + c.injected.length, 0);
  const nTail = manifest.classes.filter((c) => c.isTail).length;
  const header = ['class', 'role', 'kept', 'injected'];
  const total = ['total', `${nTail} tail`, String(kept), String(inj)];
  const all = [header, ...rows, total];
  const w = header.map((_, j) => Math.max(...all.map((r) => r[j].length)));
  const fmt = (r: string[]) => r.map((v, j) => (j >= 2 ? v.padStart(w[j]) : v.padEnd(w[j]))).join('  ');
  const rule = w.map((n) => '-'.repeat(n)).join('  ');
  const o = manifest.options;
  const title =
    `split: ${String(o.tail ?? '?')}${o.tail === 'step' ? ` K=${String(o.k)}` : ''}, noise ${String(o.noiseRatio ?? '?')}, seed ${manifest.seed}` +
    `, noise share ${kept + inj > 0 ? ((100 * inj) / (kept + inj)).toFixed(1) : '0.0'}%`;
  return [title, fmt(header), rule, ...rows.map(fmt), rule, fmt(total)].join('\n');
}
