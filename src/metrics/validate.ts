/** Input checks shared by the metrics: binary labels/masks, matching lengths, finite scores. */
import { InputError } from '../util/errors';

/** Numbers a metric can take as scores: a typed array or a plain array. */
export type Scores = Float32Array | Float64Array | ArrayLike<number>;
/** 0/1 labels (Uint8Array, or any array of 0 and 1). */
export type Labels = ArrayLike<number>;

/** Throws unless every label is exactly 0 or 1; returns the number of 1s. `what` names the input. */
export function countPositives(labels: Labels, what: string): number {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 1) pos++;
    else if (v !== 0) {
      throw new InputError(
        `${what}: value ${String(v)} at index ${i}; ${what} must be binary (0 or 1). Threshold masks at 0.5 (or divide 0/255 masks by 255) first`,
      );
    }
  }
  return pos;
}

export function checkSameLength(a: { length: number }, b: { length: number }, aName: string, bName: string): void {
  if (a.length !== b.length)
    throw new InputError(`${aName} has ${a.length} values but ${bName} has ${b.length}; they must match one to one`);
}

/**
 * Throws on NaN and on ±Infinity, as sklearn's roc_auc_score does ("Input contains infinity"). A NaN cannot be
 * ranked; an Infinity is the symptom of an overflow upstream (huge features give Infinity distances), and a set of
 * tied Infinity scores would read as AUROC 0.5 instead of an error.
 */
export function checkFinite(scores: Scores, what: string): void {
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (!Number.isFinite(v)) {
      throw new InputError(
        `${what}: ${Number.isNaN(v) ? 'NaN' : String(v)} at index ${i}; scores must be finite (an Infinity usually means the features overflowed upstream; check the model's output)`,
      );
    }
  }
}

/** Both classes must be present for a ranking metric. */
export function checkBothClasses(pos: number, n: number, what: string): void {
  if (n === 0) throw new InputError(`${what}: no values to evaluate`);
  if (pos === 0 || pos === n) {
    throw new InputError(
      `${what}: only ${pos === 0 ? 'negatives (0)' : 'positives (1)'} among ${n} labels; AUROC needs both classes`,
    );
  }
}
