/** One row of `npm run bench` (results/bench/latest.json is an array of these). */
export interface BenchRow {
  kernel: string;
  /** Human-readable problem size, e.g. "3136x100000x128". */
  size: string;
  seconds: number;
  /** Effective GFLOP/s where the kernel has a FLOP count, else null. */
  gflops: number | null;
  /** naive seconds / kit seconds (same inputs, same run), null when not measured. */
  ratio_vs_naive: number | null;
  /** python seconds / kit seconds (same inputs, same run), null when Python is missing or not applicable. */
  ratio_vs_python: number | null;
  /** Free-form notes (engine, threads, what the naive and python sides were). */
  note?: string;
}
