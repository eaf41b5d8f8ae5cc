/** The environment of a run (env.json): enough to tell two runs' numbers apart. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import { nativeStatus } from '../linalg/native';

const PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node-gpu',
  'onnxruntime-node',
  'sharp',
  'danfojs-node',
  'vega',
  'vega-lite',
  'nsfwjs',
  'seedrandom',
  'tsx',
  'typescript',
];

/** Installed versions of the kit's main packages (null when absent). */
export function packageVersions(cwd = process.cwd()): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const p of PACKAGES) {
    try {
      out[p] = JSON.parse(fs.readFileSync(path.join(cwd, 'node_modules', p, 'package.json'), 'utf8')).version ?? null;
    } catch {
      out[p] = null;
    }
  }
  return out;
}

/** HEAD commit and whether the working tree has changes; nulls outside a git checkout. */
export function gitState(cwd = process.cwd()): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}

export interface RunEnvironment {
  createdAt: string;
  node: string;
  platform: string;
  cpus: number;
  backend: string;
  seeds: number[];
  git: { commit: string | null; dirty: boolean | null };
  packages: Record<string, string | null>;
  /** Whether the native kernels (src/native: k-center, int8 scoring, scans) ran, or why not; results are equal either way. */
  native: { available: boolean; reason: string };
  features: unknown;
}

export function describeEnvironment(backend: string, seeds: number[], features: unknown): RunEnvironment {
  return {
    createdAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    backend,
    seeds,
    git: gitState(),
    packages: packageVersions(),
    native: nativeStatus(),
    features,
  };
}
