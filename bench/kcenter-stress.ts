/**
 * `npx tsx bench/kcenter-stress.ts [--runs N] [--parts P] [--seconds S]`: reruns the parallel k-center on one seeded
 * 3,000-row bank against the brute-force picks and counts the runs whose picks differ. Run it on a loaded machine
 * (e.g. with a few busy shells beside it): before the worker loop waited for the generation to move on, three parts
 * gave a wrong pick in about 1 of 140 runs at load 8 (a worker woke from Atomics.wait with the generation unchanged
 * and ran the same pick twice). A race is timing, so 0 mismatches is evidence, not proof.
 */
import { loadavg } from 'node:os';
import { kCenterBruteForce, kCenterParallel } from '../src/sampling';
import { createRng, runCli, valueFlag, OptionError } from '../src/util';
import type { CliSpec, ParsedCli } from '../src/util';
import { zeros } from '../src/linalg';

const SPEC: CliSpec = {
  command: 'npx tsx bench/kcenter-stress.ts',
  summary:
    'Reruns the parallel k-center (simd off and on) against the brute-force picks on a seeded bank and counts mismatching runs; meant for a loaded machine.',
  flags: {
    runs: valueFlag('N', 'most runs per setting', '200'),
    parts: valueFlag('P', 'parts', '3'),
    seconds: valueFlag('S', 'stop a setting after this many seconds', '60'),
  },
};

/** Tight blobs of skewed sizes (the shape the race showed on), 3,000 x 16. */
function bank(): { data: Float32Array; rows: number; cols: number } {
  const rng = createRng('kcenter-stress');
  const rows = 3000,
    cols = 16;
  const centres = Array.from({ length: 12 * cols }, () => 10 * rng.normal());
  const m = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    const c = Math.min(11, Math.floor(-Math.log(1 - rng.next()) * 3));
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = centres[c * cols + j] + 0.02 * (c + 1) * rng.normal();
  }
  return m;
}

function positiveInt(v: string | undefined, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

async function main(p: ParsedCli): Promise<void> {
  const runs = positiveInt((p.values.runs as string | undefined) ?? '200', 'runs');
  const parts = positiveInt((p.values.parts as string | undefined) ?? '3', 'parts');
  const seconds = positiveInt((p.values.seconds as string | undefined) ?? '60', 'seconds');
  const b = bank();
  const m = 300;
  const ref = Array.from(kCenterBruteForce(b, m, 0));
  for (const simd of [false, true]) {
    let done = 0,
      bad = 0;
    const t0 = Date.now();
    for (; done < runs && Date.now() - t0 < seconds * 1000; done++) {
      const got = await kCenterParallel(b, m, 0, { parts, simd });
      const i = got.findIndex((v, j) => v !== ref[j]);
      if (i >= 0) {
        bad++;
        console.log(`  run ${done}: first different pick ${i} (${got[i]} instead of ${ref[i]})`);
      }
    }
    console.log(
      `parts ${parts}, simd ${simd}: ${bad} of ${done} runs differ from the brute force (load ${loadavg()[0].toFixed(1)})`,
    );
  }
}

if (require.main === module) runCli(SPEC, main);
