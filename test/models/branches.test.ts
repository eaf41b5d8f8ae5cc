import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBranches } from '../../src/models/memory-bank-model';
import { buildTailBranch } from '../../src/models/tail-branch';
import { resolveModelOptions } from '../../src/models/options';
import { takeRows } from '../../src/linalg/matrix';
import { createRng } from '../../src/util/rng';
import { CoresetCost } from '../../src/models/tail-notice';
import { synthFeatures, DILEMMA } from './synthetic';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const headResult = { features: { data: new Float32Array(6), rows: 3, cols: 2 }, keptRows: 30, coresetMs: 12 };

test('runBranches overlapping: the tail starts first, passes its gate once the LOF is done, and gets the head cost as a promise', async () => {
  const log: string[] = [];
  let cost: CoresetCost | Promise<CoresetCost> | null = null;
  const r = await runBranches(
    async (afterLof) => {
      log.push('head start');
      await tick();
      log.push('lof done');
      afterLof();
      await tick(20);
      log.push('head end');
      return { ...headResult, weights: null, lofThreshold: null, lofMs: 1 };
    },
    async (c, detach, gate) => {
      log.push(`tail start (detach ${detach})`);
      await gate;
      log.push('tail coreset');
      cost = c;
      assert.ok(c instanceof Promise);
      assert.deepEqual(await c, { rows: 30, picks: 3, ms: 12 });
      log.push('tail end');
      return 'T';
    },
    true,
  );
  assert.equal(r.tail, 'T');
  assert.deepEqual(log, ['tail start (detach true)', 'head start', 'lof done', 'tail coreset', 'head end', 'tail end']);
  assert.ok(cost !== null);
});

test('runBranches in sequence: head, then tail with the measured cost', async () => {
  const log: string[] = [];
  const r = await runBranches(
    async () => {
      log.push('head');
      return { ...headResult, weights: null, lofThreshold: null, lofMs: 1 };
    },
    async (c, detach, gate) => {
      await gate;
      log.push(`tail ${JSON.stringify(c)} ${detach}`);
      return 1;
    },
    false,
  );
  assert.equal(r.tail, 1);
  assert.deepEqual(log, ['head', 'tail {"rows":30,"picks":3,"ms":12} false']);
  assert.equal(
    (await runBranches(async () => ({ ...headResult, weights: null, lofThreshold: null, lofMs: 1 }), null, true)).tail,
    null,
  );
});

test('runBranches: a head failure waits for the tail to settle and rejects with the head error; a tail failure is not unhandled', async () => {
  let tailSettled = false;
  let sawRejectedCost = false;
  await assert.rejects(
    runBranches(
      async () => {
        await tick();
        throw new Error('head broke');
      },
      async (c, _detach, gate) => {
        try {
          await gate;
        } catch {
          sawRejectedCost = true;
        }
        try {
          await c;
        } catch {
          sawRejectedCost &&= true;
        }
        await tick(10);
        tailSettled = true;
        return 0;
      },
      true,
    ),
    /head broke/,
  );
  assert.ok(tailSettled && sawRejectedCost, 'the tail settled first, and a waiting tail saw the head fail');
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    await assert.rejects(
      runBranches(
        async () => {
          await tick(20); // the tail fails meanwhile
          return { ...headResult, weights: null, lofThreshold: null, lofMs: 1 };
        },
        async () => {
          throw new Error('tail broke');
        },
        true,
      ),
      /tail broke/,
    );
    await tick(5);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});

test('the tail coreset detached on a worker thread gives the same tail bank as in the calling thread', async () => {
  const train = synthFeatures(DILEMMA, 'branches');
  // Views enough that the tail coreset has many rows and picks (its SIMD path runs).
  const withAug = {
    ...train,
    augmentedPatches: async (idx: number[]) => {
      const out = takeRows(
        train.patches,
        idx.flatMap((i) => Array.from({ length: 28 }, (_, k) => i * 4 + (k % 4))),
      );
      for (let r = 0; r < out.rows; r++) for (let c = 0; c < out.cols; c++) out.data[r * out.cols + c] += 0.003 * r;
      return out;
    },
  };
  const o = resolveModelOptions(
    { tail: 'oracle', oracleTailClasses: ['T', 'A'], augmentation: 'rotflip', tailCoresetRatio: 0.5 },
    'tailedcore',
  );
  const lines: string[] = [];
  const run = (detach: boolean) =>
    buildTailBranch(withAug, { ...o, tail: 'oracle' }, createRng('tail-detach'), null, (l) => lines.push(l), detach);
  const [a, b] = [await run(false), await run(true)];
  assert.ok(a.features.rows > 10, `picks ${a.features.rows}`);
  assert.deepEqual(Array.from(b.features.data), Array.from(a.features.data));
  assert.match(lines[0], /estimated \?/);
  assert.match(lines[lines.length - 1], /runs beside the head branch/);
});
