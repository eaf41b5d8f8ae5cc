/**
 * Scratch bench for issue #18: does onnxruntime's intra-op spinning (on by default) cost the JavaScript thread CPU on
 * this 2-core machine? The e2e scoring's shape, as the certified 1-NN runs it: blocks of 1024 query rows x 3039 bank
 * rows (d 256, k 16, a float32 Gemm + TopK graph), each run followed by ~3 ms of single-threaded JavaScript (as the
 * candidate re-ranking does). Two sessions, spinning on and off, interleaved; wall, JS-stage and process CPU per call.
 * Usage: npx tsx bench/predict-spin.ts [rounds] [jsWorkMs]
 */
import { loadavg } from 'node:os';
import { buildOnnxModel, onnxAttr, loadOrt } from '../src/linalg';

function graph(): Uint8Array {
  return buildOnnxModel({
    name: 'spin_probe_topk',
    inputs: [
      { name: 'q', elemType: 'float', dims: ['nq', 'd'] },
      { name: 'b', elemType: 'float', dims: ['nb', 'd'] },
      { name: 'bnorm', elemType: 'float', dims: ['nb'] },
      { name: 'k', elemType: 'int64', dims: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float', dims: ['nq', 'k'] },
      { name: 'indices', elemType: 'int64', dims: ['nq', 'k'] },
    ],
    nodes: [
      {
        opType: 'Gemm',
        inputs: ['q', 'b', 'bnorm'],
        outputs: ['scores'],
        attributes: { alpha: onnxAttr.float(-2), beta: onnxAttr.float(1), transB: onnxAttr.int(1) },
      },
      {
        opType: 'TopK',
        inputs: ['scores', 'k'],
        outputs: ['values', 'indices'],
        attributes: { axis: onnxAttr.int(1), largest: onnxAttr.int(0), sorted: onnxAttr.int(1) },
      },
    ],
  });
}

/** A fixed amount of float work calibrated to about `ms` on this machine (stands in for the JS re-ranking). */
function jsWork(iters: number, buf: Float64Array): number {
  let s = 0;
  for (let i = 0; i < iters; i++) s += buf[i & 4095] * buf[(i * 7) & 4095];
  return s;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 7);
  const jsMs = Number(process.argv[3] ?? 3);
  const ort = loadOrt()!;
  const model = graph();
  const base = {
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all' as const,
  };
  const sessions = {
    spin: await ort.InferenceSession.create(model, base),
    noSpin: await ort.InferenceSession.create(model, {
      ...base,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    }),
  };
  const nq = 1024,
    nb = 3039,
    d = 256,
    blocks = 12;
  const q = Float32Array.from({ length: nq * d }, () => Math.random());
  const b = Float32Array.from({ length: nb * d }, () => Math.random());
  const bnorm = new Float32Array(nb);
  for (let r = 0; r < nb; r++) for (let c = 0; c < d; c++) bnorm[r] += b[r * d + c] ** 2;
  const buf = Float64Array.from({ length: 4096 }, () => Math.random());
  // calibrate the JS stage on a quiet thread
  let iters = 1e6;
  for (let t = 0; t < 20; t++) jsWork(iters, buf); // optimised before it is timed
  for (let t = 0; t < 5; t++) {
    const t0 = performance.now();
    jsWork(iters, buf);
    iters = Math.round((iters * jsMs) / Math.max(0.05, performance.now() - t0));
  }
  const feeds = {
    q: new ort.Tensor('float32', q, [nq, d]),
    b: new ort.Tensor('float32', b, [nb, d]),
    bnorm: new ort.Tensor('float32', bnorm, [nb]),
    k: new ort.Tensor('int64', BigInt64Array.of(16n), [1]),
  };
  const best: Record<string, { wall: number; js: number; run: number; cpu: number }> = {};
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const line: string[] = [];
    for (const [name, sess] of Object.entries(sessions)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let js = 0,
        run = 0;
      for (let i = 0; i < blocks; i++) {
        const a = performance.now();
        await sess.run(feeds);
        const m = performance.now();
        sink += jsWork(iters, buf);
        js += performance.now() - m;
        run += m - a;
      }
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1000;
      const p = best[name] ?? { wall: Infinity, js: Infinity, run: Infinity, cpu: Infinity };
      best[name] = {
        wall: Math.min(p.wall, wall),
        js: Math.min(p.js, js),
        run: Math.min(p.run, run),
        cpu: Math.min(p.cpu, cpu),
      };
      line.push(
        `${name}: wall ${wall.toFixed(0)} (runs ${run.toFixed(0)}, js ${js.toFixed(0)}) cpu ${cpu.toFixed(0)} ms`,
      );
    }
    console.log(`round ${r} load ${loadavg()[0].toFixed(2)}: ${line.join('; ')}`);
  }
  console.log(`JS stage calibrated to ${jsMs} ms x ${blocks} blocks`);
  console.log('min ms', JSON.stringify(best), sink > 0 ? '' : ' ');
}

void main();
