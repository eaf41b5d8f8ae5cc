/**
 * `npx tsx bench/kcenter-parts.ts --bank B [--rounds N]`: one part against two for the exact k-center on a real bank,
 * interleaved in one process, minimum of each (wall and CPU ms), with the load before and after. The figures behind
 * the part-count rule of src/sampling/coreset-parallel.ts (PARALLEL_MIN_ROWS) and docs/speed.md. Banks: e2e (the
 * end-to-end row's head bank, 20,991 rows), e2e-tail (its tail views, 8,232), small-head / small-tail (112 px:
 * 47,040 / 56,448), big-head / big-tail (224 px: 75,264 / 225,792). Run it on a quiet machine.
 */
import { loadavg } from 'node:os';
import { coresetProjection, kCenterParallel } from '../src/sampling';
import { createRng, runCli, valueFlag, OptionError } from '../src/util';
import type { CliSpec, ParsedCli } from '../src/util';
import { Matrix, takeRows } from '../src/linalg';
import { CORESET_SPECS, e2eSpec, headBank, loadRealBanks } from './real-features';

const BANKS = ['e2e', 'e2e-tail', 'small-head', 'small-tail', 'big-head', 'big-tail'];

const SPEC: CliSpec = {
  command: 'npx tsx bench/kcenter-parts.ts',
  summary:
    'One part against two for the exact k-center on a real bank, interleaved, minimum of each side (wall and CPU ms) with the load; meant for a quiet machine.',
  flags: {
    bank: valueFlag('B', BANKS.join(' | '), 'e2e'),
    rounds: valueFlag('N', 'rounds per side', '4'),
  },
};

async function bank(which: string): Promise<{ bank: Matrix; picks: number }> {
  const quiet = () => {};
  switch (which) {
    case 'e2e': {
      const b = await loadRealBanks(e2eSpec(256), quiet);
      return {
        bank: takeRows(
          b.trainPatches,
          Int32Array.from({ length: 20991 }, (_, i) => i),
        ),
        picks: 2099,
      };
    }
    case 'e2e-tail':
      return { bank: (await loadRealBanks(e2eSpec(256), quiet)).tailViews, picks: 823 };
    case 'small-head':
      return { bank: headBank(await loadRealBanks(CORESET_SPECS[1], quiet)), picks: 1000 };
    case 'small-tail':
      return { bank: (await loadRealBanks(CORESET_SPECS[1], quiet)).tailPool, picks: 1000 };
    case 'big-head':
      return { bank: headBank(await loadRealBanks(CORESET_SPECS[0], quiet)), picks: 1000 };
    case 'big-tail':
      return { bank: (await loadRealBanks(CORESET_SPECS[0], quiet)).tailPool, picks: 500 };
    default:
      throw new OptionError(`--bank must be one of ${BANKS.join(', ')}, got "${which}"`);
  }
}

async function main(p: ParsedCli): Promise<void> {
  const which = (p.values.bank as string | undefined) ?? 'e2e';
  const roundsText = (p.values.rounds as string | undefined) ?? '4';
  const rounds = Number(roundsText);
  if (!(Number.isInteger(rounds) && rounds >= 1))
    throw new OptionError(`--rounds must be an integer >= 1, got "${roundsText}"`);
  const { bank: b, picks } = await bank(which);
  const { projected, start } = await coresetProjection(b, createRng('ab'), { ratio: 0.1, projDim: 128 });
  const best: Record<string, number> = {};
  const l0 = loadavg()[0];
  for (let r = 0; r < rounds; r++)
    for (const parts of [1, 2]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await kCenterParallel(projected, picks, start, { parts });
      const ms = performance.now() - t0;
      const cu = process.cpuUsage(c0);
      best[`${parts} part wall`] = Math.min(best[`${parts} part wall`] ?? Infinity, ms);
      best[`${parts} part cpu`] = Math.min(best[`${parts} part cpu`] ?? Infinity, (cu.user + cu.system) / 1e3);
    }
  const figures = Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(0)} ms`);
  console.log(
    `${which} ${projected.rows} rows, ${picks} picks: ${figures.join(', ')}; load ${l0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`,
  );
}

if (require.main === module) runCli(SPEC, main);
