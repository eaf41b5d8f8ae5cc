/**
 * `npm run bench -- --headline`: the rows docs/speed.md and the README quote, on real patch features only
 * (bench/real-features.ts), each kit/Python pair interleaved three times with the minimum of each side and the load
 * average before and after (bench/timing.ts). Rows whose load exceeded the core count are marked `loaded`.
 * Writes results/bench/headline.json and results/bench/headline.md (the tables, with date and load).
 */
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  zeros,
  matmulTransposed,
  nearestSquared,
  nearestSquaredRef,
  Matrix,
  KnnStats,
  NearestResult,
} from '../src/linalg';
import { coresetProjection } from '../src/sampling';
import { kCenterBruteForce } from '../src/sampling';
import { kCenterParallel, KCenterStats } from '../src/sampling';
import { lofPerPosition } from '../src/sampling';
import { AUGMENTATION_VIEWS } from '../src/features';
import { createRng } from '../src/util';
import { BenchRow } from './types';
import { BenchContext, THREADS, readF32, readI32, runPython, writeF32 } from './common';
import { allocatorEnv } from './fresh-memory';
import { CORESET_SPECS, e2eFeatures, e2eSpec, headBank, loadRealBanks, RealBanks } from './real-features';
import { interleave, PairTiming, round3 } from './timing';
import { rankAgreement } from './e2e';

type Py = { seconds: number; cpu_seconds?: number; [k: string]: unknown };

function pairRow(
  kernel: string,
  size: string,
  t: PairTiming<unknown, Py>,
  note: string,
  extra: BenchRow['extra'] = {},
  flops: number | null = null,
): BenchRow {
  return {
    kernel,
    size,
    seconds: t.kit.min,
    gflops: flops === null ? null : Math.round((flops / t.kit.min / 1e9) * 10) / 10,
    ratio_vs_naive: null,
    ratio_vs_python: t.python ? Math.round((t.python.min / t.kit.min) * 100) / 100 : null,
    python_seconds: t.python?.min ?? null,
    kit_runs: t.kit.runs,
    python_runs: t.python?.runs ?? [],
    cpu_seconds: t.kit.cpuSeconds,
    load: [t.loadBefore, t.loadAfter],
    loaded: t.loaded,
    input: 'real',
    note,
    extra: { ...extra, python_cpu_seconds: t.python?.cpuSeconds ?? null },
  };
}

/** Machine ceilings: streaming read of a bank, and torch GEMM in fp32 / bf16 / int8; the kit's own fp32 GEMM. */
async function calibration(ctx: BenchContext, knnShape: [number, number, number]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const rng = createRng('bench-calibration');
  const a = zeros(4096, 1024),
    b = zeros(4096, 1024);
  for (let i = 0; i < a.data.length; i++) {
    a.data[i] = rng.normal();
    b.data[i] = rng.normal();
  }
  const gemm = await interleave(() => matmulTransposed(a, b, { engine: 'ort', threads: THREADS }), null, 4);
  const flop = 2 * 4096 * 4096 * 1024;
  rows.push({
    ...pairRow(
      'calibration: kit fp32 GEMM (onnxruntime)',
      '4096x4096x1024',
      gemm,
      `onnxruntime Gemm, ${THREADS} threads, minimum of 4 (first is a warm-up)`,
      {},
      flop,
    ),
    input: 'uniform',
  });
  const [q, n, d] = knnShape;
  const py = runPython(ctx, 'calibrate.py', {
    m: 2048,
    n: 2048,
    k: 1024,
    bank_rows: 226000,
    bank_cols: 128,
    knn: [1024, n, d],
  });
  if (py) {
    const load: [number, number] = [gemm.loadBefore, gemm.loadAfter];
    const mk = (kernel: string, size: string, v: unknown, unit: string): BenchRow => ({
      kernel,
      size,
      seconds: NaN,
      gflops: unit === 'GFLOP/s' ? round3(Number(v)) : null,
      ratio_vs_naive: null,
      ratio_vs_python: null,
      input: 'uniform',
      load,
      loaded: gemm.loaded,
      extra: { [unit]: v === null ? null : round3(Number(v)) },
      note: `bench/python/calibrate.py (torch ${py.torch}, ${THREADS} threads), minimum of 3 after a warm-up`,
    });
    rows.push(mk('calibration: streaming read of a bank (torch sum)', '226000x128 float32', py.stream_gbs, 'GB/s'));
    rows.push(mk('calibration: torch fp32 GEMM', '2048x2048x1024', py.fp32_gflops, 'GFLOP/s'));
    rows.push(mk('calibration: torch bf16 GEMM (oneDNN)', '2048x2048x1024', py.bf16_gflops, 'GFLOP/s'));
    rows.push(
      mk(
        `calibration: torch int8 GEMM (dynamic quantized Linear, ${py.int8_engine})`,
        '2048x2048x1024',
        py.int8_gflops,
        'GFLOP/s',
      ),
    );
    rows.push(
      mk(
        "calibration: torch fp32 GEMM on the kNN row's shape",
        `1024x${n}x${d} (queries ${q})`,
        py.knn_fp32_gflops,
        'GFLOP/s',
      ),
    );
  }
  return rows;
}

/** Greedy k-center on a real bank: the kit (both cores, exact) against the official torch loop, same start, same projection. */
async function coresetRow(
  ctx: BenchContext,
  name: string,
  bank: Matrix,
  /** Picks the kit makes: a number (a prefix), or 'all' (the whole coreset at ratio 0.1, as the models build it). */
  run: number | 'all',
  pyPicks: number,
): Promise<BenchRow> {
  const { projected, start, m } = await coresetProjection(bank, createRng(`bench-${name}`), {
    ratio: 0.1,
    projDim: 128,
  });
  const n = projected.rows;
  const picks = run === 'all' ? m : run;
  // On a whole coreset, the first PREFIX picks' time is read off the same runs (the early picks, where the radius is
  // largest and pruning skips least, cost the kit most; the torch loop's cost per pick is constant).
  const PREFIX = 1000;
  const prefixSeconds: number[] = [];
  const file = writeF32(ctx, 'coreset-real.f32', projected);
  const out = join(ctx.dir, 'coreset-real.i32');
  const stats: KCenterStats = { picks: 0, densePicks: 0, fullPicks: 0, candidates: 0, exact: 0, lowSurvivors: 0 };
  const t = await interleave(
    () => {
      const t0 = performance.now();
      const onPick =
        run === 'all' && picks > PREFIX
          ? (k: number) => {
              if (k === PREFIX) prefixSeconds.push((performance.now() - t0) / 1000);
            }
          : undefined;
      return kCenterParallel(projected, picks, start, { stats, onPick }); // the models' default parts
    },
    ctx.pythonMissing
      ? null
      : () => {
          const r = runPython(ctx, 'coreset.py', { features: file, n, d: 128, start, steps: pyPicks, out });
          // the torch loop's per-pick cost is constant (one pass over the bank): its prefix scales exactly
          return r
            ? {
                ...r,
                seconds: (r.seconds * picks) / pyPicks,
                cpu_seconds: ((r.cpu_seconds as number) * picks) / pyPicks,
              }
            : null;
        },
  );
  const kit = t.kitValue as Int32Array;
  const check = Math.min(picks, 40);
  const brute = kCenterBruteForce(projected, check, start);
  const same = brute.every((v, i) => v === kit[i]);
  let torchAgree: number | null = null;
  if (t.python) {
    const pi = readI32(out);
    torchAgree = 0;
    for (let i = 0; i < pyPicks; i++) if (pi[i] === kit[i]) torchAgree++;
  }
  const readBytes = n * 128 * 4 * picks;
  const prefixMin = prefixSeconds.length ? Math.min(...prefixSeconds) : null;
  const pyPerPick = t.python ? t.python.min / picks : null;
  ctx.log(
    `  coreset ${name}: kit ${t.kit.runs.join(', ')} s; torch (scaled) ${t.python?.runs.join(', ') ?? '-'} s; load ${t.loadBefore}/${t.loadAfter}`,
  );
  return pairRow(
    'greedy coreset (k-center, exact)',
    `${name}: ${n}x128 (projected), ${run === 'all' ? `all ${picks} picks (ratio 0.1)` : `first ${picks} picks`}`,
    t,
    `kit: kCenterParallel, default parts (as the models run it; ${stats.engine === 'native' ? 'native kernel (src/native/kcenter.cc), candidates = members the int8 bound tested, exact = those it left' : `SIMD kernel on ${stats.densePicks}/${stats.picks} picks of the calling thread's part`}); python: official torch loop, ${THREADS} threads, first ${pyPicks} picks timed and scaled (constant cost per pick); ` +
      `picks = brute force for the first ${check}: ${same ? 'yes' : 'NO'}; torch picks equal for ${torchAgree ?? '-'}/${pyPicks} (float32 norms)`,
    {
      picks_per_s: round3(picks / t.kit.min),
      ...(prefixMin !== null
        ? {
            [`first_${PREFIX}_picks_kit_s`]: round3(prefixMin),
            [`first_${PREFIX}_picks_x_python`]: pyPerPick ? round3((pyPerPick * PREFIX) / prefixMin) : null,
          }
        : {}),
      dense_read_gbs_equivalent: round3(readBytes / t.kit.min / 1e9),
      identical_to_brute_force_prefix: same,
      torch_agree: torchAgree,
      candidates_per_pick: stats.picks ? Math.round(stats.candidates / Math.max(1, stats.densePicks)) : null,
      exact_per_pick: stats.picks ? Math.round(stats.exact / Math.max(1, stats.densePicks)) : null,
      kernel: stats.engine ?? null,
    },
  );
}

/**
 * Exact 1-NN scoring on real features: the kit's default (the certified scorer, int8 first pass where `pickPrecision`
 * takes it) against the kit forced to its float32 first pass and torch.cdist + min, interleaved. Both kit variants are
 * exact: their indices and distances are compared with each other on every query and with nearestSquaredRef on the
 * first `refQueries` (the float64 reference runs ~1 GFLOP/s).
 */
async function knnRow(
  ctx: BenchContext,
  b: RealBanks,
  queries: number,
  tag: string,
  refQueries: number,
): Promise<BenchRow> {
  const bank = headBank(b);
  const d = b.spec.dim;
  queries = Math.min(queries, b.testPatches.rows);
  const q: Matrix = { data: b.testPatches.data.subarray(0, queries * d), rows: queries, cols: d };
  const qf = writeF32(ctx, `knn-q${tag}.f32`, q),
    bf = writeF32(ctx, `knn-b${tag}.f32`, bank);
  const out = join(ctx.dir, `knn-real${tag}.i32`);
  const warm: Matrix = { data: q.data.subarray(0, 8 * d), rows: 8, cols: d };
  for (const knnPrecision of ['auto', 'fp32'] as const)
    await nearestSquared(warm, bank, { engine: 'ort', threads: THREADS, knnPrecision }); // sessions, int8 probe
  let stats: KnnStats | null = null;
  const t = await interleave(
    () => nearestSquared(q, bank, { engine: 'ort', threads: THREADS, onKnnStats: (s) => (stats = s) }),
    ctx.pythonMissing
      ? null
      : () => runPython(ctx, 'knn.py', { queries: qf, bank: bf, nq: queries, nb: bank.rows, d, out, warmup: 1 }),
    3,
    { fp32: () => nearestSquared(q, bank, { engine: 'ort', threads: THREADS, knnPrecision: 'fp32' }) },
  );
  const kv = t.kitValue as NearestResult;
  const fv = t.extras.fp32.value as NearestResult;
  let sameFp32 = 0;
  for (let i = 0; i < queries; i++) if (kv.index[i] === fv.index[i] && kv.dist[i] === fv.dist[i]) sameFp32++;
  const nRef = Math.min(refQueries, queries);
  const ref = nearestSquaredRef({ data: q.data.subarray(0, nRef * d), rows: nRef, cols: d }, bank);
  let sameRef = 0;
  for (let i = 0; i < nRef; i++) if (kv.index[i] === ref.index[i] && kv.dist[i] === ref.dist[i]) sameRef++;
  ctx.log(
    `  knn${tag}: kit ${t.kit.runs.join(', ')} s; kit fp32 ${t.extras.fp32.runs.join(', ')} s; torch ${t.python?.runs.join(', ') ?? '-'} s`,
  );
  let same: number | null = null;
  if (t.python) {
    const pi = readI32(out);
    same = 0;
    for (let i = 0; i < queries; i++) if (pi[i] === kv.index[i]) same++;
  }
  const flop = 2 * queries * bank.rows * d;
  const gf = (s: number) => Math.round((flop / s / 1e9) * 10) / 10;
  const st = stats as KnnStats | null;
  return pairRow(
    `kNN scoring (exact 1-NN, squared L2${tag ? `, ${d}-d` : ''})`,
    `${b.label}: ${queries} test patches x ${bank.rows} head patches x ${d}`,
    t,
    `kit: nearestSquared, certified exact (${st?.precision ?? '-'} first pass + TopK, float64 re-ranking; settled by the first pass / fp32 fallback / full scan: ${st ? `${st.firstPass} / ${st.fp32Fallback} / ${st.fullScan}` : '-'}), ${THREADS} threads; kit fp32 first pass ${t.extras.fp32.min} s (${gf(t.extras.fp32.min)} GFLOP/s); python: torch.cdist in chunks of 1024 + min, one untimed pass first in its process; identical to the kit fp32 scorer ${sameFp32}/${queries}, to nearestSquaredRef ${sameRef}/${nRef} (first queries), same index as torch ${same ?? '-'}/${queries}`,
    {
      kit_fp32_seconds: t.extras.fp32.min,
      kit_fp32_gflops: gf(t.extras.fp32.min),
      x_kit_fp32: Math.round((t.extras.fp32.min / t.kit.min) * 100) / 100,
      identical_to_kit_fp32: sameFp32,
      identical_to_reference: `${sameRef}/${nRef}`,
      same_index_as_torch: same,
    },
    flop,
  );
}

async function lofRow(ctx: BenchContext, b: RealBanks): Promise<BenchRow> {
  const P = b.gridSide * b.gridSide;
  const n = b.headImages;
  const patches = headBank(b);
  const d = b.spec.dim;
  const file = writeF32(ctx, 'lof-real.f32', patches);
  const out = join(ctx.dir, 'lof-real-out.f32');
  // Both sides warm: one untimed run here, one in each Python process (its thread pools and first allocations).
  await lofPerPosition(patches, n, P, createRng('lof'), { k: 6, projDim: d, progress: false });
  const t = await interleave(
    () => lofPerPosition(patches, n, P, createRng('lof'), { k: 6, projDim: d, progress: false }),
    ctx.pythonMissing
      ? null
      : () => runPython(ctx, 'lof.py', { patches: file, images: n, positions: P, d, k: 6, out, warmup: 1 }),
  );
  ctx.log(`  lof: kit ${t.kit.runs.join(', ')} s; sklearn ${t.python?.runs.join(', ') ?? '-'} s`);
  let worst: number | null = null;
  if (t.python) {
    const ps = readF32(out);
    const kv = t.kitValue as Float32Array;
    worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < P; j++) {
        const a = kv[i * P + j],
          c = ps[i * P + j];
        worst = Math.max(worst, Math.abs(a - c) / Math.max(1e-12, Math.abs(c)));
      }
  }
  return pairRow(
    'LOF per position (k=6)',
    `${b.label}: ${n} images x ${P} positions x ${d}`,
    t,
    `kit: lofPerPosition (grouped k-NN: one onnxruntime MatMul+TopK per block of positions on a worker thread, ${THREADS} threads, certified float32 bound and exact float64 re-rank on the main thread); python: sklearn LocalOutlierFactor(n_neighbors=6, n_jobs=${THREADS}) per position; one untimed run first on each side; largest relative score difference ${worst === null ? '-' : worst.toExponential(1)}`,
    { worst_relative_difference: worst },
  );
}

/**
 * Untimed runs before the timed one, on both sides of the end-to-end row, each side in a fresh process of its own that
 * holds only this row's inputs. Two, because a fresh kit process settles on its third run (its JIT; measured 2026-12-04: 0.96, 0.70,
 * then 0.60 s at 256-d) while Python's first run pays allocator growth and first calls (2.3-2.9 s at 1024-d against
 * 1.4-1.8 s after); the steady state is what a grid of fits sees. The warm-up runs' times are kept in the row.
 */
const E2E_WARMUP = 2;

/** One kit run of the end-to-end row in a child process (bench/e2e-child.ts); its JSON line, or an Error. */
function kitE2eChild(
  dim: number,
  out: string,
): { seconds: number; cpu_seconds: number; tail: number; bank: number; warmup_seconds: number[] } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'e2e-child.ts'), JSON.stringify({ dim, warmup: E2E_WARMUP, out })],
    {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      env: { ...process.env, TAILEDCORE_QUIET: '1' },
    },
  );
  if (r.status !== 0)
    throw new Error(
      `bench/e2e-child.ts failed (${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`,
    );
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
}

async function e2eRow(ctx: BenchContext, dim: number): Promise<BenchRow> {
  const b = await loadRealBanks(e2eSpec(dim), ctx.log);
  const { viewImages } = e2eFeatures(b);
  const n = b.trainEmbeddings.rows,
    V = AUGMENTATION_VIEWS[b.spec.augmentation],
    side = b.gridSide,
    P = side * side;
  const files = ctx.pythonMissing
    ? null
    : {
        patches: writeF32(ctx, 'e2e-train.f32', b.trainPatches),
        embeddings: writeF32(ctx, 'e2e-emb.f32', b.trainEmbeddings),
        test: writeF32(ctx, 'e2e-test.f32', b.testPatches),
        views: writeF32(ctx, 'e2e-views.f32', b.tailViews),
      };
  const kitOut = join(ctx.dir, 'e2e-kit-scores.f32');
  const t = await interleave(
    async () => kitE2eChild(dim, kitOut),
    files
      ? () =>
          runPython(ctx, 'e2e.py', {
            ...files,
            view_images: viewImages,
            view_count: V,
            images: n,
            side,
            d: dim,
            embed_dim: b.embedDim,
            test_images: b.testImages,
            input_size: b.spec.px,
            out: join(ctx.dir, 'e2e-scores.f32'),
            warmup: E2E_WARMUP,
          })
      : null,
    3,
    {},
    (v) => ({ seconds: v.seconds, cpu: v.cpu_seconds }),
  );
  const info = t.kitValue;
  // Both sides wrote the image scores of their last timed run (every run has the same seeds, so the same scores).
  const agreement = files ? rankAgreement(readF32(kitOut), readF32(join(ctx.dir, 'e2e-scores.f32'))) : null;
  ctx.log(`  e2e ${dim}-d: kit ${t.kit.runs.join(', ')} s; python ${t.python?.runs.join(', ') ?? '-'} s`);
  const py = t.pythonValue as { tail?: number; bank?: number; warmup_seconds?: number[] } | null;
  return pairRow(
    'TailedCore fit + predict (end to end)',
    `${b.label}: ${n} train (${b.headImages} head + ${n - b.headImages} singleton-class) + ${b.testImages} test images x ${P} patches x ${dim}`,
    t,
    `real features, '${b.spec.augmentation}' views extracted from the rotated images (both sides get the same views); each side in a fresh process of its own with only this row's inputs, ${E2E_WARMUP} untimed runs there before the timed one (bench/e2e-child.ts, bench/python/e2e.py); kit: ${info.tail} tail images, bank ${info.bank} rows, ${THREADS} threads; python: the official loops, ${py ? `${py.tail} tail images, bank ${py.bank} rows` : '-'}`,
    {
      kit_tail_images: info.tail,
      python_tail_images: py?.tail ?? null,
      image_score_rank_agreement: agreement === null ? null : round3(agreement),
      kit_first_run_s: round3(info.warmup_seconds[0] ?? NaN),
      python_first_run_s: py?.warmup_seconds?.length ? round3(py.warmup_seconds[0]) : null,
    },
  );
}

export async function benchHeadline(ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const big = await loadRealBanks(CORESET_SPECS[0], ctx.log);
  const small = await loadRealBanks(CORESET_SPECS[1], ctx.log);
  const knnQueries = ctx.quick ? 1568 : 9408;
  ctx.log('[headline: calibration]');
  rows.push(...(await calibration(ctx, [knnQueries, headBank(big).rows, big.spec.dim])));
  ctx.log('[headline: coreset]');
  const q = ctx.quick;
  // Whole coresets where a run takes seconds; the 224-px tail bank (22,579 picks) keeps a prefix.
  rows.push(await coresetRow(ctx, `${small.label} head bank`, headBank(small), q ? 200 : 'all', q ? 50 : 300));
  rows.push(
    await coresetRow(
      ctx,
      `${small.label} tail bank (${small.spec.augmentation})`,
      small.tailPool,
      q ? 200 : 'all',
      q ? 50 : 300,
    ),
  );
  rows.push(await coresetRow(ctx, `${big.label} head bank`, headBank(big), q ? 200 : 'all', q ? 50 : 300));
  rows.push(
    await coresetRow(
      ctx,
      `${big.label} tail bank (${big.spec.augmentation})`,
      big.tailPool,
      q ? 100 : 500,
      q ? 30 : 100,
    ),
  );
  ctx.log('[headline: knn]');
  rows.push(await knnRow(ctx, big, knnQueries, '', q ? 64 : 256));
  // 1024-d variant: the end-to-end row's banks (cached by e2eRow's loader as well)
  rows.push(await knnRow(ctx, await loadRealBanks(e2eSpec(1024), ctx.log), q ? 1024 : 4096, '-1024', q ? 16 : 64));
  ctx.log('[headline: lof]');
  rows.push(await lofRow(ctx, small));
  ctx.log('[headline: e2e]');
  for (const dim of [256, 1024]) rows.push(await e2eRow(ctx, dim));
  return rows;
}

/** The markdown tables of a headline run (date, load, cores, command beside them). */
/** Which glibc malloc settings both sides ran with (the bench's Python children inherit the environment). */
function allocatorLine(): string {
  const set = Object.keys(allocatorEnv()).filter((k) => process.env[k] !== undefined);
  return set.length
    ? `Both sides ran with the glibc malloc settings of scripts/allocator.env (${set.map((k) => `${k}=${process.env[k]}`).join(', ')}).`
    : 'Neither side ran with the malloc settings of scripts/allocator.env (run through `npm run bench` to get them).';
}

export function headlineMarkdown(rows: BenchRow[], startedAt: Date): string {
  const lines: string[] = [];
  const loads = rows.flatMap((r) => r.load ?? []);
  lines.push(
    `Measured ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run bench -- --headline\` ` +
      `(1-minute load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${THREADS}-thread sides). ` +
      'Each pair ran interleaved 3 times; the minimum of each side is shown. Rows marked **loaded** had a load average above the core count and are not quotable. ' +
      allocatorLine(),
    '',
    '| row | size | kit s (min) | Python s (min) | x Python | kit / Python CPU s | load before/after | figures |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows) {
    const { python_cpu_seconds: pyCpu, ...rest } = r.extra ?? {};
    const ex = Object.entries(rest)
      .filter(([k, v]) => v !== null && v !== undefined && !(k === 'GFLOP/s' && r.gflops !== null))
      .map(([k, v]) => `${k} ${v}`);
    if (r.gflops !== null) ex.unshift(`${r.gflops} GFLOP/s`);
    const cpu = r.cpu_seconds != null ? `${r.cpu_seconds} / ${pyCpu != null ? round3(Number(pyCpu)) : '-'}` : '-';
    const num = (v: number | null | undefined) => (v != null && Number.isFinite(v) ? v.toFixed(3) : '-');
    lines.push(
      `| ${r.kernel}${r.loaded ? ' **loaded**' : ''} | ${r.size} | ${num(r.seconds)} | ${num(r.python_seconds)} | ${r.ratio_vs_python ?? '-'} | ${cpu} | ${r.load ? `${r.load[0]} / ${r.load[1]}` : '-'} | ${ex.join(', ')} |`,
    );
  }
  return lines.join('\n') + '\n';
}
