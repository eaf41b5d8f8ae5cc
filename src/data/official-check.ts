/**
 * The official manifests checked against the setting they are loaded for, before any work: an empty or cut
 * `prune_good.txt` would otherwise run as "step K=1" with classes that keep all (or 3) of their images, and the
 * results would carry a label of a setting that did not happen.
 */
import { InputError } from '../util/errors';

interface CountedClass {
  name: string;
  isTail: boolean;
  kept: number;
  total: number;
}

/**
 * Step K: at least one class is pruned, and every pruned (tail) class keeps exactly K images ([R] keeps K per tail
 * class). Pareto: at least one class is pruned. `pruneFile` is named in the error.
 */
export function checkOfficialCounts(
  pruneFile: string,
  setting: { tail: 'step' | 'pareto'; k: number | null },
  classes: CountedClass[],
): void {
  const pruned = classes.filter((c) => c.kept < c.total);
  const label = setting.tail === 'step' ? `step K=${setting.k}` : 'Pareto';
  if (pruned.length === 0) {
    throw new InputError(
      `${pruneFile} removes no training image, so no class is a tail class: it cannot be the ${label} setting (an empty or cut file?). Restore the authors' file`,
    );
  }
  if (setting.tail !== 'step') return;
  const wrong = pruned.filter((c) => c.kept !== setting.k);
  if (wrong.length > 0) {
    const show = wrong
      .slice(0, 3)
      .map((c) => `"${c.name}" keeps ${c.kept} of ${c.total}`)
      .join(', ');
    throw new InputError(
      `${pruneFile} does not make the ${label} setting: every tail class must keep exactly ${setting.k} training image(s), but ${show}${wrong.length > 3 ? ` and ${wrong.length - 3} more` : ''} (a cut file, or one made for another K?). Restore the authors' file`,
    );
  }
}
