/**
 * Errors raised while a cell evaluates one class (a NaN score reaching AUROC, a mask of the wrong size) name the
 * class and the cell, so the user knows which of hundreds of fits to look at.
 */
import { InputError } from '../util/errors';

export interface CellLabels {
  dataset: string;
  tail_type: string;
  k: number | null;
  noise_ratio: number;
}

/** The cell in words: `dataset "mvtec", step K=1, noise 0.1, seed 0, method tailedcore`. */
export function describeCell(labels: CellLabels, seed: number, method: string): string {
  const setting = labels.tail_type === 'step' ? `step K=${labels.k}` : labels.tail_type;
  return `dataset "${labels.dataset}", ${setting}, noise ${labels.noise_ratio}, seed ${seed}, method ${method}`;
}

/** Runs `fn`; an InputError it throws comes back with `class "<name>" (<cell>): ` in front. */
export function inClassOfCell<T>(className: string, cell: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const details: { path?: string; code?: string } = {};
    if (e.path !== undefined) details.path = e.path;
    if (e.code !== undefined) details.code = e.code;
    throw new InputError(`class "${className}" (${cell}): ${e.message}`, details);
  }
}
