/**
 * `npx tsx bench/gpu-check.ts`: one short run that checks the CUDA paths where onnxruntime-node's CUDA provider is
 * installed, and records each figure beside the CPU one on the same inputs (results/bench/gpu-check.json):
 * - kNN scoring (exact 1-NN, nearestSquared) and the LOF k-NN (knnSquared): results must equal the CPU ones;
 * - the backbone (the bundled MobileNetV2 converted to ONNX, 16 images at 224 px): outputs within 1e-3 of the CPU's;
 * - the greedy coreset has no GPU path (it runs on the CPU cores); its CPU time on the same machine is recorded.
 * Without the provider it says so in one line and exits with code 2 (nothing measured): no GPU was lent to the
 * sessions that wrote this kit, so the GPU figures are untested (2026-12-03).
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { nearestSquared, knnSquared, ortCudaInstalled, zeros, Matrix } from '../src/linalg';
import { greedyCoresetParallel } from '../src/sampling';
import { loadBundledBackbone } from '../src/features/backbones';
import { withFastestEngine } from '../src/features/backbones';
import { createRng, runCli, InputError } from '../src/util';
import type { CliSpec } from '../src/util';
import { writeFileAtomic } from '../src/util';

const SPEC: CliSpec = {
  command: 'npx tsx bench/gpu-check.ts',
  summary:
    "Checks the CUDA paths (kNN scoring, LOF k-NN, the backbone) against the CPU on one machine with onnxruntime's CUDA provider; writes results/bench/gpu-check.json.",
  flags: {},
};

function gaussian(rows: number, cols: number, seed: string): Matrix {
  const rng = createRng(seed);
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ s: number; v: T }> {
  await fn(); // warm-up (session creation, CUDA context)
  const t0 = performance.now();
  const v = await fn();
  return { s: (performance.now() - t0) / 1000, v };
}

async function main(): Promise<void> {
  if (!ortCudaInstalled()) {
    throw new InputError(
      "gpu-check: onnxruntime-node's CUDA provider (libonnxruntime_providers_cuda.so) is not installed here; nothing measured. " +
        'On a GPU machine install it (README, GPU section) and rerun.',
    );
  }
  const out: Record<string, unknown>[] = [];
  const q = gaussian(8192, 1024, 'gpu-q'),
    bank = gaussian(100000, 1024, 'gpu-bank');
  for (const device of ['cpu', 'cuda'] as const) {
    const r = await timed(() => nearestSquared(q, bank, { engine: 'ort', device }));
    out.push({
      kernel: 'kNN 1-NN',
      device,
      size: '8192x100000x1024',
      seconds: r.s,
      gflops: (2 * 8192 * 1e5 * 1024) / r.s / 1e9,
      index: r.v.index,
    });
  }
  const pts = gaussian(1900, 128, 'gpu-lof');
  for (const device of ['cpu', 'cuda'] as const) {
    const r = await timed(() => knnSquared(pts, 6, true, { engine: 'ort', device }));
    out.push({ kernel: 'LOF k-NN (k=6)', device, size: '1900x128', seconds: r.s, index: r.v.index });
  }
  const same = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  const knnSame = same(out[0].index as Int32Array, out[1].index as Int32Array);
  const lofSame = same(out[2].index as Int32Array, out[3].index as Int32Array);
  for (const o of out) delete o.index;
  const batch = { data: gaussian(16 * 224 * 224, 3, 'gpu-img').data, count: 16, height: 224, width: 224 };
  const outs: Float32Array[] = [];
  for (const device of ['cpu', 'cuda'] as const) {
    const bb = await withFastestEngine(await loadBundledBackbone(), { quiet: true, device });
    const r = await timed(() => bb.extract(batch));
    const first = Object.values(r.v.layers[0])[0];
    outs.push(first.data);
    out.push({
      kernel: 'backbone (bundled MobileNetV2, ONNX)',
      device,
      size: '16 images x 224 px',
      seconds: r.s,
      engine: bb.engine,
    });
    bb.dispose();
  }
  let worst = 0;
  for (let i = 0; i < outs[0].length; i++) worst = Math.max(worst, Math.abs(outs[0][i] - outs[1][i]));
  const f = gaussian(200000, 128, 'gpu-coreset');
  const t0 = performance.now();
  await greedyCoresetParallel(f, createRng('gpu-coreset'), { ratio: 0.01, projDim: 128 });
  out.push({
    kernel: 'greedy coreset (CPU only, no GPU path)',
    device: 'cpu',
    size: '200000x128 -> 2000',
    seconds: (performance.now() - t0) / 1000,
  });
  const result = {
    date: new Date().toISOString(),
    load: loadavg()[0],
    knn_identical: knnSame,
    lof_knn_identical: lofSame,
    backbone_max_abs_difference: worst,
    rows: out,
  };
  const dir = join(__dirname, '..', 'results', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'gpu-check.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}

if (require.main === module) runCli(SPEC, main);
