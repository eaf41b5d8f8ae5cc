/**
 * Method options that depend on the data, checked once every split of the grid is built and before the run folder
 * exists: LOF's k must be smaller than the number of training images it runs across (otherwise the fit fails after
 * the head coreset, late, and once per cell).
 */
import type { Manifest } from '../data/types';
import { OptionError } from '../util/errors';
import type { ResolvedConfig } from './config';
import type { Pipeline } from './pipeline';

/** The LOF settings a model reports through its resolved `options` (MemoryBankModel does), or null without LOF. */
function lofOf(model: unknown): number | null {
  const o = (model as { options?: { lofK?: unknown; denoise?: unknown; weighting?: unknown } }).options;
  if (!o || typeof o.lofK !== 'number') return null;
  return o.denoise === 'lof' || o.weighting === 'lof' ? o.lofK : null;
}

/** `splits`: every split of the grid, by its id (grid.splitId: dataset|tailType|k|noise|seed). */
export function checkDataDependentOptions(
  config: ResolvedConfig,
  pipeline: Pipeline,
  splits: { sid: string; manifest: Manifest }[],
): void {
  config.methods.forEach((m, i) => {
    for (const t of config.tailTypes) {
      const model = pipeline.createModel(m.name, m.options, { seed: 0, augmentation: config.augmentation[t] });
      const k = lofOf(model);
      model.dispose();
      if (k === null) continue;
      for (const s of splits) {
        const [dataset, tail, splitK, noise, seed] = s.sid.split('|');
        if (tail !== t) continue;
        const n = s.manifest.classes.reduce((a, c) => a + c.trainGood.length + c.injected.length, 0);
        if (k >= n)
          throw new OptionError(
            `methods[${i}].options.lofK (${m.label}): LOF's k=${k} must be smaller than the number of training images it runs across, but dataset "${dataset}", ${tail === 'step' ? `step K=${splitK}` : 'pareto'}, noise ${noise}, seed ${seed} trains on ${n}; set lofK to at most ${n - 1}`,
          );
      }
    }
  });
}
