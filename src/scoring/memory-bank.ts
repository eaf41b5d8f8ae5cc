/**
 * The one memory bank and 1-NN scorer shared by PatchCore, SoftPatch and TailedCore (docs/method.md §3.2 step 4, §3.4, §4.1).
 * Patch score = squared L2 distance to the nearest bank row (faiss IndexFlatL2 returns squared distances), times
 * that row's weight when the bank is weighted (SoftPatch).
 */
import { Matrix, assertFinite, concatRows } from '../linalg/matrix';
import { nearestSquared, EngineOptions } from '../linalg';
import { InputError } from '../util/errors';
import { resolveOptions, checkRange } from '../util/options';
import { progress } from '../util/progress';

export interface MemoryBank {
  /** Bank rows: the tail part first, then the head part. */
  features: Matrix;
  /** Optional per-row weight (SoftPatch: the row's LOF score); null = unweighted. */
  weights: Float32Array | null;
  /** How many leading rows came from the tail branch (0 when there is none). */
  tailRows: number;
  /**
   * The same rows as a list of shards ([tail, head] when together they pass the 4 GiB buffer limit); when set,
   * scoring reads these and `features` is empty. @default undefined
   */
  shards?: Matrix[];
}

/** Banks past 4 GiB are kept as shards (a conservative bound: Node 20.20 holds 2^32 float32 values in one typed array). */
const MAX_BUFFER_BYTES = 2 ** 32;

/** Builds a bank as [tail; head] (docs/method.md §3.2 step 4: no de-duplication). Weights, if any, cover all rows. */
export function makeMemoryBank(tail: Matrix | null, head: Matrix, weights: Float32Array | null = null): MemoryBank {
  const rows = (tail ? tail.rows : 0) + head.rows;
  if (tail && tail.rows > 0 && rows * head.cols * 4 >= MAX_BUFFER_BYTES) {
    // Past the buffer limit: keep the two parts as shards (same row order, no copy).
    if (tail.cols !== head.cols)
      throw new InputError(`memory bank: tail rows have ${tail.cols} columns, head rows ${head.cols}`);
    assertFinite(tail, 'memory bank (tail part)');
    assertFinite(head, 'memory bank (head part)');
    if (weights && weights.length !== rows)
      throw new InputError(`memory bank: ${weights.length} weights for ${rows} rows`);
    return {
      features: { data: new Float32Array(0), rows: 0, cols: head.cols },
      weights,
      tailRows: tail.rows,
      shards: [tail, head],
    };
  }
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

export interface ScoreOptions {
  /**
   * Upper bound, in MiB, for the engine's working set beyond the inputs (one query-by-bank score block); the
   * results (12 bytes per query) come on top. @default 256
   */
  memoryBudgetMB: number;
  /** Query rows per progress step (each step is one call into the engine). @default 65536 */
  chunkRows: number;
  /** Print count, rate and ETA on stderr when scoring takes longer than a second. @default true */
  progress: boolean;
  /** Engine ('auto' | 'ort' | 'js'), threads and device, as for linalg's nearestSquared. @default {} */
  engine: EngineOptions;
  /**
   * The caller has already checked that the patches are finite (the models check the test features once, at
   * predict), so they are not scanned again here. @default false
   */
  checkedFinite: boolean;
}

export const SCORE_DEFAULTS: ScoreOptions = {
  memoryBudgetMB: 256,
  chunkRows: 65536,
  progress: true,
  engine: {},
  checkedFinite: false,
};

/**
 * Scores every patch row of `patches` against the bank (given whole, or as a list of shards for a bank past the 4 GiB
 * buffer limit: indices then run across the shards in order). Queries go in chunks of `chunkRows`, each against the
 * whole bank in score blocks that fit `memoryBudgetMB`.
 */
export async function scorePatches(
  bank: MemoryBank,
  patches: Matrix,
  options?: Partial<ScoreOptions>,
): Promise<PatchScores> {
  const o = resolveOptions(SCORE_DEFAULTS, options, 'scorePatches');
  checkRange('memoryBudgetMB', o.memoryBudgetMB, 1, 1 << 20);
  checkRange('chunkRows', o.chunkRows, 1, 1 << 30, { integer: true });
  const shards = bank.shards ?? [bank.features];
  const cols = shards[0].cols;
  if (patches.cols !== cols) {
    throw new InputError(
      `test patch features have ${patches.cols} dimensions but the memory bank was built from ${cols}; use the same backbone and layers for fit and predict`,
    );
  }
  if (!o.checkedFinite) assertFinite(patches, 'test patch features');
  const n = patches.rows;
  const dist = new Float32Array(n);
  const index = new Int32Array(n);
  const bar = o.progress ? progress('scoring patches', n, { unit: 'patch', finalLine: 'ifShown' }) : null;
  const engine = { ...o.engine, memoryBudgetMB: o.memoryBudgetMB };
  for (let r0 = 0; r0 < n || (n === 0 && r0 === 0); r0 += o.chunkRows) {
    const r1 = Math.min(n, r0 + o.chunkRows);
    const q: Matrix = { data: patches.data.subarray(r0 * cols, r1 * cols), rows: r1 - r0, cols };
    const r = await nearestSquared(q, shards.length === 1 ? shards[0] : shards, engine);
    dist.set(r.dist, r0);
    index.set(r.index, r0);
    bar?.update(r1);
    if (n === 0) break;
  }
  bar?.done();
  let scores = dist;
  if (bank.weights) {
    scores = new Float32Array(dist.length);
    for (let i = 0; i < dist.length; i++) scores[i] = dist[i] * bank.weights[index[i]];
  }
  return { scores, distances: dist, nearest: index };
}
