/**
 * The one memory bank and 1-NN scorer shared by PatchCore, SoftPatch and TailedCore (docs/method.md §3.2 step 4, §3.4, §4.1).
 * Patch score = squared L2 distance to the nearest bank row (faiss IndexFlatL2 returns squared distances), times
 * that row's weight when the bank is weighted (SoftPatch).
 */
import { Matrix, assertFinite, concatRows } from '../linalg/matrix';
import { nearestSquared } from '../linalg';
import { InputError } from '../util/errors';

export interface MemoryBank {
  /** Bank rows: the tail part first, then the head part. */
  features: Matrix;
  /** Optional per-row weight (SoftPatch: the row's LOF score); null = unweighted. */
  weights: Float32Array | null;
  /** How many leading rows came from the tail branch (0 when there is none). */
  tailRows: number;
}

/** Builds a bank as [tail; head] (docs/method.md §3.2 step 4: no de-duplication). Weights, if any, cover all rows. */
export function makeMemoryBank(tail: Matrix | null, head: Matrix, weights: Float32Array | null = null): MemoryBank {
  const features = tail && tail.rows > 0 ? concatRows([tail, head]) : head;
  assertFinite(features, 'memory bank');
  if (weights && weights.length !== features.rows) {
    throw new InputError(`memory bank: ${weights.length} weights for ${features.rows} rows`);
  }
  return { features, weights, tailRows: tail ? tail.rows : 0 };
}

export interface PatchScores {
  /** One score per query patch (weighted when the bank is). */
  scores: Float32Array;
  /** Unweighted squared distance to the nearest bank row. */
  distances: Float32Array;
  /** Index of that bank row. */
  nearest: Int32Array;
}

/** Scores every patch row of `patches` against the bank. */
export async function scorePatches(bank: MemoryBank, patches: Matrix): Promise<PatchScores> {
  if (patches.cols !== bank.features.cols) {
    throw new InputError(`test patch features have ${patches.cols} dimensions but the memory bank was built from ${bank.features.cols}; use the same backbone and layers for fit and predict`);
  }
  assertFinite(patches, 'test patch features');
  const { dist, index } = await nearestSquared(patches, bank.features);
  let scores = dist;
  if (bank.weights) {
    scores = new Float32Array(dist.length);
    for (let i = 0; i < dist.length; i++) scores[i] = dist[i] * bank.weights[index[i]];
  }
  return { scores, distances: dist, nearest: index };
}
