/**
 * Cluster job files for a sharded run, in three stages: features (an array that fills the shared feature cache),
 * fits (an array of shards, after the features succeeded) and merge (after every fit shard succeeded).
 *   slurm: features.sbatch, fits.sbatch, merge.sbatch and submit.sh (sbatch --dependency=afterok chains them);
 *   k8s:   three Indexed Job manifests and submit.sh (kubectl apply, then kubectl wait between stages).
 * Plus cells.tsv: every cell with its shard, estimated cost and estimated memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { OptionError } from '../util/errors';
import type { ResolvedConfig } from './config';
import { Cell, expandGrid } from './grid';
import { checkEmitShardLayout } from './emit-check';
import { assignShards, estimateCellCost } from './shards';
import { methodInfo } from '../models/registry';

export type EmitTarget = 'slurm' | 'k8s';
export const EMIT_TARGETS: readonly EmitTarget[] = ['slurm', 'k8s'];

export interface EmitOptions {
  /** Absolute path of the config file the jobs run. */
  configFile: string;
  /** Number of shards of the features and fits stages. */
  shards: number;
  /** Folder the files are written to. */
  out: string;
  /** Working directory of the jobs (the kit's checkout; relative config paths resolve from it). */
  workdir: string;
  /** The command that runs the experiment CLI. @default ['npm', 'run', '--silent', 'experiment', '--'] */
  command?: string[];
  /** Extra arguments passed to every stage (e.g. --pipeline MODULE). @default [] */
  extraArgs?: string[];
  /** SLURM partition. @default none (the cluster's default) */
  partition?: string;
  /** SLURM time limit per task, e.g. 02:00:00. @default none */
  time?: string;
  /** Memory per task, e.g. 16G; @default the largest estimate of the task's cells */
  mem?: string;
  /** Generic resources, e.g. gpu:1 (SLURM --gres; on Kubernetes gpu:N becomes nvidia.com/gpu: N). @default none */
  gres?: string;
  /** CPUs per task. @default 4 */
  cpus?: number;
  /** Kubernetes: container image holding Node 20. @default 'node:20-bookworm' */
  image?: string;
  /** Kubernetes: PersistentVolumeClaim holding the checkout, data, cache and results. @default 'tailedcore' */
  pvc?: string;
  /** Kubernetes: where the claim is mounted (and the jobs' working directory is `workdir` inside it). @default '/work' */
  mount?: string;
}

const MiB = 1024 * 1024;

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function imageCount(root: string): number | null {
  if (!fs.existsSync(root)) return null;
  let n = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/\.(png|jpe?g|bmp|tiff?)$/i.test(e.name) && !d.includes(`${path.sep}ground_truth`)) n++;
    }
  };
  walk(root);
  return n;
}

/**
 * Memory of one cell in MiB, as an estimate: the feature store of the whole dataset, three copies of the training
 * patches while the banks are built (features, projections, coreset work), the augmented tail views for methods
 * with a tail branch, and 1.5 GiB for Node, the backbone and the engines.
 */
export function estimateCellMemoryMiB(config: ResolvedConfig, cell: Cell, images: number): number {
  const crop = config.features.crop ?? 224;
  const dim = config.features.targetDim ?? 192;
  const perImage = Math.ceil(crop / 8) ** 2 * dim * 4;
  const train = images * 0.5 * (1 + cell.noiseRatio); // about half of an MVTec-layout set is training images
  const tailViews = methodInfo(cell.method.name)?.tailBranch !== false ? 0.1 * train * 47 : 0; // <= 10 % tail images x up to 47 views
  const bytes = images * perImage + 3 * train * perImage + tailViews * perImage;
  return Math.ceil(bytes / MiB + 1536);
}

function stageArgs(o: EmitOptions, stage: 'features' | 'fits' | 'merge'): string {
  const cmd = o.command ?? ['npm', 'run', '--silent', 'experiment', '--'];
  const args = [...cmd, '--config', o.configFile];
  if (stage === 'features') args.push('--stage', 'features', '--shards', String(o.shards));
  else if (stage === 'fits') args.push('--shards', String(o.shards));
  else args.push('--merge');
  args.push(...(o.extraArgs ?? []));
  return args.map(shellQuote).join(' ');
}

export interface EmitResult {
  files: string[];
  memMiB: number;
  cells: number;
}

function planCells(config: ResolvedConfig, shards: number): { lines: string[]; memMiB: number } {
  const cells = expandGrid(config);
  const assign = assignShards(cells, shards);
  const counts = new Map(config.datasets.map((d) => [d.name, imageCount(d.root) ?? 5000] as [string, number]));
  let memMiB = 0;
  const lines = ['cell\tshard\test_cost\test_mem_mib'];
  cells.forEach((c, i) => {
    const m = estimateCellMemoryMiB(config, c, counts.get(c.dataset.name)!);
    memMiB = Math.max(memMiB, m);
    lines.push(`${c.key}\t${assign[i]}\t${estimateCellCost(c).toFixed(2)}\t${m}`);
  });
  return { lines, memMiB };
}

/** Writes the job files of `target` into o.out and returns their paths. */
export function emitJobs(config: ResolvedConfig, target: EmitTarget, o: EmitOptions): EmitResult {
  if (!EMIT_TARGETS.includes(target))
    throw new OptionError(`--emit must be one of ${EMIT_TARGETS.join(', ')}, got "${target}"`);
  if (!Number.isInteger(o.shards) || o.shards < 1) throw new OptionError('--shards must be an integer >= 1');
  if (o.gres !== undefined && !/^[A-Za-z0-9_:-]+$/.test(o.gres))
    throw new OptionError(`--gres must look like gpu:1, got "${o.gres}"`);
  checkEmitShardLayout(config, o.shards); // before any file is written
  const plan = planCells(config, o.shards);
  const mem = o.mem ?? `${plan.memMiB}M`;
  if (!/^\d+[KMGT]?$/.test(mem)) throw new OptionError(`--mem must be a size like 16G or 4000M, got "${mem}"`);
  fs.mkdirSync(o.out, { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string, exec = false) => {
    const f = path.join(o.out, name);
    writeFileAtomic(f, text);
    if (exec) fs.chmodSync(f, 0o755);
    files.push(f);
  };
  write('cells.tsv', plan.lines.join('\n') + '\n');
  const cpus = o.cpus ?? 4;
  if (target === 'slurm') {
    const logs = path.join(o.out, 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const header = (stage: string, array: boolean) => [
      '#!/bin/bash',
      `#SBATCH --job-name=${config.run}-${stage}`,
      ...(array ? [`#SBATCH --array=0-${o.shards - 1}`] : []),
      `#SBATCH --output=${logs}/${stage}-%A${array ? '_%a' : ''}.out`,
      `#SBATCH --cpus-per-task=${cpus}`,
      `#SBATCH --mem=${mem}`,
      ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
      ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
      ...(o.gres && stage !== 'merge' ? [`#SBATCH --gres=${o.gres}`] : []),
      `# estimated memory of the largest cell: ${plan.memMiB} MiB (per-cell estimates in cells.tsv)`,
      'set -euo pipefail',
      `cd ${shellQuote(o.workdir)}`,
    ];
    write(
      'features.sbatch',
      [
        ...header('features', true),
        '# shard index and count come from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT',
        `exec ${stageArgs(o, 'features')}`,
        '',
      ].join('\n'),
    );
    write('fits.sbatch', [...header('fits', true), `exec ${stageArgs(o, 'fits')}`, ''].join('\n'));
    write('merge.sbatch', [...header('merge', false), `exec ${stageArgs(o, 'merge')}`, ''].join('\n'));
    write(
      'submit.sh',
      [
        '#!/bin/bash',
        `# Submits run "${config.run}": features (array of ${o.shards}), then fits (array of ${o.shards}), then merge.`,
        'set -euo pipefail',
        'cd "$(dirname "$0")"',
        'features=$(sbatch --parsable features.sbatch); features=${features%%;*}',
        'fits=$(sbatch --parsable --dependency=afterok:$features fits.sbatch); fits=${fits%%;*}',
        'merge=$(sbatch --parsable --dependency=afterok:$fits merge.sbatch); merge=${merge%%;*}',
        'echo "submitted: features $features, fits $fits, merge $merge"',
        'echo "$features $fits $merge" > job-ids',
        '',
      ].join('\n'),
      true,
    );
  } else {
    const gpus = o.gres ? /^gpu(?::[A-Za-z0-9_-]+)?:(\d+)$/.exec(o.gres)?.[1] : undefined;
    if (o.gres && gpus === undefined)
      throw new OptionError(`--gres for k8s must be gpu:N (or gpu:TYPE:N), got "${o.gres}"`);
    const memK8s = mem.replace(/^(\d+)([KMGT])$/, '$1$2i').replace(/^(\d+)$/, '$1Mi');
    const job = (stage: 'features' | 'fits' | 'merge') => {
      const indexed = stage !== 'merge';
      const n = indexed ? o.shards : 1;
      return {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: `${config.run}-${stage}`.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
          labels: { app: 'tailedcore-kit', run: config.run.toLowerCase().replace(/[^a-z0-9-]/g, '-'), stage },
        },
        spec: {
          ...(indexed ? { completionMode: 'Indexed' } : {}),
          completions: n,
          parallelism: n,
          backoffLimit: indexed ? 2 * n : 2,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: stage,
                  image: o.image ?? 'node:20-bookworm',
                  workingDir: o.workdir,
                  // JOB_COMPLETION_INDEX is set by Kubernetes in Indexed Jobs; --shards gives the count.
                  command: ['bash', '-c', `exec ${stageArgs(o, stage)}`],
                  resources: {
                    requests: { cpu: String(cpus), memory: memK8s },
                    limits: {
                      memory: memK8s,
                      ...(gpus && stage !== 'merge' ? { 'nvidia.com/gpu': Number(gpus) } : {}),
                    },
                  },
                  volumeMounts: [{ name: 'work', mountPath: o.mount ?? '/work' }],
                },
              ],
              volumes: [{ name: 'work', persistentVolumeClaim: { claimName: o.pvc ?? 'tailedcore' } }],
            },
          },
        },
      };
    };
    const names: string[] = [];
    for (const stage of ['features', 'fits', 'merge'] as const) {
      const j = job(stage);
      names.push(j.metadata.name);
      write(
        `${stage}-job.yaml`,
        `# estimated memory of the largest cell: ${plan.memMiB} MiB (per-cell estimates in cells.tsv)\n${toYaml(j)}`,
      );
    }
    write(
      'submit.sh',
      [
        '#!/bin/bash',
        `# Runs "${config.run}" on Kubernetes: features, then fits, then merge (each waits for the previous Job to complete).`,
        'set -euo pipefail',
        'cd "$(dirname "$0")"',
        `kubectl apply -f features-job.yaml && kubectl wait --for=condition=complete --timeout=-1s job/${names[0]}`,
        `kubectl apply -f fits-job.yaml && kubectl wait --for=condition=complete --timeout=-1s job/${names[1]}`,
        `kubectl apply -f merge-job.yaml && kubectl wait --for=condition=complete --timeout=-1s job/${names[2]}`,
        '',
      ].join('\n'),
      true,
    );
  }
  return { files, memMiB: plan.memMiB, cells: plan.lines.length - 1 };
}

/** A small YAML writer for plain data (objects, arrays, strings, numbers, booleans); strings are double-quoted. */
export function toYaml(v: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  const scalar = (x: unknown) => (typeof x === 'string' ? JSON.stringify(x) : String(x));
  if (Array.isArray(v)) {
    if (v.length === 0) return `${pad}[]\n`;
    return v
      .map((x) => {
        if (x !== null && typeof x === 'object') {
          const inner = toYaml(x, indent + 2);
          return `${pad}- ${inner.slice(indent + 2)}`;
        }
        return `${pad}- ${scalar(x)}\n`;
      })
      .join('');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([k, x]) => {
        const key = /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(k) ? k : JSON.stringify(k);
        if (x !== null && typeof x === 'object' && (Array.isArray(x) ? x.length > 0 : Object.keys(x).length > 0))
          return `${pad}${key}:\n${toYaml(x, indent + 2)}`;
        if (x !== null && typeof x === 'object') return `${pad}${key}: ${Array.isArray(x) ? '[]' : '{}'}\n`;
        return `${pad}${key}: ${scalar(x)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(v)}\n`;
}
