import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import {
  approxThreshold,
  newSharedMemory,
  sqdistModuleBytes,
  squaredDistance4,
  wasmSqdistSupported,
} from '../../src/linalg/wasm-sqdist';

type Kernel = (x: number, idx: number, count: number, dim: number, c: number, out: number) => void;

function instantiate(pages: number): { buf: SharedArrayBuffer; d: Kernel; a: Kernel } {
  const mem = newSharedMemory(pages);
  const WA = (
    globalThis as unknown as {
      WebAssembly: {
        Module: new (b: Uint8Array) => unknown;
        Instance: new (m: unknown, i: unknown) => { exports: Record<string, Kernel> };
      };
    }
  ).WebAssembly;
  const inst = new WA.Instance(new WA.Module(sqdistModuleBytes(pages)), { e: { m: mem } });
  return { buf: mem.buffer, d: inst.exports.d, a: inst.exports.a };
}

/** The kernel on a fresh shared memory of `pages`, its buffer, and a 16-byte-aligned bump allocator over it. */
function kernelMemory(pages: number): {
  exports: Record<string, (...a: number[]) => number>;
  b: SharedArrayBuffer;
  take: (bytes: number) => number;
} {
  const mem = newSharedMemory(pages);
  const WA = (
    globalThis as unknown as {
      WebAssembly: {
        Module: new (b: Uint8Array) => unknown;
        Instance: new (m: unknown, i: unknown) => { exports: Record<string, (...a: number[]) => number> };
      };
    }
  ).WebAssembly;
  const exports = new WA.Instance(new WA.Module(sqdistModuleBytes(pages)), { e: { m: mem } }).exports;
  let o = 0;
  const take = (bytes: number) => {
    const at = o;
    o = Math.ceil((o + bytes) / 16) * 16;
    return at;
  };
  return { exports, b: mem.buffer, take };
}

/** Rows with adversarial scales: ordinary values, huge and tiny magnitudes, subnormal-range differences, zeros. */
function adversarial(n: number, d: number, seed: string): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    for (let j = 0; j < d; j++) {
      const g = rng.normal();
      x[i * d + j] =
        kind === 0
          ? g
          : kind === 1
            ? g * 1e15
            : kind === 2
              ? g * 1e-20
              : kind === 3
                ? 0
                : kind === 4
                  ? 1 + g * 1e-7
                  : (rng.int(5) - 2) * 0.5;
    }
  }
  return x;
}

test('the WebAssembly kernel is supported here and its exact distances equal squaredDistance4 bit for bit', () => {
  assert.ok(wasmSqdistSupported(), 'Node 20 has WebAssembly SIMD and shared memory');
  for (const d of [8, 16, 24, 128, 192]) {
    const n = 300;
    const pages = Math.ceil((n * d * 4 + d * 12 + n * 16 + 64) / 65536) + 1;
    const k = instantiate(pages);
    const x = new Float32Array(k.buf, 0, n * d);
    x.set(adversarial(n, d, `wasm-${d}`));
    const cOff = Math.ceil((n * d * 4) / 16) * 16;
    const idxOff = cOff + d * 8;
    const outOff = idxOff + n * 4;
    const idx = new Int32Array(k.buf, idxOff, n);
    for (let i = 0; i < n; i++) idx[i] = (i * 37) % n; // scattered rows
    for (const centre of [0, 1, 2, 3, 4, 5, 77]) {
      const c = new Float64Array(k.buf, cOff, d);
      for (let j = 0; j < d; j++) c[j] = x[centre * d + j];
      k.d(0, idxOff, n, d, cOff, outOff);
      const out = new Float64Array(k.buf, outOff, n);
      for (let i = 0; i < n; i++)
        assert.equal(out[i], squaredDistance4(x, idx[i] * d, c, 0, d), `d ${d}, centre ${centre}, row ${idx[i]}`);
    }
  }
});

test('the float32 pass never certifies a row whose exact distance is below the limit (adversarial scales)', () => {
  const d = 64,
    n = 600;
  const pages = Math.ceil((n * d * 4 + d * 12 + n * 16 + 64) / 65536) + 1;
  const k = instantiate(pages);
  const x = new Float32Array(k.buf, 0, n * d);
  x.set(adversarial(n, d, 'approx'));
  const cOff = Math.ceil((n * d * 4) / 16) * 16;
  const idxOff = cOff + d * 4;
  const outOff = idxOff + n * 4;
  const idx = new Int32Array(k.buf, idxOff, n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let checked = 0;
  for (const centre of [0, 1, 2, 3, 4, 5, 6, 13]) {
    const c32 = new Float32Array(k.buf, cOff, d);
    for (let j = 0; j < d; j++) c32[j] = x[centre * d + j];
    k.a(0, idxOff, n, d, cOff, outOff);
    const approx = new Float32Array(k.buf, outOff, n);
    for (let i = 0; i < n; i++) {
      const exact = squaredDistance4(x, i * d, x, centre * d, d);
      // The filter's promise: approx >= approxThreshold(limit) implies exact >= limit, for any limit. The tightest
      // limit it can be tested against is exact itself (a limit just above exact must never be certified).
      const limit = exact * (1 + 1e-12) + 1e-300;
      if (Number.isFinite(approx[i]) && approx[i] >= approxThreshold(limit, d))
        assert.fail(`row ${i} centre ${centre}: certified ${approx[i]} >= ${limit} but exact ${exact}`);
      checked++;
    }
  }
  assert.equal(checked, 8 * n);
});

/** Float32 squared distance in f()'s order: lanes j mod 8 (two f32x4 accumulators), then (l0 + l1) + (l2 + l3). */
function f32Dist(a: Float32Array, ao: number, c: Float32Array, w: number): number {
  const f = Math.fround;
  const acc = new Float32Array(8);
  for (let j = 0; j < w; j++) {
    const t = f(a[ao + j] - c[j]);
    acc[j % 8] = f(acc[j % 8] + f(t * t));
  }
  const l = [0, 1, 2, 3].map((i) => f(acc[i] + acc[i + 4]));
  return f(f(l[0] + l[1]) + f(l[2] + l[3]));
}

test("f() (the k-center's fused candidate test) equals its float32/float64 model and never certifies wrongly", () => {
  for (const [d, L] of [
    [8, 0],
    [64, 8],
    [128, 16],
  ]) {
    const n = 400,
      lo = 7;
    const pages = Math.ceil((n * d * 4 + n * L * 4 + n * 40 + d * 12 + L * 4 + 256) / 65536) + 1;
    const { exports, b, take } = kernelMemory(pages);
    const f = exports.f;
    const xOff = take(n * d * 4),
      yOff = take(Math.max(1, n * L) * 4),
      idxOff = take(n * 4),
      mdOff = take(n * 8),
      thrOff = take(n * 8),
      outOff = take(n * 8),
      c32Off = take(d * 4),
      c64Off = take(d * 8),
      cy32Off = take(Math.max(1, L) * 4);
    const x = new Float32Array(b, xOff, n * d);
    x.set(adversarial(n, d, `f-${d}`));
    const rng = createRng(`f-${d}-${L}`);
    const y = new Float32Array(b, yOff, n * L);
    for (let i = 0; i < y.length; i++) y[i] = rng.normal() * (i < 3 * L ? 1e3 : 1); // a few huge rows; the rest at the scale of ec
    const centre = 5;
    const c32 = new Float32Array(b, c32Off, d),
      c64 = new Float64Array(b, c64Off, d),
      cy = new Float32Array(b, cy32Off, Math.max(1, L));
    for (let j = 0; j < d; j++) c32[j] = c64[j] = x[centre * d + j];
    for (let j = 0; j < L; j++) cy[j] = y[centre * L + j];
    const count = 300;
    const idx = new Int32Array(b, idxOff, count);
    for (let r = 0; r < count; r++) idx[r] = lo + ((r * 53) % (n - lo)); // rows >= lo, scattered
    const md = new Float64Array(b, mdOff, n),
      thr = new Float64Array(b, thrOff, n);
    const exact = (row: number) => squaredDistance4(x, row * d, c64, 0, d);
    for (let row = lo; row < n; row++) {
      const e = exact(row),
        u = rng.next();
      // around the exact value (both outcomes of the bound), exactly on it, far above, far below, zero
      md[row - lo] =
        u < 0.5 ? e * (1 + (rng.next() - 0.5) * 1e-4) : u < 0.6 ? e : u < 0.8 ? e * 10 + 1 : u < 0.9 ? e / 10 : 0;
      const yl = L ? Math.sqrt(f32Dist(y, row * L, cy, L)) : 0;
      thr[row - lo] = yl * (0.5 + rng.next());
    }
    const [rel, abs, kappa, eabs, ec] = [
      1 + (d + 8) * 2 ** -22,
      2 ** -110,
      1 / (1 + (L + 8) * 2 ** -22),
      2 ** -100,
      0.25, // large enough to change some decisions (a test that drops it fails)
    ];
    const past = f(
      xOff,
      yOff,
      idxOff,
      mdOff,
      count,
      d,
      L,
      c32Off,
      c64Off,
      cy32Off,
      thrOff,
      lo,
      outOff,
      rel,
      abs,
      kappa,
      eabs,
      ec,
    );
    const out = new Float64Array(b, outOff, n);
    let expectPast = 0,
      certified = 0,
      computed = 0;
    for (let r = 0; r < count; r++) {
      const row = idx[r],
        m = md[row - lo];
      let want: number;
      const al = L ? f32Dist(y, row * L, cy, L) : 0;
      const tq = thr[row - lo] + ec;
      if (L && al * kappa - eabs >= tq * tq && al !== Infinity) want = Infinity;
      else {
        expectPast++;
        const a = f32Dist(x, row * d, c32, d);
        want = a >= m * rel + abs && a !== Infinity ? Infinity : exact(row);
        if (want === Infinity) {
          certified++;
          assert.ok(exact(row) >= m, `d ${d}: row ${row} certified with exact ${exact(row)} < minD ${m}`);
        } else computed++;
      }
      assert.equal(out[row - lo], want, `d ${d}, L ${L}, row ${row}`);
    }
    assert.equal(past, L ? expectPast : count, 'rows past the low-dimensional bound');
    assert.ok(certified > 0 && computed > 0, `d ${d}: both outcomes occur (${certified} certified, ${computed} exact)`);
    if (L)
      assert.ok(expectPast > 0 && expectPast < count, `d ${d}: the low-dimensional bound decides some rows, not all`);
  }
});

test("g() (the k-center's fused moves) equals its float32/float64 model and never certifies wrongly", () => {
  for (const [d, L] of [
    [8, 0],
    [64, 8],
    [128, 16],
    [128, 32], // the low bound's two tiers (16 coordinates, then all 32)
  ]) {
    const n = 400,
      lo = 7,
      nl = n - lo; // the part's rows: x rows lo ..
    const pages = Math.ceil((n * d * 4 + n * L * 4 + nl * 100 + d * 12 + L * 4 + 512) / 65536) + 1;
    const { exports, b, take } = kernelMemory(pages);
    const { f, g } = exports;
    const xOff = take(n * d * 4),
      yOff = take(Math.max(1, n * L) * 4),
      mIdxOff = take(nl * 4),
      mDOff = take(nl * 8),
      visOff = take(8 * 8),
      movROff = take(nl * 4),
      movDOff = take(nl * 8),
      cntOff = take(8),
      thrOff = take(nl * 8),
      c32Off = take(d * 4),
      c64Off = take(d * 8),
      cy32Off = take(Math.max(1, L) * 4),
      allOff = take(nl * 4),
      minDOff = take(nl * 8),
      preOff = take(nl * 8);
    const x = new Float32Array(b, xOff, n * d);
    x.set(adversarial(n, d, `g-${d}`));
    const rng = createRng(`g-${d}-${L}`);
    const y = new Float32Array(b, yOff, n * L);
    for (let i = 0; i < y.length; i++) y[i] = rng.normal() * (i < 3 * L ? 1e3 : 1); // a few huge rows; the rest at the scale of ec
    const centre = 5;
    const c32 = new Float32Array(b, c32Off, d),
      c64 = new Float64Array(b, c64Off, d),
      cy = new Float32Array(b, cy32Off, Math.max(1, L));
    for (let j = 0; j < d; j++) c32[j] = c64[j] = x[centre * d + j];
    for (let j = 0; j < L; j++) cy[j] = y[centre * L + j];
    // The arena: every local row once, with a minimum around its exact distance (both outcomes of each bound), exactly
    // on it, far above, far below, zero; then four visited ranges (one empty), the rest of the arena untouched.
    const mIdx = new Int32Array(b, mIdxOff, nl),
      mD = new Float64Array(b, mDOff, nl),
      thr = new Float64Array(b, thrOff, nl);
    const exact = (t: number) => squaredDistance4(x, (lo + t) * d, c64, 0, d);
    const rows = rng.shuffle(Array.from({ length: nl }, (_, t) => t));
    rows.forEach((t, p) => {
      const e = exact(t),
        u = rng.next();
      mIdx[p] = t;
      mD[p] = u < 0.5 ? e * (1 + (rng.next() - 0.5) * 1e-4) : u < 0.6 ? e : u < 0.8 ? e * 10 + 1 : u < 0.9 ? e / 10 : 0;
      thr[t] = (L ? Math.sqrt(f32Dist(y, (lo + t) * L, cy, L)) : 0) * (0.5 + rng.next());
    });
    const ranges = [
      [0, 90],
      [90, 90],
      [120, 300],
      [310, nl],
    ];
    const vis = new Int32Array(b, visOff, 8);
    ranges.forEach(([from, end], v) => vis.set([from, end], 2 * v));
    const beforeIdx = Int32Array.from(mIdx),
      beforeD = Float64Array.from(mD);
    const cnt = new Int32Array(b, cntOff, 2);
    cnt.set([5, 7]); // g() adds to the counters
    const [rel, abs, kappa, eabs] = [1 + (d + 8) * 2 ** -22, 2 ** -110, 1 / (1 + (L + 8) * 2 ** -22), 2 ** -100];
    const ec = 0.25; // large enough to change some decisions (a model that drops it fails)
    const moved = g(
      xOff,
      yOff,
      mIdxOff,
      mDOff,
      visOff,
      ranges.length,
      d,
      L,
      c32Off,
      c64Off,
      cy32Off,
      thrOff,
      lo,
      movROff,
      movDOff,
      cntOff,
      0, // no precomputed results: g() tests each candidate itself
      rel,
      abs,
      kappa,
      eabs,
      ec,
    );
    // The model.
    const wantIdx = Int32Array.from(beforeIdx),
      wantD = Float64Array.from(beforeD);
    const movR: number[] = [],
      movD: number[] = [];
    let past = 0,
      exacts = 0,
      certified = 0,
      stayed = 0;
    const wantEnds: number[] = [];
    for (const [from, end] of ranges) {
      let w = from;
      for (let p = from; p < end; p++) {
        const t = beforeIdx[p],
          m = beforeD[p];
        let keep: boolean;
        const al = L ? f32Dist(y, (lo + t) * L, cy, L) : 0;
        const tq = thr[t] + ec;
        if (L && al * kappa - eabs >= tq * tq && al !== Infinity) keep = true;
        else {
          past++;
          const a = f32Dist(x, (lo + t) * d, c32, d);
          if (a >= m * rel + abs && a !== Infinity) {
            keep = true;
            certified++;
            assert.ok(exact(t) >= m, `d ${d}: row ${t} certified with exact ${exact(t)} < minD ${m}`);
          } else {
            exacts++;
            const e = exact(t);
            keep = !(e < m);
            if (keep) stayed++;
            else {
              movR.push(t);
              movD.push(e);
            }
          }
        }
        if (keep) {
          wantIdx[w] = t;
          wantD[w++] = m;
        }
      }
      wantEnds.push(w);
    }
    assert.equal(moved, movR.length, `d ${d}: moves`);
    assert.deepEqual(Array.from(new Int32Array(b, movROff, moved)), movR, `d ${d}: moved rows`);
    assert.deepEqual(Array.from(new Float64Array(b, movDOff, moved)), movD, `d ${d}: their exact distances`);
    assert.deepEqual(Array.from(mIdx), Array.from(wantIdx), `d ${d}, L ${L}: kept rows closed up in order`);
    assert.deepEqual(Array.from(mD), Array.from(wantD), `d ${d}, L ${L}: their minima`);
    assert.deepEqual(
      ranges.map((_, v) => vis[2 * v + 1]),
      wantEnds,
      'new ends',
    );
    assert.deepEqual(Array.from(cnt), [5 + past, 7 + exacts], 'counters');
    assert.ok(certified > 0 && stayed > 0 && movR.length > 0, `d ${d}: every outcome occurs`);
    if (L) assert.ok(past > 0 && past < nl - 30, `d ${d}: the low-dimensional bound decides some rows, not all`);

    // Precomputed: f() over all the part's rows in order, then g() reading its results by row, moves the same.
    const after = { idx: Array.from(mIdx), d: Array.from(mD), ends: ranges.map((_, v) => vis[2 * v + 1]) };
    mIdx.set(beforeIdx);
    mD.set(beforeD);
    ranges.forEach(([from, end], v) => vis.set([from, end], 2 * v));
    const all = new Int32Array(b, allOff, nl),
      minD = new Float64Array(b, minDOff, nl);
    for (let t = 0; t < nl; t++) all[t] = lo + t;
    for (let p = 0; p < nl; p++) minD[beforeIdx[p]] = beforeD[p];
    f(xOff, yOff, allOff, minDOff, nl, d, L, c32Off, c64Off, cy32Off, thrOff, lo, preOff, rel, abs, kappa, eabs, ec);
    const moved2 = g(
      xOff,
      yOff,
      mIdxOff,
      mDOff,
      visOff,
      ranges.length,
      d,
      L,
      c32Off,
      c64Off,
      cy32Off,
      thrOff,
      lo,
      movROff,
      movDOff,
      cntOff,
      preOff,
      rel,
      abs,
      kappa,
      eabs,
      ec,
    );
    assert.equal(moved2, moved, `d ${d}: moves with precomputed results`);
    assert.deepEqual(Array.from(new Int32Array(b, movROff, moved2)), movR, `d ${d}: moved rows (precomputed)`);
    assert.deepEqual(Array.from(new Float64Array(b, movDOff, moved2)), movD, `d ${d}: distances (precomputed)`);
    assert.deepEqual(
      { idx: Array.from(mIdx), d: Array.from(mD), ends: ranges.map((_, v) => vis[2 * v + 1]) },
      after,
      `d ${d}: the same lists`,
    );
  }
});

test('h() (the low-dimensional bound over a part, four rows per step) equals its float32 model', () => {
  for (const L of [4, 8, 16]) {
    const n = 203, // 50 blocks and 3 rows left for the caller
      nb = Math.floor(n / 4),
      lo = 11;
    const pages = Math.ceil((n * L * 4 + n * 24 + L * 16 + 256) / 65536) + 1;
    const { exports, b, take } = kernelMemory(pages);
    const h = exports.h;
    const y4Off = take(n * L * 4),
      thrOff = take(n * 8),
      outOff = take(n * 8),
      survOff = take(n * 4),
      cy4Off = take(L * 16);
    const rng = createRng(`h-${L}`);
    // row-major coordinates: ordinary rows, a few huge (a = +Infinity), tiny, NaN, and rows equal to the centre
    const y = new Float32Array(n * L);
    for (let t = 0; t < n; t++)
      for (let j = 0; j < L; j++) {
        const g = rng.normal();
        y[t * L + j] = t % 17 === 3 ? g * 1e30 : t % 23 === 5 ? g * 1e-25 : t === 40 ? NaN : g;
      }
    const cy = new Float32Array(L);
    for (let j = 0; j < L; j++) cy[j] = rng.normal() * 0.5;
    for (let j = 0; j < L; j++) y[9 * L + j] = cy[j];
    const y4 = new Float32Array(b, y4Off, n * L);
    for (let bk = 0; bk < nb; bk++)
      for (let j = 0; j < L; j++) for (let l = 0; l < 4; l++) y4[(bk * L + j) * 4 + l] = y[(4 * bk + l) * L + j];
    const cy4 = new Float32Array(b, cy4Off, L * 4);
    for (let j = 0; j < L; j++) cy4.fill(cy[j], 4 * j, 4 * j + 4);
    const f = Math.fround;
    const model = (t: number) => {
      const sum = [0, 0, 0, 0];
      for (let j = 0; j < L; j++) {
        const u = f(y[t * L + j] - cy[j]);
        sum[j % 4] = f(sum[j % 4] + f(u * u));
      }
      return f(f(sum[0] + sum[1]) + f(sum[2] + sum[3]));
    };
    const thr = new Float64Array(b, thrOff, n);
    for (let t = 0; t < n; t++) {
      const a = model(t);
      // around the decision (both outcomes), far below, zero
      thr[t] = Number.isFinite(a) ? Math.sqrt(a) * (rng.next() < 0.8 ? 0.9 + 0.2 * rng.next() : 0.1) : rng.next();
    }
    const [kappa, eabs, ec] = [1 / (1 + (L + 8) * 2 ** -22), 2 ** -100, 0.05];
    const out = new Float64Array(b, outOff, n).fill(-1);
    const nS = h(y4Off, thrOff, nb, L, cy4Off, outOff, survOff, lo, kappa, eabs, ec);
    const surv = Array.from(new Int32Array(b, survOff, nS));
    const want: number[] = [];
    for (let t = 0; t < 4 * nb; t++) {
      const a = model(t),
        tq = thr[t] + ec;
      if (!(a * kappa - eabs >= tq * tq && a !== Infinity)) want.push(lo + t);
      assert.equal(out[t], Infinity, `L ${L}: row ${t} marked`);
    }
    assert.deepEqual(surv, want, `L ${L}: survivors`);
    assert.ok(want.length > 10 && want.length < 4 * nb - 10, `L ${L}: both outcomes (${want.length} survivors)`);
    assert.ok(want.includes(lo + 40) && want.includes(lo + 3), `L ${L}: NaN and infinite rows are never certified`);
    assert.equal(out[4 * nb], -1, 'rows past the last block are left to the caller');
  }
});
