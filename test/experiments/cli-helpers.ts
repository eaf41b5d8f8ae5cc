/** Helpers for tests that start the experiment CLI as real processes (with the fake pipeline). */
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const FAKE_MODULE = path.join(REPO, 'test', 'experiments', 'fake-pipeline.ts');

export function tmp(prefix = 'tc-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The raw config of a small grid on the fake dataset at <dir>/data (16 cells); the runner tests resolve it directly. */
export function smallGrid(dir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run: 'r1',
    resultsDir: path.join(dir, 'results'),
    datasets: [{ root: path.join(dir, 'data'), name: 'fake', synthetic: true }],
    tailTypes: ['step', 'pareto'],
    ks: [1],
    noiseRatios: [0, 0.2],
    seeds: [0, 1],
    methods: ['patchcore', { name: 'tailedcore', options: { bias: 1 } }],
    features: { cacheDir: path.join(dir, 'cache') },
    ...extra,
  };
}

/** A config file for smallGrid (what the CLI tests pass to --config). */
export function writeConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `config-${Object.keys(extra).join('-') || 'base'}.json`);
  fs.writeFileSync(file, JSON.stringify(smallGrid(dir, extra), null, 2));
  return file;
}

export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<number>;
}

/** Starts `node --import tsx scripts/experiment.ts ARGS --pipeline <fake>`; env adds to the test's environment. */
export function startCli(args: string[], env: Record<string, string> = {}): Proc {
  let out = '';
  let err = '';
  const clean = { ...process.env };
  for (const k of [
    'SLURM_ARRAY_TASK_ID',
    'SLURM_ARRAY_TASK_COUNT',
    'SLURM_ARRAY_TASK_MIN',
    'SLURM_ARRAY_TASK_MAX',
    'JOB_COMPLETION_INDEX',
  ])
    delete clean[k];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'scripts', 'experiment.ts'), ...args, '--pipeline', FAKE_MODULE],
    {
      cwd: REPO,
      env: { ...clean, TAILEDCORE_QUIET: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  return { child, stdout: () => out, stderr: () => err, done };
}

/** Polls until `cond` is true (no timing assertion: the timeout only stops a hung test). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 120000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function lineCount(file: string): number {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.endsWith('}')).length
    : 0;
}
