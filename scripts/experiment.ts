/**
 * npm run experiment -- --config FILE [--shard I/N | --shards N] [--stage features] [--merge] [--emit slurm|k8s] ...
 * Runs (or resumes) an experiment grid or one shard of it; merges the parts; writes cluster job files.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  readConfigFile,
  experimentHelp,
  runExperiment,
  runFeatureStage,
  runDir,
  mergeRun,
  resolveShard,
  preflight,
} from '../src/experiments';
import { emitJobs, EMIT_TARGETS, EmitTarget } from '../src/experiments';
import { kitPipeline } from '../src/experiments';
import { writeRunOutputs } from '../src/experiments';
import type { Pipeline } from '../src/experiments';
import { MODEL_NAMES } from '../src/models';
import { CliSpec, intFlag, requiredFlag, runCli, stringFlag } from '../src/util';
import { OptionError } from '../src/util';

const SPEC: CliSpec = {
  command: 'npm run experiment --',
  summary:
    'Runs (or resumes) an experiment grid, one shard of it, or a merge of its shards; writes results.csv, summary.csv, summary.md and figures in <resultsDir>/<run>/.',
  flags: {
    config: {
      type: 'string',
      value: 'FILE',
      description: 'experiment config (JSON); see configs/synthetic-benchmark.json and configs/paper-mvtec.json',
    },
    shard: {
      type: 'string',
      value: 'I/N',
      description: 'run only shard I of N (0-based) and write its part; merge afterwards with --merge',
    },
    shards: {
      type: 'string',
      value: 'N',
      description: 'number of shards, the index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX',
    },
    stage: {
      type: 'string',
      value: 'STAGE',
      description: "fits (cells) or features (fill the shared feature cache with this shard's slice of images)",
      default: 'fits',
    },
    merge: {
      type: 'boolean',
      description:
        'combine the parts into results.csv, summaries and figures (refuses if a cell is missing or duplicated)',
    },
    wait: {
      type: 'boolean',
      description: 'when another process writes the same shard, wait for it instead of stopping',
    },
    'summary-only': {
      type: 'boolean',
      description: 'only rewrite summary.csv, summary.md and figures from results.csv',
    },
    emit: {
      type: 'string',
      value: 'slurm|k8s',
      description: 'write job files for a cluster (features, fits, merge) instead of running',
    },
    out: {
      type: 'string',
      value: 'DIR',
      description: 'folder for --emit files',
      default: '<resultsDir>/<run>/<slurm|k8s>',
    },
    partition: { type: 'string', value: 'NAME', description: '--emit slurm: partition' },
    time: { type: 'string', value: 'HH:MM:SS', description: '--emit slurm: time limit per task' },
    mem: {
      type: 'string',
      value: 'SIZE',
      description: '--emit: memory per task, e.g. 16G',
      default: 'the largest cell estimate',
    },
    gres: {
      type: 'string',
      value: 'gpu:N',
      description: '--emit: generic resources per task (SLURM --gres; k8s nvidia.com/gpu)',
    },
    cpus: { type: 'string', value: 'N', description: '--emit: CPUs per task', default: '4' },
    image: {
      type: 'string',
      value: 'IMAGE',
      description: '--emit k8s: container image with Node 20',
      default: 'node:20-bookworm',
    },
    pvc: {
      type: 'string',
      value: 'CLAIM',
      description: '--emit k8s: PersistentVolumeClaim with the checkout, data and results',
      default: 'tailedcore',
    },
    mount: {
      type: 'string',
      value: 'PATH',
      description: "--emit k8s: where the claim is mounted (the jobs' working directory)",
      default: '/work',
    },
    'maps-per-class': {
      type: 'string',
      value: 'N',
      description:
        'test images per class and method kept as anomaly-map thumbnails for report.html, at each end (highest and lowest score)',
      default: '1',
    },
    pipeline: {
      type: 'string',
      value: 'MODULE',
      description: "a module exporting pipeline(): Pipeline, instead of the kit's (tests, custom backbones)",
    },
  },
  epilog:
    'A single process (no --shard) runs every cell and merges. Sharded: run --stage features and then the fits for every\n' +
    'I in 0..N-1 (any order, any machines sharing the run folder and cache), then --merge. --emit slurm|k8s writes that\n' +
    'as job files. A top-level "$comment" key in the config is free text; any other unknown key is an error.\n\n' +
    experimentHelp(MODEL_NAMES),
};

async function loadPipeline(module: string | undefined): Promise<Pipeline> {
  if (!module) return kitPipeline();
  const mod = (await import(pathToFileURL(path.resolve(module)).href)) as {
    pipeline?: () => Pipeline;
    default?: () => Pipeline;
  };
  const make = mod.pipeline ?? mod.default;
  if (typeof make !== 'function')
    throw new OptionError(`--pipeline ${module}: the module exports no pipeline() function`);
  return make();
}

runCli(SPEC, async (p) => {
  const configFile = requiredFlag(p, SPEC, 'config');
  const config = readConfigFile(configFile, MODEL_NAMES);
  const dir = runDir(config);
  const modes = ['merge', 'summary-only', 'emit'].filter((m) => p.values[m] !== undefined && p.values[m] !== false);
  if (modes.length > 1) throw new OptionError(`--${modes.join(' and --')} cannot be combined`);
  const stage = stringFlag(p, 'stage') ?? 'fits';
  if (stage !== 'fits' && stage !== 'features')
    throw new OptionError(`--stage must be fits or features, got "${stage}"`);
  const log = (l: string) => console.error(l);

  const emit = stringFlag(p, 'emit');
  if (emit !== undefined) {
    if (!EMIT_TARGETS.includes(emit as EmitTarget))
      throw new OptionError(`--emit must be one of ${EMIT_TARGETS.join(', ')}, got "${emit}"`);
    const shards = intFlag(p, 'shards', { min: 1, max: 100000 });
    if (shards === undefined) throw new OptionError('--emit needs --shards N (the number of array tasks per stage)');
    const pipeline = await loadPipeline(stringFlag(p, 'pipeline'));
    preflight(config, pipeline);
    const k8s = emit === 'k8s';
    const mount = stringFlag(p, 'mount') ?? '/work';
    const extraArgs = stringFlag(p, 'pipeline')
      ? ['--pipeline', k8s ? stringFlag(p, 'pipeline')! : path.resolve(stringFlag(p, 'pipeline')!)]
      : [];
    const r = emitJobs(config, emit as EmitTarget, {
      configFile: k8s ? path.relative(process.cwd(), path.resolve(configFile)) : path.resolve(configFile),
      shards,
      out: path.resolve(stringFlag(p, 'out') ?? path.join(dir, emit)),
      workdir: k8s ? mount : process.cwd(),
      extraArgs,
      partition: stringFlag(p, 'partition'),
      time: stringFlag(p, 'time'),
      mem: stringFlag(p, 'mem'),
      gres: stringFlag(p, 'gres'),
      cpus: intFlag(p, 'cpus', { min: 1, max: 1024 }),
      image: stringFlag(p, 'image'),
      pvc: stringFlag(p, 'pvc'),
      mount,
    });
    console.log(`${r.cells} cells in ${shards} shards; largest cell ~${r.memMiB} MiB\n${r.files.join('\n')}`);
    console.log(`submit: ${path.join(path.dirname(r.files[0]), 'submit.sh')}`);
    return;
  }

  if (p.values['summary-only']) {
    const outs = await writeRunOutputs(dir);
    console.log(outs.summaryMarkdown);
    return;
  }

  if (p.values.merge) {
    const m = await mergeRun(config, log);
    const outs = await writeRunOutputs(dir);
    console.log(outs.summaryMarkdown);
    console.log(
      `merged ${m.cells} cells (${m.rows} rows) from ${m.parts.join(', ')}\nresults: ${dir}/results.csv\nsummary: ${dir}/summary.csv, summary.md\nfigures: ${outs.figures.join(', ')}\nreport: ${outs.report.file} (${(outs.report.bytes / 1024).toFixed(0)} KiB)`,
    );
    return;
  }

  const shard = resolveShard({ shard: stringFlag(p, 'shard'), shards: stringFlag(p, 'shards') });
  const pipeline = await loadPipeline(stringFlag(p, 'pipeline'));
  const t0 = Date.now();
  if (stage === 'features') {
    const r = await runFeatureStage(config, pipeline, { shard, log });
    console.error(
      `features shard ${shard.index}/${shard.count}: ${r.images} images in the cache in ${((Date.now() - t0) / 60000).toFixed(1)} min`,
    );
    return;
  }
  const details = { mapsPerClass: intFlag(p, 'maps-per-class', { min: 0, max: 100 }) };
  const s = await runExperiment(config, pipeline, { shard, wait: p.values.wait === true, log, details });
  console.error(
    `ran ${s.ranCells} cells (${s.skippedCells} were done before${s.recomputed.length ? `, ${s.recomputed.length} recomputed after a failed check` : ''}) in ${((Date.now() - t0) / 60000).toFixed(1)} min`,
  );
  if (s.merged) {
    const outs = await writeRunOutputs(dir);
    console.log(outs.summaryMarkdown);
    console.log(
      `results: ${dir}/results.csv\nsummary: ${dir}/summary.csv, summary.md\nfigures: ${outs.figures.join(', ')}\nreport: ${outs.report.file} (${(outs.report.bytes / 1024).toFixed(0)} KiB)`,
    );
  }
});
