/**
 * The kit's one source of randomness: a seeded generator (seedrandom's alea) passed down explicitly.
 * Nothing in the kit calls Math.random. `fork(label)` derives an independent, reproducible stream for a sub-task,
 * so adding a random draw in one stage does not shift the numbers of another.
 */
import seedrandom from 'seedrandom';

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[];
  /** k distinct items drawn without replacement, in draw order. */
  sample<T>(items: readonly T[], k: number): T[];
  /** An independent generator derived from this one's seed and a label. */
  fork(label: string): Rng;
  /** The seed this generator was made from. */
  readonly seed: string;
}

export function createRng(seed: number | string): Rng {
  const seedStr = String(seed);
  const gen = seedrandom.alea(seedStr);
  let spare: number | null = null;
  const rng: Rng = {
    seed: seedStr,
    next: () => gen(),
    int: (n: number) => {
      if (!(n >= 1)) throw new RangeError(`rng.int needs n >= 1, got ${n}`);
      return Math.floor(gen() * n);
    },
    uniform: (lo: number, hi: number) => lo + (hi - lo) * gen(),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = gen();
      const v = gen();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    shuffle: <T>(items: readonly T[]) => {
      const a = items.slice();
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(gen() * (i + 1));
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      return a;
    },
    sample: <T>(items: readonly T[], k: number) => {
      if (k > items.length) throw new RangeError(`cannot sample ${k} of ${items.length} items`);
      const a = items.slice();
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(gen() * (a.length - i));
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      return a.slice(0, k);
    },
    fork: (label: string) => createRng(`${seedStr}/${label}`),
  };
  return rng;
}
