/**
 * A progress reporter for long work: count, rate and ETA. Writes to stderr at most every `intervalMs`,
 * so it never floods notebooks or CI logs. Silent when `quiet` (e.g. in tests) or when env TAILEDCORE_QUIET=1.
 */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

export interface ProgressOptions {
  /** Minimum milliseconds between two printed lines. @default 1000 */
  intervalMs?: number;
  /** Print nothing. @default false, or true when TAILEDCORE_QUIET=1 */
  quiet?: boolean;
  /** Where lines go. @default process.stderr.write */
  write?: (line: string) => void;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s - 60 * m).toString().padStart(2, '0')}s` : `${Math.floor(m / 60)}h${(m % 60).toString().padStart(2, '0')}m`;
}

export function progress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const quiet = opts.quiet ?? process.env.TAILEDCORE_QUIET === '1';
  const interval = opts.intervalMs ?? 1000;
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const start = Date.now();
  let last = 0;
  let count = 0;
  const line = (final: boolean) => {
    const el = (Date.now() - start) / 1000;
    const rate = el > 0 ? count / el : 0;
    const eta = rate > 0 ? (total - count) / rate : Infinity;
    const pct = total > 0 ? ((100 * count) / total).toFixed(0) : '100';
    return `${label}: ${count}/${total} (${pct}%) ${rate.toFixed(1)}/s ${final ? `done in ${fmtSeconds(el)}` : `ETA ${fmtSeconds(eta)}`}`;
  };
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (!quiet && now - last >= interval) { last = now; write(line(false)); }
    },
    done() { if (!quiet) write(line(true)); },
  };
}
