/**
 * Honest timing for kit/Python pairs (issue 18, item 2): the two sides run interleaved (kit, python, kit, python, ...)
 * at least three times each, and each side reports its minimum (the run least disturbed by other processes). The
 * 1-minute load average is read before and after; a pair whose load exceeded the core count at either end is marked
 * `loaded` and is never quoted in the docs. CPU seconds of the kit's runs (all its threads) are kept beside the wall
 * time.
 */
import { availableParallelism, loadavg } from 'node:os';
import { time } from './common';

export interface SideTiming {
  /** Wall seconds of every run, in run order. */
  runs: number[];
  /** Minimum wall seconds. */
  min: number;
  /** CPU seconds of the fastest run (this process's threads; for Python, the child's user + system time). */
  cpuSeconds: number | null;
}

export interface PairTiming<K, P> {
  kit: SideTiming;
  python: SideTiming | null;
  kitValue: K;
  pythonValue: P | null;
  loadBefore: number;
  loadAfter: number;
  cores: number;
  /** Load average above the core count before or after: the row is not quotable. */
  loaded: boolean;
  /** The extra kit variants (`extras`), timed in the same rounds, with the value of each one's fastest run. */
  extras: Record<string, SideTiming & { value: unknown }>;
}

export function loadNow(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

/**
 * Runs `kit` and `python` alternately `reps` times each (kit first) and keeps each side's minimum. `python` returns
 * its own measured seconds (the interpreter's start and the file exchange are not the kernel's cost) or null when
 * Python is unavailable (then only the kit runs). The values of the fastest runs are returned for agreement checks.
 * `extras` are other kit variants (A/B), each run once per round right after `kit`. `kitTimed`, where given, reads the
 * kit run's own wall and CPU seconds from its value (a kit side in a child process, timed there as Python times
 * itself); else the kit's call is timed here.
 */
export async function interleave<K, P extends { seconds: number; cpu_seconds?: number }>(
  kit: () => Promise<K> | K,
  python: (() => P | null) | null,
  reps = 3,
  extras: Record<string, () => Promise<unknown>> = {},
  kitTimed?: (value: K) => { seconds: number; cpu: number },
): Promise<PairTiming<K, P>> {
  const loadBefore = loadNow();
  const kr: { seconds: number; cpu: number; value: K }[] = [];
  const er: Record<string, { seconds: number; cpu: number; value: unknown }[]> = {};
  const pr: P[] = [];
  let pyOk = python !== null;
  for (let r = 0; r < reps; r++) {
    const t = await time(kit);
    const own = kitTimed ? kitTimed(t.value) : null;
    kr.push({ seconds: own ? own.seconds : t.seconds, cpu: own ? own.cpu : t.cpuSeconds, value: t.value });
    for (const [name, f] of Object.entries(extras)) {
      const e = await time(f);
      (er[name] ??= []).push({ seconds: e.seconds, cpu: e.cpuSeconds, value: e.value });
    }
    if (pyOk && python) {
      const p = python();
      if (p === null) pyOk = false;
      else pr.push(p);
    }
  }
  const loadAfter = loadNow();
  const cores = availableParallelism();
  const kBest = kr.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const pBest = pr.length ? pr.reduce((a, b) => (b.seconds < a.seconds ? b : a)) : null;
  return {
    kit: { runs: kr.map((x) => round3(x.seconds)), min: round3(kBest.seconds), cpuSeconds: round3(kBest.cpu) },
    python: pBest
      ? { runs: pr.map((x) => round3(x.seconds)), min: round3(pBest.seconds), cpuSeconds: pBest.cpu_seconds ?? null }
      : null,
    kitValue: kBest.value,
    pythonValue: pBest,
    loadBefore,
    loadAfter,
    cores,
    loaded: Math.max(loadBefore, loadAfter) > cores,
    extras: Object.fromEntries(
      Object.entries(er).map(([name, runs]) => {
        const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
        const side = {
          runs: runs.map((x) => round3(x.seconds)),
          min: round3(best.seconds),
          cpuSeconds: round3(best.cpu),
        };
        return [name, { ...side, value: best.value }];
      }),
    ),
  };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
