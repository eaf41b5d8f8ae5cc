/**
 * Shards of a grid: which cells one process (one SLURM array task, one Kubernetes index) runs, balanced by an
 * estimated cost and identical in every process that computes it (no I/O, no randomness, no clock).
 */
import { OptionError } from '../util/errors';
import type { Cell } from './grid';
import { methodInfo } from '../models/registry';

/** Shard `index` of `count` (0-based). A single process is shard 0 of 1. */
export interface ShardSpec {
  index: number;
  count: number;
}

export const SINGLE: ShardSpec = { index: 0, count: 1 };

/** The folder name of a shard's part: parts/<index>-of-<count>. */
export function partName(s: ShardSpec): string {
  return `${s.index}-of-${s.count}`;
}

/** Inverse of partName; null for anything else. */
export function parsePartName(name: string): ShardSpec | null {
  const m = /^(\d+)-of-(\d+)$/.exec(name);
  if (!m) return null;
  const s = { index: Number(m[1]), count: Number(m[2]) };
  return s.count >= 1 && s.index < s.count ? s : null;
}

function int(s: string | undefined, what: string): number | undefined {
  if (s === undefined || s === '') return undefined;
  if (!/^\d+$/.test(s.trim())) throw new OptionError(`${what} must be an integer >= 0, got "${s}"`);
  return Number(s);
}

/**
 * The shard of this process, from (in order): `--shard I/N`; `--shards N` with the index from SLURM_ARRAY_TASK_ID
 * or Kubernetes' JOB_COMPLETION_INDEX; a SLURM array alone (index SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, count
 * SLURM_ARRAY_TASK_COUNT or MAX - MIN + 1). Otherwise shard 0 of 1.
 */
export function resolveShard(
  flags: { shard?: string; shards?: string },
  env: Record<string, string | undefined> = process.env,
): ShardSpec {
  if (flags.shard !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flags.shard);
    if (!m) throw new OptionError(`--shard must be I/N (shard I of N, 0 <= I < N), got "${flags.shard}"`);
    const s = { index: Number(m[1]), count: Number(m[2]) };
    if (s.count < 1 || s.index >= s.count) throw new OptionError(`--shard ${flags.shard}: need 0 <= I < N`);
    if (flags.shards !== undefined && Number(flags.shards) !== s.count)
      throw new OptionError(`--shard ${flags.shard} and --shards ${flags.shards} disagree on the number of shards`);
    return s;
  }
  const given = int(flags.shards, '--shards');
  if (given !== undefined && given < 1) throw new OptionError('--shards must be >= 1');
  const taskId = int(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
  const k8s = int(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
  let index: number | undefined;
  let count: number | undefined = given;
  let source = '';
  if (taskId !== undefined) {
    source = `SLURM_ARRAY_TASK_ID=${taskId}`;
    if (count !== undefined) {
      // With --shards N the array index is the shard index, so one failed shard can be resubmitted alone
      // (sbatch --array=3 fits.sbatch), whatever the array's own size and offset.
      index = taskId;
    } else {
      const min = int(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') ?? 0;
      const max = int(env.SLURM_ARRAY_TASK_MAX, 'SLURM_ARRAY_TASK_MAX');
      count =
        int(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT') ?? (max !== undefined ? max - min + 1 : undefined);
      index = taskId - min;
      if (count === undefined)
        throw new OptionError('SLURM_ARRAY_TASK_ID is set but not the array size; pass --shards N');
    }
  } else if (k8s !== undefined) {
    index = k8s;
    source = `JOB_COMPLETION_INDEX=${k8s}`;
    if (count === undefined)
      throw new OptionError(
        "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): pass --shards N equal to the Job's completions",
      );
  } else if (count !== undefined) {
    if (count === 1) return { ...SINGLE };
    throw new OptionError(
      `--shards ${count} needs the shard index: --shard I/${count}, or run inside a SLURM array or a Kubernetes Indexed Job`,
    );
  }
  if (index === undefined || count === undefined) return { ...SINGLE };
  if (index < 0 || index >= count) throw new OptionError(`${source} gives shard ${index}, outside 0..${count - 1}`);
  return { index, count };
}

/**
 * Relative cost of a cell, for balancing only. Fit time grows with the training set (noise adds images) and with
 * the method's parts: SoftPatch adds LOF on the head bank; TailedCore adds TailSampler, the tail bank and the
 * augmented tail views. Measured ratios on the synthetic benchmark are roughly 1 : 1.5 : 2.
 */
export function estimateCellCost(cell: Pick<Cell, 'method' | 'noiseRatio'>): number {
  // An unregistered name costs as much as the dearest method (a safe guess for balancing).
  const w = methodInfo(cell.method.name)?.cost ?? 2;
  return w * (1 + cell.noiseRatio);
}

/**
 * Shard of every cell (same order as `cells`): longest-processing-time-first onto the least loaded shard, ties
 * broken by grid position and shard index, so every process gets the same answer.
 */
export function assignShards(
  cells: readonly Cell[],
  count: number,
  cost: (c: Cell) => number = estimateCellCost,
): number[] {
  const order = cells.map((c, i) => ({ i, w: cost(c) })).sort((a, b) => b.w - a.w || a.i - b.i);
  const load = new Array<number>(count).fill(0);
  const out = new Array<number>(cells.length).fill(0);
  for (const { i, w } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best] - 1e-12) best = s;
    out[i] = best;
    load[best] += w;
  }
  return out;
}

/** The cells of one shard, in grid order. */
export function cellsOfShard(cells: readonly Cell[], shard: ShardSpec): Cell[] {
  const a = assignShards(cells, shard.count);
  return cells.filter((_, i) => a[i] === shard.index);
}
