/** One row of `npm run bench` (results/bench/*.json are arrays of these). */
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
  /** Where the inputs come from: real patch features of generated images, or synthetic clusters (never headline). */
  input?: 'real' | 'clustered' | 'uniform';
  /** Wall seconds of every kit run (interleaved with Python's), when the row was timed that way. */
  kit_runs?: number[];
  /** Wall seconds of every Python run, interleaved with the kit's. */
  python_runs?: number[];
  /** Python's minimum (the figure ratio_vs_python divides). */
  python_seconds?: number | null;
  /** CPU seconds of the kit's fastest run (all threads). */
  cpu_seconds?: number | null;
  /** 1-minute load average before and after the pair. */
  load?: [number, number];
  /** Load above the core count at either end: not quotable. */
  loaded?: boolean;
  /** Extra measured figures (GB/s, picks/s, agreement counts). */
  extra?: Record<string, number | string | boolean | null>;
}
