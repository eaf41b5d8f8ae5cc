/**
 * `npm run notebooks`: builds dist/ (the notebooks' one import entry), registers the tslab kernel when needed, and
 * executes every notebook headless, storing its outputs (tables, figures) in the .ipynb itself so that a reader on
 * GitHub sees them. `--fast` runs them at the tests' scale (see src/session/notebook-settings.ts); `--out-dir`
 * writes the executed copies elsewhere and leaves the committed notebooks untouched (what the tests do).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliSpec, ParsedCli, runCli, stringFlag, intFlag } from '../src/util';
import { InputError } from '../src/util';
import { generateSynthetic } from '../src/data/synth';
import { notebookSettings } from '../src/session';

const ROOT = path.resolve(__dirname, '..');
const NOTEBOOK_DIR = path.join(ROOT, 'notebooks');
const JUPYTER_PREFIX = path.join(ROOT, '.jupyter');
const JUPYTER_PATH = path.join(JUPYTER_PREFIX, 'share', 'jupyter');
const APT_PACKAGES =
  'jupyter-client jupyter-core python3-nbclient jupyter-nbconvert python3-ipykernel fonts-dejavu-core';

const CLI: CliSpec = {
  command: 'npm run notebooks --',
  summary: 'Executes the notebooks headless (tslab kernel) and stores their outputs in the .ipynb files.',
  flags: {
    fast: { type: 'boolean', description: "run at the tests' scale (TAILEDCORE_NOTEBOOKS=fast): a tiny synthetic set" },
    only: { type: 'string', value: 'LIST', description: 'comma-separated notebook numbers or names, e.g. 03,05' },
    'out-dir': { type: 'string', value: 'DIR', description: 'write the executed notebooks here instead of in place' },
    timeout: { type: 'string', value: 'SECONDS', description: 'per-cell time limit', default: '1800' },
    jobs: { type: 'string', value: 'N', description: 'notebooks executed at the same time', default: '1' },
  },
  epilog: `Needs Jupyter (Debian: apt-get install -y --no-install-recommends ${APT_PACKAGES}).`,
};

/** The notebooks, in order. */
export function listNotebooks(): string[] {
  return fs
    .readdirSync(NOTEBOOK_DIR)
    .filter((n) => /^\d\d-.*\.ipynb$/.test(n))
    .sort();
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) return { status: null, out: r.error.message };
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Builds dist/ with its source stamp (scripts/build.js). */
function build(): void {
  const r = run(process.execPath, [path.join(ROOT, 'scripts', 'build.js')]);
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.out}`);
}

/** Registers the tslab kernel inside the checkout (.jupyter/), with Debian's python, when it is not there yet. */
function ensureKernel(): void {
  if (run('jupyter', ['nbconvert', '--version']).status !== 0) {
    throw new InputError(
      `jupyter nbconvert is not installed; on Debian: apt-get install -y --no-install-recommends ${APT_PACKAGES}`,
    );
  }
  if (fs.existsSync(path.join(JUPYTER_PATH, 'kernels', 'tslab', 'kernel.json'))) return;
  const r = run(process.execPath, [
    path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'),
    'install',
    '--python=/usr/bin/python3',
    `--binary=${path.join(ROOT, 'node_modules', '.bin', 'tslab')}`,
    `--prefix=${JUPYTER_PREFIX}`,
  ]);
  if (r.status !== 0) throw new Error(`tslab install failed:\n${r.out}`);
}

export interface NotebookRun {
  notebook: string;
  seconds: number;
  /** The executed notebook's path. */
  output: string;
}

/** One nbconvert run, asynchronously (so that --jobs can run several). */
function runAsync(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => resolve({ status: null, out: e.message }));
    child.on('close', (status) => resolve({ status, out }));
  });
}

export interface ExecuteOptions {
  /** The tests' scale (TAILEDCORE_NOTEBOOKS=fast). */
  fast: boolean;
  /** Notebook numbers or names; all when absent. */
  only?: string[];
  /** Write the executed notebooks here instead of in place. */
  outDir?: string;
  /** Per-cell time limit in seconds. */
  timeout: number;
  /** Notebooks executed at the same time. @default 1 */
  jobs?: number;
}

/** Executes the notebooks; throws when one has an error cell, naming it and quoting the error. */
export async function executeNotebooks(opts: ExecuteOptions): Promise<NotebookRun[]> {
  build();
  ensureKernel();
  // The dataset notebooks 02-05 share, generated once here (reused when complete), so concurrent notebooks never
  // race to write it. Paths in the settings are relative to notebooks/.
  const settings = notebookSettings(opts.fast ? 'fast' : 'full');
  await generateSynthetic({ out: path.resolve(NOTEBOOK_DIR, settings.root), ...settings.synthetic, quiet: true });
  // At the fast scale the grid notebooks start from an empty results folder, so they fit every time instead of
  // resuming runs that an older version of the code finished.
  if (opts.fast) fs.rmSync(path.resolve(NOTEBOOK_DIR, settings.resultsDir), { recursive: true, force: true });
  let names = listNotebooks();
  if (opts.only) {
    const want = opts.only;
    const unknown = want.filter((w) => !names.some((n) => n.startsWith(w) || n === w));
    if (unknown.length)
      throw new InputError(`--only: no notebook matches ${unknown.join(', ')} (have ${names.join(', ')})`);
    names = names.filter((n) => want.some((w) => n.startsWith(w) || n === w));
  }
  if (opts.outDir) fs.mkdirSync(opts.outDir, { recursive: true });
  const env = {
    ...process.env,
    JUPYTER_PATH,
    TAILEDCORE_NOTEBOOKS: opts.fast ? 'fast' : 'full',
    TAILEDCORE_QUIET: '1',
  };
  const runs: NotebookRun[] = [];
  const failures: string[] = [];
  const one = async (name: string): Promise<void> => {
    const t0 = Date.now();
    const where = opts.outDir ? ['--output-dir', path.resolve(opts.outDir)] : ['--inplace'];
    const r = await runAsync(
      'jupyter',
      [
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        path.join(NOTEBOOK_DIR, name),
        ...where,
        '--ExecutePreprocessor.kernel_name=tslab',
        `--ExecutePreprocessor.timeout=${opts.timeout}`,
        '--ExecutePreprocessor.record_timing=False',
      ],
      env,
    );
    const seconds = (Date.now() - t0) / 1000;
    if (r.status !== 0) {
      failures.push(
        `${name}: an error cell (nbconvert exit ${r.status}) after ${seconds.toFixed(0)} s:\n${r.out.slice(-6000)}`,
      );
      return;
    }
    const output = opts.outDir ? path.join(path.resolve(opts.outDir), name) : path.join(NOTEBOOK_DIR, name);
    runs.push({ notebook: name, seconds, output });
    console.log(
      `${name}: executed in ${seconds.toFixed(1)} s${opts.outDir ? ` -> ${output}` : ' (outputs stored in place)'}`,
    );
  };
  const queue = names.slice();
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) await one(name);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs ?? 1, names.length)) }, worker));
  if (failures.length) throw new Error(failures.join('\n\n'));
  return runs.sort((a, b) => (a.notebook < b.notebook ? -1 : 1));
}

async function main(p: ParsedCli): Promise<void> {
  await executeNotebooks({
    fast: p.values.fast === true,
    only: stringFlag(p, 'only')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    outDir: stringFlag(p, 'out-dir'),
    timeout: intFlag(p, 'timeout', { min: 1 }) ?? 1800,
    jobs: intFlag(p, 'jobs', { min: 1, max: 5 }) ?? 1,
  });
}

if (require.main === module) runCli(CLI, main);
