/**
 * A progress reporter for long work: count, rate and ETA. Writes to stderr at most every `intervalMs`,
 * so it never floods notebooks or CI logs. Silent when `quiet` (e.g. in tests) or when env TAILEDCORE_QUIET=1.
 *
 * The rate reads "12.3/s" for fast counters and "4.1 s/cell" once items take longer than a second each
 * (`display: 'auto'`), so a slow counter (grid cells, images on a slow backbone) still says something useful.
 */
export interface Progress {
  tick(n?: number): void;
  /** Sets the absolute count (for work whose steps are not unit-sized, e.g. rows scored so far). */
  update(count: number): void;
  done(): void;
}

export interface ProgressOptions {
  /** Minimum milliseconds between two printed lines (the first tick always waits this long too). @default 1000 */
  intervalMs?: number;
  /** Print nothing. @default false, or true when TAILEDCORE_QUIET=1 */
  quiet?: boolean;
  /** Where lines go. @default process.stderr.write */
  write?: (line: string) => void;
  /** Name of one item in the seconds-per-item display ("4.1 s/cell"). @default 'item' */
  unit?: string;
  /**
   * 'rate' = items per second, 'secondsPerItem' = seconds per item, 'auto' = seconds per item while items take
   * longer than one second, else items per second. @default 'auto'
   */
  display?: 'auto' | 'rate' | 'secondsPerItem';
  /**
   * When done() prints its closing line: 'always', or 'ifShown' = only when a progress line was printed before (so a
   * stage that finished within one interval stays silent). @default 'always'
   */
  finalLine?: 'always' | 'ifShown';
  /** Injected clock (milliseconds), for tests. @default Date.now */
  now?: () => number;
}

/** 42s, 3m07s, 2h05m; '?' when unknown. */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${Math.round(s - 60 * m)
        .toString()
        .padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${(m % 60).toString().padStart(2, '0')}m`;
}

/** Compact count: 1234 -> 1234, 1234567 -> 1.23M. */
function fmtCount(n: number): string {
  if (n < 1e5) return String(n);
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)}M`;
  return `${(n / 1e9).toFixed(2)}G`;
}

export function progress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  const quiet = opts.quiet ?? process.env.TAILEDCORE_QUIET === '1';
  const interval = opts.intervalMs ?? 1000;
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const unit = opts.unit ?? 'item';
  const display = opts.display ?? 'auto';
  const now = opts.now ?? Date.now;
  const start = now();
  let last = start;
  let count = 0;
  let finished = false;
  let shown = false;
  const finalLine = opts.finalLine ?? 'always';
  const line = (final: boolean) => {
    const el = (now() - start) / 1000;
    const rate = el > 0 ? count / el : 0;
    const eta = rate > 0 ? (total - count) / rate : Infinity;
    const pct = total > 0 ? ((100 * count) / total).toFixed(0) : '100';
    const perItem = display === 'secondsPerItem' || (display === 'auto' && count > 0 && rate < 1);
    const speed = perItem ? `${count > 0 ? (el / count).toFixed(1) : '?'} s/${unit}` : `${rate.toFixed(1)}/s`;
    return `${label}: ${fmtCount(count)}/${fmtCount(total)} (${pct}%) ${speed} ${final ? `done in ${fmtSeconds(el)}` : `ETA ${fmtSeconds(eta)}`}`;
  };
  const maybeWrite = () => {
    const t = now();
    if (!quiet && t - last >= interval) {
      last = t;
      shown = true;
      write(line(false));
    }
  };
  return {
    tick(n = 1) {
      count += n;
      maybeWrite();
    },
    update(c: number) {
      count = c;
      maybeWrite();
    },
    done() {
      if (finished) return;
      finished = true;
      if (!quiet && (shown || finalLine === 'always')) write(line(true));
    },
  };
}

/** A Progress that does nothing (for callers that report only on request). */
export const NO_PROGRESS: Progress = {
  tick() {
    /* silent */
  },
  update() {
    /* silent */
  },
  done() {
    /* silent */
  },
};
