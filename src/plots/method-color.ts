/** The colour encoding of a figure's methods, from the method registry (static figures and report.html alike). */
import { MODEL_NAMES, methodInfo } from '../models/registry';

/**
 * Method colours from the method registry, so a method keeps its colour across figures. The fixed palette is kept only
 * when every method is registered (ablation labels chosen by users fall back to the default scheme); only the methods
 * present are listed, in registry order, so the legend shows nothing else.
 */
export function methodColor(methods: string[]): Record<string, unknown> {
  const present = new Set(methods);
  if (![...present].every((m) => methodInfo(m) !== null)) return { field: 'method', type: 'nominal', title: 'method' };
  const domain = MODEL_NAMES.filter((m) => present.has(m));
  return {
    field: 'method',
    type: 'nominal',
    title: 'method',
    scale: { domain, range: domain.map((m) => methodInfo(m)!.color) },
  };
}
