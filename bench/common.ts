/**
 * Shared bench plumbing: timing, synthetic inputs, .f32 exchange files and the Python side.
 *
 * The Python side (bench/python/*.py, Debian's /usr/bin/python3 with numpy, torch, scikit-learn, scipy) is a
 * benchmark harness only, never a dependency of the kit: when the interpreter or a module is missing, the Python
 * column is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix, zeros } from '../src/linalg';
import { Rng } from '../src/util';
import { BenchRow } from './types';

export interface BenchContext {
  quick: boolean;
  /** Folder for the .f32 exchange files (removed at the end). */
  dir: string;
  /** Why Python is unavailable, or null when it is ready. */
  pythonMissing: string | null;
  python: string;
  log: (line: string) => void;
}

export const PYTHON = process.env.TAILEDCORE_BENCH_PYTHON ?? '/usr/bin/python3';
/** Threads for both sides, so the comparison is like for like (the project machine has 2 cores). */
export const THREADS = 2;

export function makeContext(quick: boolean, usePython: boolean): BenchContext {
  const dir = mkdtempSync(join(tmpdir(), 'tailedcore-bench-'));
  let pythonMissing: string | null = null;
  if (!usePython) pythonMissing = 'disabled with --no-python';
  else if (!existsSync(PYTHON)) pythonMissing = `${PYTHON} not found`;
  else {
    const r = spawnSync(
      PYTHON,
      ['-c', 'import numpy, torch, sklearn, scipy; print(torch.__version__, sklearn.__version__)'],
      { encoding: 'utf8' },
    );
    if (r.status !== 0)
      pythonMissing = `${PYTHON} lacks a module (apt-get install python3-numpy python3-torch python3-sklearn python3-scipy): ${(r.stderr || '').trim().split('\n').pop()}`;
  }
  return { quick, dir, pythonMissing, python: PYTHON, log: (l) => process.stderr.write(l + '\n') };
}

export function cleanup(ctx: BenchContext): void {
  rmSync(ctx.dir, { recursive: true, force: true });
}

/**
 * Wall seconds of one call, and the CPU seconds this process spent meanwhile (all its threads, onnxruntime's
 * included). On a shared machine flops / cpuSeconds is the rate per core actually obtained, a load-independent figure.
 */
export async function time<T>(fn: () => T | Promise<T>): Promise<{ seconds: number; cpuSeconds: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, value };
}

/** Note text: GFLOP per CPU-second, times the threads used = the rate on that many uncontended cores. */
export function cpuNote(flops: number, cpuSeconds: number): string {
  const perCore = flops / cpuSeconds / 1e9;
  return `${perCore.toFixed(1)} GFLOP per CPU-second (x ${THREADS} threads = ${(perCore * THREADS).toFixed(0)} GFLOP/s on ${THREADS} uncontended cores)`;
}

/** Uniform [-1, 1) matrix (fast to generate; for kernels whose speed does not depend on the values). */
export function uniformMatrix(rng: Rng, rows: number, cols: number): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = 2 * rng.next() - 1;
  return m;
}

/**
 * Patch-feature-like data: a mixture of `clusters` anisotropic Gaussian blobs of skewed sizes (real patch features
 * are clustered and low in intrinsic dimension; i.i.d. noise would be the worst case for any pruning).
 */
export function clusteredMatrix(rng: Rng, rows: number, cols: number, clusters = 256): Matrix {
  const centres = new Float32Array(clusters * cols);
  for (let i = 0; i < centres.length; i++) centres[i] = 3 * rng.normal();
  const scale = new Float32Array(cols);
  for (let j = 0; j < cols; j++) scale[j] = 0.3 * Math.exp(-j / 32) + 0.05; // decaying spectrum
  const m = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    const c = Math.min(clusters - 1, Math.floor((-Math.log(1 - rng.next()) * clusters) / 6));
    const spread = 0.5 + (c % 5) * 0.25;
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = centres[c * cols + j] + spread * scale[j] * rng.normal();
  }
  return m;
}

/** Writes a matrix as raw little-endian float32 (numpy: np.fromfile(path, np.float32).reshape(rows, cols)). */
export function writeF32(ctx: BenchContext, name: string, m: Matrix | Float32Array): string {
  const p = join(ctx.dir, name);
  const data = m instanceof Float32Array ? m : m.data;
  writeFileSync(p, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return p;
}

export function readI32(path: string): Int32Array {
  const b = readFileSync(path);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/**
 * Runs bench/python/<script> with JSON arguments; the script prints one JSON object on its last stdout line
 * (at least {"seconds": ...}). Returns null with the reason logged when Python is unavailable or fails.
 */
export function runPython(
  ctx: BenchContext,
  script: string,
  args: Record<string, unknown>,
): { seconds: number; [k: string]: unknown } | null {
  if (ctx.pythonMissing) return null;
  const r = spawnSync(ctx.python, [join(__dirname, 'python', script), JSON.stringify(args)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, OMP_NUM_THREADS: String(THREADS), MKL_NUM_THREADS: String(THREADS) },
  });
  if (r.status !== 0) {
    ctx.log(`  python ${script} failed (${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    ctx.log(`  python ${script} printed no JSON: ${last}`);
    return null;
  }
}

/** Builds a row; ratios are other / kit seconds (so > 1 means the kit is faster). */
export function row(
  kernel: string,
  size: string,
  seconds: number,
  flops: number | null,
  naive: number | null,
  python: number | null,
  note: string,
): BenchRow {
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    kernel,
    size,
    seconds: r3(seconds),
    gflops: flops === null ? null : Math.round((flops / seconds / 1e9) * 10) / 10,
    ratio_vs_naive: naive === null ? null : Math.round((naive / seconds) * 100) / 100,
    ratio_vs_python: python === null ? null : Math.round((python / seconds) * 100) / 100,
    note,
  };
}
