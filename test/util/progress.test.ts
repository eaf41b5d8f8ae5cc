import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progress, fmtSeconds } from '../../src/util/progress';

function clock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

test('at most one line per interval, with count, rate and ETA; the closing line says how long it took', () => {
  const c = clock();
  const lines: string[] = [];
  const p = progress('work', 100, { now: c.now, write: (l) => lines.push(l), quiet: false });
  for (let i = 0; i < 50; i++) {
    c.advance(20);
    p.tick();
  } // 50 items in 1 s: exactly one line, at the 1 s mark
  assert.deepEqual(lines, ['work: 50/100 (50%) 50.0/s ETA 1s']);
  for (let i = 0; i < 50; i++) {
    c.advance(20);
    p.tick();
  }
  p.done();
  p.done(); // idempotent
  assert.deepEqual(lines, [
    'work: 50/100 (50%) 50.0/s ETA 1s',
    'work: 100/100 (100%) 50.0/s ETA 0s',
    'work: 100/100 (100%) 50.0/s done in 2s',
  ]);
});

test('slow counters show seconds per item (auto), and update() sets an absolute count with compact numbers', () => {
  const c = clock();
  const lines: string[] = [];
  const p = progress('cells', 10, {
    now: c.now,
    write: (l) => lines.push(l),
    quiet: false,
    unit: 'cell',
    intervalMs: 0,
  });
  c.advance(4000);
  p.tick();
  c.advance(4000);
  p.tick();
  assert.deepEqual(lines, ['cells: 1/10 (10%) 4.0 s/cell ETA 36s', 'cells: 2/10 (20%) 4.0 s/cell ETA 32s']);
  const rows: string[] = [];
  const q = progress('scoring', 1350000, { now: c.now, write: (l) => rows.push(l), quiet: false, intervalMs: 0 });
  c.advance(10000);
  q.update(675000);
  assert.deepEqual(rows, ['scoring: 0.68M/1.35M (50%) 67500.0/s ETA 10s']);
  const r = progress('fixed', 4, {
    now: c.now,
    write: (l) => rows.push(l),
    quiet: false,
    intervalMs: 0,
    display: 'rate',
  });
  c.advance(3000);
  r.tick();
  assert.equal(rows.at(-1), 'fixed: 1/4 (25%) 0.3/s ETA 9s');
});

test("finalLine 'ifShown' keeps a short stage silent; quiet prints nothing", () => {
  const c = clock();
  const lines: string[] = [];
  const p = progress('short', 3, { now: c.now, write: (l) => lines.push(l), quiet: false, finalLine: 'ifShown' });
  p.tick();
  p.tick();
  p.tick();
  p.done();
  assert.equal(lines.length, 0);
  const q = progress('long', 3, { now: c.now, write: (l) => lines.push(l), quiet: false, finalLine: 'ifShown' });
  c.advance(1500);
  q.tick();
  q.done();
  assert.equal(lines.length, 2);
  const s = progress('silent', 3, { now: c.now, write: (l) => lines.push(l), quiet: true });
  c.advance(5000);
  s.tick();
  s.done();
  assert.equal(lines.length, 2);
  assert.deepEqual(
    [fmtSeconds(42), fmtSeconds(187), fmtSeconds(7500), fmtSeconds(Infinity)],
    ['42s', '3m07s', '2h05m', '?'],
  );
});
