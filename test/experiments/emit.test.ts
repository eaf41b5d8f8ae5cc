import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { emitJobs, toYaml } from '../../src/experiments/emit';

const MODELS = ['patchcore', 'softpatch', 'tailedcore'];

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-emit-'));
  const config = resolveConfig(
    {
      run: 'paper',
      datasets: [path.join(dir, 'absent')],
      seeds: [1, 2, 3],
      methods: MODELS,
      features: { crop: 224, cacheDir: 'data/cache' },
    },
    MODELS,
  );
  return { dir, config };
}

test('--emit slurm writes the three stages chained by afterok dependencies, with the requested resources', () => {
  const { dir, config } = setup();
  const out = path.join(dir, 'slurm');
  const r = emitJobs(config, 'slurm', {
    configFile: '/abs/cfg.json',
    shards: 4,
    out,
    workdir: '/repo',
    partition: 'gpu',
    time: '04:00:00',
    gres: 'gpu:1',
    cpus: 8,
  });
  assert.equal(r.cells, 3 * 3 * 3);
  const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');
  const features = read('features.sbatch');
  assert.match(features, /#SBATCH --array=0-3\n/);
  assert.match(features, /#SBATCH --partition=gpu\n/);
  assert.match(features, /#SBATCH --time=04:00:00\n/);
  assert.match(features, /#SBATCH --gres=gpu:1\n/);
  assert.match(features, /#SBATCH --cpus-per-task=8\n/);
  assert.match(features, new RegExp(`#SBATCH --mem=${r.memMiB}M\\n`));
  assert.match(
    features,
    /cd \/repo\n(#[^\n]*\n)?exec npm run --silent experiment -- --config \/abs\/cfg\.json --stage features --shards 4\n/,
  );
  assert.match(read('fits.sbatch'), /exec npm run --silent experiment -- --config \/abs\/cfg\.json --shards 4\n/);
  assert.doesNotMatch(read('merge.sbatch'), /--array|--gres/);
  assert.match(read('merge.sbatch'), /--merge\n/);
  const submit = read('submit.sh');
  assert.match(submit, /fits=\$\(sbatch --parsable --dependency=afterok:\$features fits\.sbatch\)/);
  assert.match(submit, /merge=\$\(sbatch --parsable --dependency=afterok:\$fits merge\.sbatch\)/);
  const tsv = read('cells.tsv').trim().split('\n');
  assert.equal(tsv.length, 28);
  assert.equal(tsv[1].split('\t')[0], 'absent|step|1|0.1|1|patchcore');
  // the memory estimate grows with the input size and is largest for TailedCore
  const mem = (name: string) =>
    Math.max(
      ...tsv
        .slice(1)
        .filter((l) => l.split('\t')[0].endsWith(name))
        .map((l) => Number(l.split('\t')[3])),
    );
  assert.ok(mem('tailedcore') > mem('patchcore'));
  const small = emitJobs(resolveConfig({ ...config, features: { crop: 56 } }, MODELS), 'slurm', {
    configFile: '/c',
    shards: 1,
    out: path.join(dir, 's2'),
    workdir: '/r',
  });
  assert.ok(small.memMiB < r.memMiB);
  assert.throws(
    () => emitJobs(config, 'slurm', { configFile: '/c', shards: 2, out, workdir: '/r', mem: 'lots' }),
    /--mem must be a size/,
  );
});

test('--emit k8s writes Indexed Jobs for features and fits and a one-pod merge Job', () => {
  const { dir, config } = setup();
  const out = path.join(dir, 'k8s');
  emitJobs(config, 'k8s', {
    configFile: 'configs/paper.json',
    shards: 3,
    out,
    workdir: '/work',
    gres: 'gpu:2',
    image: 'me/kit:1',
    pvc: 'claim',
    mem: '12G',
  });
  const fits = fs.readFileSync(path.join(out, 'fits-job.yaml'), 'utf8');
  assert.match(fits, /kind: "Job"/);
  assert.match(fits, /completionMode: "Indexed"\n {2}completions: 3\n {2}parallelism: 3/);
  assert.match(fits, /- "exec npm run --silent experiment -- --config configs\/paper\.json --shards 3"/);
  assert.match(fits, /nvidia\.com\/gpu: 2\n/);
  assert.match(fits, /memory: "12Gi"/);
  assert.match(fits, /claimName: "claim"/);
  const merge = fs.readFileSync(path.join(out, 'merge-job.yaml'), 'utf8');
  assert.doesNotMatch(merge, /Indexed|nvidia/);
  assert.match(merge, /--merge/);
  assert.match(
    fs.readFileSync(path.join(out, 'submit.sh'), 'utf8'),
    /kubectl apply -f features-job\.yaml && kubectl wait --for=condition=complete --timeout=-1s job\/paper-features/,
  );
});

test('toYaml writes nested maps and lists that a YAML reader maps back to the same data (checked as JSON scalars)', () => {
  const y = toYaml({ a: 1, b: ['x', { c: true, d: [] }], e: { f: 'g: h' } });
  assert.equal(y, 'a: 1\nb:\n  - "x"\n  - c: true\n    d: []\ne:\n  f: "g: h"\n');
});
