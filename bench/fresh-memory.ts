/**
 * `npx tsx bench/fresh-memory.ts [--rounds R] [--mb M] [--fills F] [--e2e N]`: what fresh memory costs here, with and
 * without the glibc malloc settings of scripts/allocator.env (the npm scripts source it). Each round runs two child
 * processes, one with the settings and one without (alternating which goes first), and reports wall ms (min / median
 * / max) and the child's system CPU ms. By default each child allocates a new M MB Float32Array F times and fills it
 * by copying rows from a source bank (the head coreset's gather); with --e2e N it runs the end-to-end bench's
 * TailedCore fit + predict (256-d, the headline's real features) N times instead; with --torch-picks P it runs the
 * official torch greedy loop (bench/python/coreset.py) for P picks on the headline's 224-px head bank, projected, as
 * the Python side of the coreset row does. The figures behind scripts/allocator.env and docs/speed.md "Fresh memory".
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { runCli, valueFlag, OptionError } from '../src/util';
import type { CliSpec, ParsedCli } from '../src/util';

const SPEC: CliSpec = {
  command: 'npx tsx bench/fresh-memory.ts',
  summary:
    'Fill a new buffer F times in child processes with and without scripts/allocator.env; wall ms per fill (min / median / max) and system CPU ms, per round.',
  flags: {
    rounds: valueFlag('R', 'rounds (each runs both children)', '3'),
    mb: valueFlag('M', 'buffer size in MB', '21'),
    fills: valueFlag('F', 'fills per child', '30'),
    e2e: valueFlag('N', 'run the end-to-end fit + predict N times per child instead of the fills'),
    'torch-picks': valueFlag(
      'P',
      "run the torch greedy loop for P picks on the 224-px head bank instead (Python's side)",
    ),
  },
};

/** The variables scripts/allocator.env exports, read from the file itself (one source of truth). */
export function allocatorEnv(file = join(__dirname, '..', 'scripts', 'allocator.env')): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function positiveInt(name: string, text: string): number {
  const v = Number(text);
  if (!(Number.isInteger(v) && v >= 1)) throw new OptionError(`--${name} must be an integer >= 1, got "${text}"`);
  return v;
}

/** Child: F fresh buffers of M MB, each filled row by row (1 KiB rows) from a source twice its size. */
function child(mb: number, fills: number): void {
  const rowFloats = 256,
    rows = Math.floor((mb * 1e6) / 4 / rowFloats);
  const src = new Float32Array(2 * rows * rowFloats).fill(1);
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  for (let f = 0; f < fills; f++) {
    const t0 = performance.now();
    const out = new Float32Array(rows * rowFloats);
    for (let r = 0; r < rows; r++) out.set(src.subarray(2 * r * rowFloats, (2 * r + 1) * rowFloats), r * rowFloats);
    ms.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ms, systemMs: c.system / 1000 }) + '\n');
}

/** Child: N end-to-end fits + predicts (the headline's 256-d row), timed. */
async function childE2e(runs: number): Promise<void> {
  const { loadRealBanks, e2eSpec, e2eFeatures } = await import('./real-features');
  const { TailedCore } = await import('../src/models');
  const b = await loadRealBanks(e2eSpec(256), () => {});
  const { train, test } = e2eFeatures(b);
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const model = new TailedCore({ augmentation: b.spec.augmentation, seed: 0 });
    await model.fit(train);
    await model.predict(test);
    ms.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ms, systemMs: c.system / 1000 }) + '\n');
}

/** The torch loop's P picks on the headline's 224-px head bank, with and without the settings, alternating. */
async function torchRounds(rounds: number, picks: number, tuned: Record<string, string>): Promise<void> {
  const { loadRealBanks, CORESET_SPECS, headBank } = await import('./real-features');
  const { makeContext, runPython, writeF32, cleanup } = await import('./common');
  const { coresetProjection } = await import('../src/sampling/coreset');
  const { createRng } = await import('../src/util');
  const ctx = makeContext(false, true);
  if (ctx.pythonMissing) throw new Error(`torch loop: ${ctx.pythonMissing}`);
  try {
    const big = await loadRealBanks(CORESET_SPECS[0], () => {});
    const { projected, start } = await coresetProjection(headBank(big), createRng('fresh-memory-torch'), {
      ratio: 0.1,
      projDim: 128,
    });
    const features = writeF32(ctx, 'coreset.f32', projected);
    console.log(
      `torch greedy loop, ${picks} picks on ${big.label} head bank ${projected.rows}x128; load ${loadavg()[0].toFixed(2)}`,
    );
    console.log('round | settings | seconds | CPU seconds');
    const saved = Object.fromEntries(Object.keys(tuned).map((k) => [k, process.env[k]]));
    try {
      for (let r = 0; r < rounds; r++)
        for (const which of r % 2 === 0 ? ['without', 'with'] : ['with', 'without']) {
          // runPython passes this process's environment on
          for (const k of Object.keys(tuned)) {
            if (which === 'with') process.env[k] = tuned[k];
            else delete process.env[k];
          }
          const res = runPython(ctx, 'coreset.py', {
            features,
            n: projected.rows,
            d: 128,
            start,
            steps: picks,
            out: `${ctx.dir}/o.i32`,
          });
          if (!res) throw new Error('torch loop: the Python run failed');
          console.log(`${r + 1} | ${which} | ${res.seconds.toFixed(3)} | ${Number(res.cpu_seconds).toFixed(2)}`);
        }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  } finally {
    cleanup(ctx);
  }
  console.log(`load after ${loadavg()[0].toFixed(2)}`);
}

async function main(p: ParsedCli): Promise<void> {
  const rounds = positiveInt('rounds', (p.values.rounds as string | undefined) ?? '3');
  const mb = positiveInt('mb', (p.values.mb as string | undefined) ?? '21');
  const fills = positiveInt('fills', (p.values.fills as string | undefined) ?? '30');
  const e2e = p.values.e2e === undefined ? null : positiveInt('e2e', p.values.e2e as string);
  const torchPicks = p.values['torch-picks'];
  if (torchPicks !== undefined) {
    if (e2e !== null) throw new OptionError('--e2e and --torch-picks are two different runs; give one');
    return torchRounds(rounds, positiveInt('torch-picks', torchPicks as string), allocatorEnv());
  }
  const tuned = allocatorEnv();
  const plain = { ...process.env };
  for (const k of Object.keys(tuned)) delete plain[k];
  console.log(
    e2e
      ? `TailedCore fit + predict (the e2e bench's 256-d row), ${e2e} runs per child; load ${loadavg()[0].toFixed(2)}`
      : `fresh ${mb} MB buffers, ${fills} fills per child; load ${loadavg()[0].toFixed(2)}`,
  );
  console.log(`round | settings | ms per ${e2e ? 'run' : 'fill'} min / median / max | system CPU ms`);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const which of order) {
      const env = which === 'with' ? { ...plain, ...tuned } : plain;
      const args = e2e ? ['--child-e2e', String(e2e)] : ['--child', String(mb), String(fills)];
      const res = spawnSync(process.execPath, [...process.execArgv, __filename, ...args], {
        env: { ...env, TAILEDCORE_QUIET: '1' },
        encoding: 'utf8',
      });
      if (res.status !== 0) throw new Error(`child failed: ${res.stderr}`);
      const { ms, systemMs } = JSON.parse(res.stdout.trim().split('\n').pop()!) as { ms: number[]; systemMs: number };
      const s = [...ms].sort((a, b) => a - b);
      const f = (v: number) => v.toFixed(1);
      console.log(
        `${r + 1} | ${which} | ${f(s[0])} / ${f(s[s.length >> 1])} / ${f(s[s.length - 1])} | ${systemMs.toFixed(0)}`,
      );
    }
  }
  console.log(`load after ${loadavg()[0].toFixed(2)}`);
}

if (require.main === module) {
  if (process.argv[2] === '--child') child(Number(process.argv[3]), Number(process.argv[4]));
  else if (process.argv[2] === '--child-e2e') void childE2e(Number(process.argv[3]));
  else runCli(SPEC, main);
}
