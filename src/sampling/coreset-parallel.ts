/**
 * Exact greedy k-center on several cores: the projected bank lives once in a SharedArrayBuffer, the rows are cut into
 * contiguous parts, and each part (the calling thread takes part 0, worker_threads the others) keeps its own
 * triangle-inequality pruning state (the same scheme as kCenterPruned in ./coreset-kcenter, restricted to its rows).
 * Per pick, every part updates its rows against the new centre and reports its local argmax; the global argmax is
 * the largest value, lowest row index on ties: the brute force's rule. Distances are float32 inputs summed in float64
 * in the brute force's order, so the picks equal kCenterBruteForce's bit for bit (tests check this).
 *
 * Synchronisation is Atomics.wait/notify on a shared Int32Array (a pick costs two wake-ups, ~10-50 µs), so the pick
 * loop itself is synchronous; the function is async only to start and join the workers.
 *
 * The kernel is JavaScript source text evaluated in both the caller and the workers, so that exactly one
 * implementation runs everywhere and workers need no TypeScript loader (tsx, ts-node or compiled output alike).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Matrix } from '../linalg/matrix';
import { InputError, OptionError } from '../util/errors';
import { sqdistModuleBytes, wasmSqdistSupported, SharedWasmMemory, WASM_MAX_PAGES } from '../linalg/wasm-sqdist';
import { acquireSharedMemory, releaseSharedMemory, PooledMemory } from '../linalg/shared-memory-pool';
import type { PickProgress } from './coreset-kcenter';
import { lowDimBasis, LowDimBasis } from './coreset-lowdim';
import { nativeKCenter } from './coreset-native';

/**
 * One part's state and steps. `x` is the whole bank; the part owns rows [lo, hi). `wk` is null (plain JavaScript) or
 * the part's WebAssembly kernel and scratch views (see wasmScratch below): when pruning leaves at least DENSE_MIN
 * candidate rows in a pick, their distances go through the SIMD kernel: a float32 pass whose certified bound
 * (approxThreshold in src/linalg/wasm-sqdist.ts) discards the rows that cannot improve, then the exact float64
 * distances of the rest. Below DENSE_MIN, or without the kernel, each candidate's exact distance is summed in
 * JavaScript with an early exit. Either way every decision uses the exact float64 distance in the canonical order.
 * The per-pick bookkeeping is proportional to the candidates, not to the clusters' sizes: members stay sorted by
 * their distance so the candidates of a cluster are a prefix, and the new centre's distances to the other centres go
 * through the same float32 kernel and certified bound (a profile of a real 23,520-row head bank had 70 % of the pick
 * time in those two JavaScript scans before).
 */
const KERNEL_SOURCE = String.raw`
function makePart(x, d, lo, hi, m, wk, low, stride, phase) {
  var n = hi - lo;
  // The part holds bank rows phase, phase + stride, ... (in increasing order) at x rows lo, lo + 1, ...: its local row
  // t is bank row t·stride + phase, which is what it reports (so ties keep the brute force's lowest-row rule).
  var S = stride, PH = phase;
  // Low-dimensional filter (./coreset-lowdim): L principal coordinates per row in wk.y. ||c - p|| >=
  // (||ŷc - ŷp|| - e(c) - e(p)) / s, with s the spectral bound of U and e(x) = ||x||·coordError + 2^-100 the
  // coordinates' rounding; so a row p with ||ŷc - ŷp|| >= thrP[p] + e(c), thrP[p] = sqrt(minD)·s·(1 + 1e-6) + e(p),
  // cannot improve, and a cluster whose centre is that far beyond 2·sqrt(max minD) holds none that can.
  var useL = wk !== null && wk !== undefined && low !== null && low !== undefined;
  var L = useL ? low.dims : 0, SB = useL ? low.spectralBound * (1 + 1e-6) : 0;
  var KAPPA = 1 / (1 + (L + 8) * Math.pow(2, -22)), E_REL = useL ? low.coordError : 0, E_ABS = Math.pow(2, -100);
  // With the kernel, thrP and the member lists live in the shared memory, where g() reads them.
  var eP = useL ? new Float64Array(Math.max(1, n)) : null, thrP = useL ? wk.thr : null;
  var SLACK = 1 + 1e-7, CHUNK = 16, DENSE_MIN = 64, CENTRE_SIMD_MIN = 16;
  var APPROX_REL = 1 + (d + 8) * Math.pow(2, -22), APPROX_ABS = Math.pow(2, -110), LOWER_SAFE = 1 - Math.pow(2, -40);
  var useW = wk !== null && wk !== undefined && d > 0 && d % 8 === 0;
  // Whole blocks of four rows for h(); the last n mod 4 rows skip its bound (f() tests them in full).
  var NB4 = useL ? Math.floor(n / 4) : 0;
  // h() reads the first H coordinates only (one 64-byte line per row); f() then applies all L to h()'s survivors before
  // the full float32 bound. A partial sum over the first H coordinates is itself a valid bound with the L-coordinate
  // constants: ||U_H v|| <= ||U v|| <= SB·||v||, a subset's coordinate error is within the whole's, and KAPPA for L
  // covers the rounding of H <= L terms.
  var H = useL ? Math.min(L, 16) : 0;
  // A pick takes the in-order pass (h() then f(), or f() alone) when its candidates exceed n / FULL_DEN: with h() the
  // pass costs ~2 ns a row against ~8 for g()'s scattered visits, so from 1/8 of the part; without it, from 40 %.
  // Measured 2026-12-03 on the real 112/224-px banks and the e2e head bank (bench/kcenter-parts.ts shapes).
  var FULL_DEN = useL ? 8 : 2.5;
  var minD = useW ? wk.minD : new Float64Array(Math.max(1, n));
  var cx = new Float32Array(m * d);
  // With the kernel, the centres' norms, pivot distances, radii and the near list live in the shared memory, where k()
  // scans them.
  var cnorm = useW ? wk.cnorm : new Float64Array(m);
  // Member lists, all in one arena: cluster a's local rows are mIdx[off[a] .. off[a] + count[a]) and their minima
  // mD[..] beside them. A new cluster goes at the top; when the arena (2n) is full, the lists close up in creation
  // order (each row is in one list, so at most n entries are live and the arena never overflows after that).
  var cap2 = 2 * n + 16;
  var mIdx = useW ? wk.mIdx : new Int32Array(cap2), mD = useW ? wk.mD : new Float64Array(cap2);
  var off = new Int32Array(m), top = 0;
  // Per pick: the visited lists' candidate ranges (from, end) in the arena, and the moves (local row, new minimum).
  var vis = useW ? wk.vis : new Int32Array(2 * m), movR = useW ? wk.movR : new Int32Array(Math.max(1, n));
  var movD = useW ? wk.movD : new Float64Array(Math.max(1, n)), cnt = useW ? wk.cnt : null;
  var count = new Int32Array(m);
  var cmax = useW ? wk.cmax : new Float64Array(m);
  var carg = new Int32Array(m); // bank row (t·S + PH) of the (lowest-index) maximum
  var visA = new Int32Array(m), nearA = useW ? wk.near : new Int32Array(m);
  var crow = new Int32Array(m); // bank row of each centre
  var out = { best: -1, idx: 0 };
  var stats = { picks: 0, candidates: 0, densePicks: 0, fullPicks: 0, exact: 0, lowSurvivors: 0 };
  // Pivot rows spread over the whole bank (the same in every part): |d(c,p) - d(a,p)| <= d(c,a) is a cheap lower
  // bound that skips most far centres without a 16-coordinate partial distance (the origin pivot is cnorm).
  var P = 4, N = Math.floor(x.length / d);
  var pivot = new Int32Array(P);
  for (var q0 = 0; q0 < P; q0++) pivot[q0] = Math.min(N - 1, Math.floor(((q0 + 0.5) * N) / P));
  var cpiv = useW ? wk.cpiv : new Float64Array(m * P); // pivot-major: cpiv[q·m + a]
  // Squared distance in the canonical order (lanes j mod 4, (s0 + s1) + (s2 + s3)); stops once past limit (the
  // combined partial sums only grow, so the comparison with limit decides as the full sum would).
  function dist(a, ao, b, bo, limit) {
    var s0 = 0, s1 = 0, s2 = 0, s3 = 0, j = 0, t = 0, d4 = d - (d & 3);
    while (j < d4) {
      var end = j + CHUNK < d4 ? j + CHUNK : d4;
      for (; j < end; j += 4) {
        t = a[ao + j] - b[bo + j]; s0 += t * t;
        t = a[ao + j + 1] - b[bo + j + 1]; s1 += t * t;
        t = a[ao + j + 2] - b[bo + j + 2]; s2 += t * t;
        t = a[ao + j + 3] - b[bo + j + 3]; s3 += t * t;
      }
      if (s0 + s1 + (s2 + s3) > limit) return s0 + s1 + (s2 + s3);
    }
    if (j < d) { t = a[ao + j] - b[bo + j]; s0 += t * t; }
    if (j + 1 < d) { t = a[ao + j + 1] - b[bo + j + 1]; s1 += t * t; }
    if (j + 2 < d) { t = a[ao + j + 2] - b[bo + j + 2]; s2 += t * t; }
    return s0 + s1 + (s2 + s3);
  }
  function addCentre(k, c) {
    var src = c * d, s = 0;
    crow[k] = c;
    for (var j = 0; j < d; j++) { var v = x[src + j]; cx[k * d + j] = v; s += v * v; }
    cnorm[k] = Math.sqrt(s);
    for (var q = 0; q < P; q++) {
      var po = pivot[q] * d, t2 = 0;
      for (var j2 = 0; j2 < d; j2++) { var u2 = x[src + j2] - x[po + j2]; t2 += u2 * u2; }
      cpiv[q * m + k] = Math.sqrt(t2);
    }
  }
  function argmax(kc) {
    var best = -1, c = 0;
    for (var a = 0; a < kc; a++) {
      if (cmax[a] > best || (cmax[a] === best && carg[a] < c)) { best = cmax[a]; c = carg[a]; }
    }
    out.best = best; out.idx = c;
    return out;
  }
  // Members of a cluster are kept sorted by (minD ascending, row descending). A member's minD changes only when it
  // leaves its cluster, so the order survives compaction: the cluster's maximum (lowest row on ties) is its last
  // member, and the members a new centre can improve (4·minD·SLACK >= d(centre, cluster)²) are a suffix, found by
  // binary search; the kept ones close up within that suffix, so nothing before it ever moves.
  // Sorts the pairs (movD[i], movR[i]), i < cnt, in place by distance ascending, row descending: quicksort (median of
  // three) with insertion sort on short runs. Rows are distinct, so the order is total and any correct sort gives it;
  // the comparator sort this replaces (TypedArray.prototype.sort with a callback) took ~10 % of a real bank's picks.
  var qstack = new Int32Array(128);
  function sortMoves(cnt) {
    var lo0 = 0, hi0 = cnt - 1, sp = 0, i, j, dv, rv;
    for (;;) {
      if (hi0 - lo0 < 24) {
        for (i = lo0 + 1; i <= hi0; i++) {
          dv = movD[i]; rv = movR[i]; j = i - 1;
          while (j >= lo0 && (movD[j] > dv || (movD[j] === dv && movR[j] < rv))) {
            movD[j + 1] = movD[j]; movR[j + 1] = movR[j]; j--;
          }
          movD[j + 1] = dv; movR[j + 1] = rv;
        }
        if (sp === 0) return;
        hi0 = qstack[--sp]; lo0 = qstack[--sp];
        continue;
      }
      var mid = (lo0 + hi0) >>> 1, a0 = lo0, a1 = mid, a2 = hi0, tmp;
      // the median of three positions by the same order
      if (movD[a1] < movD[a0] || (movD[a1] === movD[a0] && movR[a1] > movR[a0])) { tmp = a0; a0 = a1; a1 = tmp; }
      if (movD[a2] < movD[a1] || (movD[a2] === movD[a1] && movR[a2] > movR[a1])) {
        a1 = a2;
        if (movD[a1] < movD[a0] || (movD[a1] === movD[a0] && movR[a1] > movR[a0])) a1 = a0;
      }
      var pd = movD[a1], pr = movR[a1];
      i = lo0; j = hi0;
      while (i <= j) {
        while (movD[i] < pd || (movD[i] === pd && movR[i] > pr)) i++;
        while (movD[j] > pd || (movD[j] === pd && movR[j] < pr)) j--;
        if (i <= j) {
          dv = movD[i]; movD[i] = movD[j]; movD[j] = dv;
          rv = movR[i]; movR[i] = movR[j]; movR[j] = rv;
          i++; j--;
        }
      }
      // the larger side waits on the stack (depth <= log2 n), the smaller goes next
      if (j - lo0 < hi0 - i) { if (i < hi0) { qstack[sp++] = i; qstack[sp++] = hi0; } hi0 = j; }
      else { if (lo0 < j) { qstack[sp++] = lo0; qstack[sp++] = j; } lo0 = i; }
    }
  }
  function init(start) {
    addCentre(0, start);
    var so = start * d, t;
    if (useW) {
      for (t = 0; t < n; t++) { wk.idx[t] = lo + t; wk.all[t] = lo + t; }
      for (var j = 0; j < d; j++) wk.c64[j] = x[so + j];
      wk.d(wk.xOff, wk.idxOff, n, d, wk.c64Off, wk.out64Off);
    }
    for (t = 0; t < n; t++) minD[t] = useW ? wk.out64[t] : dist(x, (lo + t) * d, x, so, Infinity);
    if (useL) {
      // h()'s blocks: coordinate j < H of local rows 4b .. 4b + 3 side by side, in the part's own stretch of y4
      for (var b4 = 0; b4 < NB4; b4++)
        for (var j4 = 0; j4 < H; j4++)
          for (var l4 = 0; l4 < 4; l4++) wk.y4[lo * H + (b4 * H + j4) * 4 + l4] = wk.y[(lo + 4 * b4 + l4) * L + j4];
      for (t = 0; t < n; t++) {
        var ro = (lo + t) * d, nn = 0;
        for (var j1 = 0; j1 < d; j1++) nn += x[ro + j1] * x[ro + j1];
        eP[t] = Math.sqrt(nn) * E_REL + E_ABS;
        thrP[t] = Math.sqrt(minD[t]) * SB + eP[t];
      }
    }
    for (t = 0; t < n; t++) { movR[t] = t; movD[t] = minD[t]; }
    sortMoves(n);
    for (t = 0; t < n; t++) { mIdx[t] = movR[t]; mD[t] = movD[t]; }
    off[0] = 0; count[0] = n; top = n;
    cmax[0] = n ? mD[n - 1] : 0; carg[0] = n ? mIdx[n - 1] * S + PH : 0;
    return argmax(1);
  }
  function step(k, c) {
    addCentre(k, c);
    var co = c * d, ko = k * d, dc2 = 0, nVis = 0, nCand = 0, nNear = 0, a = 0, v = 0, t = 0, j = 0;
    // 1. Clusters the cheap bounds (norm, pivots) cannot rule out: with the kernel, k() (two clusters a step, the same
    // float64 tests, so the same list; an empty cluster has cmax 0); else this loop.
    if (useW) nNear = wk.k(wk.cmaxOff, wk.cnormOff, wk.cpivOff, m, k, wk.nearOff, SLACK);
    else
      for (a = 0; a < k; a++) {
        var r2 = cmax[a];
        if (count[a] === 0 || r2 === 0) continue;
        var bound = 4 * r2 * SLACK;
        var dn = cnorm[k] - cnorm[a];
        if (dn * dn > bound) continue;
        var far = false;
        for (var q = 0; q < P; q++) { var dp = cpiv[q * m + k] - cpiv[q * m + a]; if (dp * dp > bound) { far = true; break; } }
        if (far) continue;
        nearA[nNear++] = a;
      }
    // 2. Their centre distances: with the kernel, one float32 SIMD pass over the centres' rows, whose certified bound
    // skips the far ones and, for the rest, gives a certified lower bound on d(c, a)² that the member tests below use
    // in place of the exact distance (a smaller d(c, a)² only admits more candidates, each then decided exactly).
    // Without the kernel the exact distance (early exit at the bound) decides. With the low-dimensional coordinates,
    // their bound first drops the far centres (L floats per centre instead of d).
    var approx = useW && nNear >= CENTRE_SIMD_MIN, ec = useL ? cnorm[k] * E_REL + E_ABS : 0;
    if (useW) for (j = 0; j < d; j++) { wk.c32[j] = x[co + j]; wk.c64[j] = x[co + j]; }
    if (useL) for (j = 0; j < L; j++) wk.cy32[j] = wk.y[c * L + j];
    if (approx) {
      for (v = 0; v < nNear; v++) wk.cidx[v] = crow[nearA[v]];
      if (useL) {
        wk.a(wk.yOff, wk.cidxOff, nNear, L, wk.cy32Off, wk.cout32Off);
        var nKeep = 0;
        for (v = 0; v < nNear; v++) {
          a = nearA[v];
          var tc = Math.sqrt(4 * cmax[a] * SLACK) * SB + ec + cnorm[a] * E_REL + E_ABS, al = wk.cout32[v];
          if (al * KAPPA - E_ABS >= tc * tc && al !== Infinity) continue;
          nearA[nKeep] = a; wk.cidx[nKeep++] = crow[a];
        }
        nNear = nKeep;
      }
      wk.a(wk.xOff, wk.cidxOff, nNear, d, wk.c32Off, wk.cout32Off);
    }
    for (v = 0; v < nNear; v++) {
      a = nearA[v];
      var bnd = 4 * cmax[a] * SLACK, ac = approx ? wk.cout32[v] : Infinity;
      if (ac !== Infinity) {
        if (ac >= bnd * APPROX_REL + APPROX_ABS) continue;
        // a() is within (d + 8)·2^-23 relative plus 2^-120 of the exact value; APPROX_REL/ABS are twice/2^10 times
        // those, and LOWER_SAFE covers this line's own float64 rounding.
        dc2 = ((ac - APPROX_ABS) / APPROX_REL) * LOWER_SAFE;
        if (!(dc2 > 0)) dc2 = 0;
      } else dc2 = dist(cx, ko, cx, a * d, bnd);
      if (dc2 > bnd) continue;
      // Candidates: the suffix of members whose own bound does not rule the new centre out.
      var lo1 = off[a], hi1 = off[a] + count[a];
      while (lo1 < hi1) {
        var mid = (lo1 + hi1) >>> 1;
        if (4 * mD[mid] * SLACK >= dc2) hi1 = mid;
        else lo1 = mid + 1;
      }
      visA[nVis] = a; vis[2 * nVis] = lo1; vis[2 * nVis + 1] = off[a] + count[a]; nVis++;
      nCand += off[a] + count[a] - lo1;
    }
    stats.picks++;
    // 3. The moves: with the kernel, one call of g() (wasm-sqdist: low-dimensional bound, float32 bound, exact
    // distance, the kept entries closed up, the moves listed); else the same in JavaScript with exact distances.
    var nMoved = 0;
    if (useW && nCand >= DENSE_MIN) {
      stats.densePicks++; stats.candidates += nCand;
      // Past n / FULL_DEN candidates, every row of the part is tested in memory order first (prefetched, where
      // gathering the candidates' rows in list order is not), and g() reads the results by row.
      var full = nCand * FULL_DEN > n;
      if (full) {
        stats.fullPicks++;
        if (useL) {
          // h() applies the low-dimensional bound four rows at a time and lists the survivors; f() does the rest on
          // those alone (its results land by row, as g() reads them).
          for (j = 0; j < H; j++) wk.cy4.fill(wk.cy32[j], 4 * j, 4 * j + 4);
          var nS = wk.h(wk.y4Off + lo * H * 4, wk.thrOff, NB4, H, wk.cy4Off, wk.out64Off, wk.survOff, lo, KAPPA, E_ABS,
            ec);
          for (t = 4 * NB4; t < n; t++) wk.surv[nS++] = lo + t;
          stats.lowSurvivors += wk.f(wk.xOff, wk.yOff, wk.survOff, wk.minDOff, nS, d, H < L ? L : 0, wk.c32Off,
            wk.c64Off, wk.cy32Off, wk.thrOff, lo, wk.out64Off, APPROX_REL, APPROX_ABS, KAPPA, E_ABS, ec);
        } else
          wk.f(wk.xOff, wk.yOff, wk.allOff, wk.minDOff, n, d, 0, wk.c32Off, wk.c64Off, wk.cy32Off, wk.thrOff, lo,
            wk.out64Off, APPROX_REL, APPROX_ABS, KAPPA, E_ABS, ec);
      }
      nMoved = wk.g(wk.xOff, wk.yOff, wk.mIdxOff, wk.mDOff, wk.visOff, nVis, d, L, wk.c32Off, wk.c64Off, wk.cy32Off,
        wk.thrOff, lo, wk.movROff, wk.movDOff, wk.cntOff, full ? wk.out64Off : 0, APPROX_REL, APPROX_ABS, KAPPA, E_ABS,
        ec);
      stats.lowSurvivors += useL ? cnt[0] : 0; stats.exact += cnt[1]; cnt[0] = 0; cnt[1] = 0;
    } else {
      for (v = 0; v < nVis; v++) {
        var w = vis[2 * v], e2 = vis[2 * v + 1];
        for (var p2 = w; p2 < e2; p2++) {
          var t2 = mIdx[p2], md = mD[p2], acc = dist(x, (lo + t2) * d, x, co, md);
          if (acc < md) { movR[nMoved] = t2; movD[nMoved++] = acc; }
          else { mIdx[w] = t2; mD[w++] = md; }
        }
        vis[2 * v + 1] = w;
      }
    }
    for (v = 0; v < nVis; v++) {
      var av = visA[v], newEnd = vis[2 * v + 1];
      if (newEnd < off[av] + count[av]) {
        count[av] = newEnd - off[av];
        cmax[av] = count[av] ? mD[newEnd - 1] : 0; carg[av] = count[av] ? mIdx[newEnd - 1] * S + PH : 0;
      }
    }
    // 4. The new centre's cluster: the moves sorted like every list, at the top of the arena.
    for (j = 0; j < nMoved; j++) {
      var tm = movR[j];
      minD[tm] = movD[j];
      if (useL) thrP[tm] = Math.sqrt(movD[j]) * SB + eP[tm];
    }
    if (top + nMoved > cap2) {
      var dst = 0;
      for (a = 0; a < k; a++) {
        if (count[a]) { mIdx.copyWithin(dst, off[a], off[a] + count[a]); mD.copyWithin(dst, off[a], off[a] + count[a]); }
        off[a] = dst; dst += count[a];
      }
      top = dst;
    }
    sortMoves(nMoved);
    for (j = 0; j < nMoved; j++) { mIdx[top + j] = movR[j]; mD[top + j] = movD[j]; }
    off[k] = top; count[k] = nMoved; top += nMoved;
    cmax[k] = nMoved ? mD[top - 1] : 0; carg[k] = nMoved ? mIdx[top - 1] * S + PH : 0;
    return argmax(k + 1);
  }
  return { init: init, step: step, stats: stats };
}

/** The part's kernel and scratch views on the shared memory (layout from wasmLayout), or null. */
function wasmScratch(mem, bytes, lay, part) {
  if (!mem) return null;
  var inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { e: { m: mem } });
  var b = mem.buffer, o = lay.parts[part], cap = lay.cap[part], d = lay.d;
  return {
    a: inst.exports.a, d: inst.exports.d, f: inst.exports.f, g: inst.exports.g, h: inst.exports.h, k: inst.exports.k,
    xOff: 0,
    y4Off: lay.y4, y4: lay.L ? new Float32Array(b, lay.y4, lay.n * Math.min(lay.L, 16)) : null,
    cy4Off: o.cy4, cy4: new Float32Array(b, o.cy4, 4 * Math.max(1, Math.min(lay.L, 16))),
    survOff: o.surv, surv: new Int32Array(b, o.surv, cap),
    c64Off: o.c64, c64: new Float64Array(b, o.c64, d),
    c32Off: o.c32, c32: new Float32Array(b, o.c32, d),
    idxOff: o.idx, idx: new Int32Array(b, o.idx, cap),
    cidxOff: o.cidx, cidx: new Int32Array(b, o.cidx, lay.m),
    yOff: lay.y, y: lay.L ? new Float32Array(b, lay.y, lay.n * lay.L) : null,
    cy32Off: o.cy32, cy32: new Float32Array(b, o.cy32, Math.max(1, lay.L)),
    allOff: o.all, all: new Int32Array(b, o.all, cap),
    minDOff: o.minD, minD: new Float64Array(b, o.minD, cap),
    mIdxOff: o.mIdx, mIdx: new Int32Array(b, o.mIdx, 2 * cap + 16),
    mDOff: o.mD, mD: new Float64Array(b, o.mD, 2 * cap + 16),
    visOff: o.vis, vis: new Int32Array(b, o.vis, 2 * lay.m),
    movROff: o.movR, movR: new Int32Array(b, o.movR, cap),
    movDOff: o.movD, movD: new Float64Array(b, o.movD, cap),
    cntOff: o.cnt, cnt: new Int32Array(b, o.cnt, 2),
    thrOff: o.thr, thr: new Float64Array(b, o.thr, cap),
    cout32Off: o.cout32, cout32: new Float32Array(b, o.cout32, lay.m),
    out64Off: o.out64, out64: new Float64Array(b, o.out64, cap),
    cmaxOff: o.cmax, cmax: new Float64Array(b, o.cmax, lay.m),
    cnormOff: o.cnorm, cnorm: new Float64Array(b, o.cnorm, lay.m),
    cpivOff: o.cpiv, cpiv: new Float64Array(b, o.cpiv, 4 * lay.m),
    nearOff: o.near, near: new Int32Array(b, o.near, lay.m),
  };
}
`;

/** Control words: [0] generation, [1] centre row (-1 = stop), [2] pick number k, [3] unused, [4 + part] part's done generation (-1 = failed). */
const GEN = 0,
  CENTRE = 1,
  PICK = 2,
  DONE0 = 4;

const WORKER_SOURCE = `${KERNEL_SOURCE}
const { workerData } = require('node:worker_threads');
const w = workerData;
const x = new Float32Array(w.bank, w.byteOffset, w.length);
const ctrl = new Int32Array(w.ctrl);
const resV = new Float64Array(w.resV);
const resI = new Int32Array(w.resI);
const errBytes = new Uint8Array(w.err);
let part = null;
let gen = 0;
for (;;) {
  // Wait until the generation moves on: a return from Atomics.wait with the generation unchanged (seen under heavy
  // load) must not run the same pick twice, which emptied the new centre's cluster (its members list is rebuilt).
  let g;
  while ((g = Atomics.load(ctrl, ${GEN})) === gen) Atomics.wait(ctrl, ${GEN}, gen);
  gen = g;
  const c = ctrl[${CENTRE}], k = ctrl[${PICK}];
  if (c < 0) break;
  try {
    if (part === null) part = makePart(x, w.d, w.lo, w.hi, w.m, wasmScratch(w.mem, w.wasm, w.layout, w.part), w.low, w.stride, w.part);
    const r = k === 0 ? part.init(c) : part.step(k, c);
    resV[w.part] = r.best; resI[w.part] = r.idx;
    Atomics.store(ctrl, ${DONE0} + w.part, gen);
  } catch (e) {
    const msg = Buffer.from(String(e && e.stack || e)).subarray(0, errBytes.length - 1);
    errBytes.set(msg); errBytes[msg.length] = 0;
    Atomics.store(ctrl, ${DONE0} + w.part, -1);
  }
  Atomics.notify(ctrl, ${DONE0} + w.part);
}
`;

/**
 * A whole single-part run on a worker thread (option `detached`): the calling thread stays free, e.g. for the head
 * coreset while the tail's runs here. Picks go to shared memory as they are made, `done[0]` counts them.
 */
const SOLO_SOURCE = `${KERNEL_SOURCE}
const { parentPort } = require('node:worker_threads');
// One run per message; the worker stays for the next (its kernel already compiled and optimised).
parentPort.on('message', (w) => {
  try {
    const x = new Float32Array(w.bank, w.byteOffset, w.length);
    const picks = new Int32Array(w.picks), done = new Int32Array(w.done);
    const part = makePart(x, w.d, 0, w.n, w.m, wasmScratch(w.mem, w.wasm, w.layout, 0), w.low, 1, 0);
    let r = part.init(w.start);
    for (let k = 1; k < w.m; k++) {
      picks[k] = r.idx;
      Atomics.store(done, 0, k + 1);
      if (k + 1 < w.m) r = part.step(k, r.idx);
    }
    parentPort.postMessage({ stats: part.stats });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.stack) || e) });
  }
});
`;

/**
 * Idle detached workers, kept for the next detached run (a fit runs one; a grid or a notebook many): a new worker
 * costs its start and a cold kernel (interpreted, then optimised, over its first picks). Idle ones are unref'd, so
 * they never keep the process alive.
 */
const idleSolo: Worker[] = [];
const SOLO_IDLE_MAX = 2;

function newSoloWorker(): Worker {
  const w = new Worker(SOLO_SOURCE, { eval: true });
  // One listener for the worker's life: an idle worker that exits (killed, out of memory) leaves the pool, so no run
  // is ever posted to a dead one.
  w.on('exit', () => {
    const i = idleSolo.indexOf(w);
    if (i >= 0) idleSolo.splice(i, 1);
  });
  return w;
}

/** Idle detached workers (tests). */
export function idleCoresetWorkers(): number {
  return idleSolo.length;
}

/** The most recently idled detached worker, left in the pool (tests: to kill one while idle). */
export function peekIdleCoresetWorker(): Worker | undefined {
  return idleSolo[idleSolo.length - 1];
}

type Part = {
  init(start: number): { best: number; idx: number };
  step(k: number, c: number): { best: number; idx: number };
  stats: KCenterStats;
};
type Host = {
  makePart(
    x: Float32Array,
    d: number,
    lo: number,
    hi: number,
    m: number,
    wk: unknown,
    low: Pick<LowDimBasis, 'dims' | 'spectralBound' | 'coordError'> | null,
    stride: number,
    phase: number,
  ): Part;
  wasmScratch(mem: SharedWasmMemory | null, bytes: Uint8Array, lay: WasmLayout, part: number): unknown;
};
let host: Host | null = null;
function kernelHost(): Host {
  host ??= new Function(`${KERNEL_SOURCE}\nreturn { makePart: makePart, wasmScratch: wasmScratch };`)() as Host;
  return host;
}

/** What the calling thread's part did (the other parts behave alike): picks, and how many took the SIMD path. */
export interface KCenterStats {
  picks: number;
  /** Picks whose candidates (rows pruning could not rule out) were at least DENSE_MIN and went through the kernel. */
  densePicks: number;
  /** Of those, picks with enough candidates (see FULL_DEN) that every row of the part was tested in memory order. */
  fullPicks: number;
  /** Candidate rows over those picks, and how many of them needed the exact distance after the float32 filter. */
  candidates: number;
  exact: number;
  /** Candidates the low-dimensional bound left for the float32 pass (0 when that filter is off). */
  lowSurvivors: number;
  /** Which kernel ran: 'native' (./coreset-native: candidates = int8-tested members, exact = those it left), 'wasm', 'js'. */
  engine?: 'native' | 'wasm' | 'js';
}

/** Byte offsets of the bank (at 0) and of each part's scratch in the shared WebAssembly memory. */
interface WasmLayout {
  d: number;
  /** Picks: the capacity of the centre lists (cidx, cout32). */
  m: number;
  /** Bank rows, and the low-dimensional coordinates (n x L float32 at byte offset y; L = 0: none). */
  n: number;
  L: number;
  y: number;
  /** The same coordinates blocked four rows at a time within each part, for h() (see makePart's init). */
  y4: number;
  pages: number;
  cap: number[];
  parts: {
    c64: number;
    c32: number;
    idx: number;
    all: number;
    minD: number;
    mIdx: number;
    mD: number;
    vis: number;
    movR: number;
    movD: number;
    cnt: number;
    thr: number;
    out64: number;
    cidx: number;
    cout32: number;
    cy32: number;
    cy4: number;
    surv: number;
    cmax: number;
    cnorm: number;
    cpiv: number;
    near: number;
  }[];
}

function wasmLayout(n: number, d: number, m: number, L: number, bounds: number[]): WasmLayout | null {
  const up = (b: number) => Math.ceil(b / 16) * 16;
  const y = up(n * d * 4);
  const y4 = up(y + n * L * 4);
  let o = up(y4 + n * Math.min(L, 16) * 4); // h() reads the first 16 coordinates (makePart's H)
  const parts: WasmLayout['parts'] = [];
  const cap: number[] = [];
  for (let w = 0; w + 1 < bounds.length; w++) {
    const c = Math.max(1, bounds[w + 1] - bounds[w]);
    cap.push(c);
    const c64 = o;
    const c32 = up(c64 + 8 * d);
    const idx = up(c32 + 4 * d);
    // the member arena (2c + 16 entries: see makePart), the visited ranges, the moves, two counters
    const all = up(idx + 4 * c);
    const minD = up(all + 4 * c);
    const mIdx = up(minD + 8 * c);
    const mD = up(mIdx + 4 * (2 * c + 16));
    const vis = up(mD + 8 * (2 * c + 16));
    const movR = up(vis + 8 * m);
    const movD = up(movR + 4 * c);
    const cnt = up(movD + 8 * c);
    const thr = up(cnt + 8);
    const out64 = up(thr + 8 * c);
    const cidx = up(out64 + 8 * c);
    const cout32 = up(cidx + 4 * m);
    const cy32 = up(cout32 + 4 * m);
    const cy4 = up(cy32 + 4 * Math.max(1, L));
    const surv = up(cy4 + 16 * Math.max(1, L));
    // the centres' radii, norms and pivot distances (4 pivots, pivot-major) and k()'s list
    const cmax = up(surv + 4 * c);
    const cnorm = up(cmax + 8 * m);
    const cpiv = up(cnorm + 8 * m);
    const near = up(cpiv + 32 * m);
    o = up(near + 4 * m);
    parts.push({
      ...{ c64, c32, idx, all, minD, mIdx, mD, vis, movR, movD, cnt, thr, out64, cidx, cout32, cy32, cy4, surv },
      ...{ cmax, cnorm, cpiv, near },
    });
  }
  const pages = Math.ceil(o / 65536);
  return pages > WASM_MAX_PAGES ? null : { d, m, n, L, y, y4, pages, cap, parts };
}

export interface ParallelKCenterOptions {
  /**
   * Parts the rows are cut into (the calling thread runs one, workers the rest).
   * @default 1 below PARALLEL_MIN_ROWS rows, else os.availableParallelism()
   */
  parts?: number;
  /** Called after each pick with (picked so far, total picks). */
  onPick?: PickProgress;
  /**
   * Use the WebAssembly SIMD kernel when the runtime has it, the dimension is a multiple of 8 and the bank fits in
   * 4 GiB (else plain JavaScript). Picks are the same either way. @default true
   */
  simd?: boolean;
  /** Filled with the calling thread's part statistics at the end. @default undefined */
  stats?: KCenterStats;
  /**
   * With one part, run it on a worker thread and leave the calling thread free (the models run the tail coreset so,
   * beside the head's). Picks are the same either way; onPick is called from timers, in order. @default false
   */
  detached?: boolean;
  /**
   * Principal directions of the low-dimensional filter (./coreset-lowdim; a multiple of 8, at most d / 4; 0 = off).
   * Used with the SIMD kernel over at least LOW_MIN_PICKS picks. Picks are the same either way.
   * @default 32 (16 where d < 128 or past 262,144 rows) for banks of 16 MiB and more, else 0
   */
  lowDims?: number;
  /**
   * Run a one-part k-center on the native kernel (./coreset-native) where it was built and the CPU has AVX-512 with
   * VNNI (off the calling thread, like `detached`). An explicit `lowDims` or `simd: false` keeps the WebAssembly or
   * JavaScript path they name. Picks are the same either way. @default true
   */
  native?: boolean;
}

/**
 * Below this many rows the k-center runs in one part unless `parts` is given: every pick costs two cross-thread
 * hand-offs, and on smaller banks a pick's work does not repay them. Measured 2026-12-03 with bench/kcenter-parts.ts
 * on real banks, quiet machine (load 1), one process, 1 part / 2 parts, ms: 8,232 rows 81 / 181; 20,991 rows 300 / 434; 47,040 rows 662 / 664;
 * 56,448 rows 707 / 672; 75,264 rows 1041 / 1096; 225,792 rows 3065 / 2135. Under load (3, other processes running)
 * two parts lost up to 75,264 rows by more (e.g. 20,991 rows 386 / 560). One part also leaves the other core to the
 * tail coreset (TailedCore runs it beside the head's).
 */
const PARALLEL_MIN_ROWS = 100000;

/** The default part count for a bank of `rows` rows: one below PARALLEL_MIN_ROWS, else one per core. */
export function coresetParts(rows: number): number {
  return rows < PARALLEL_MIN_ROWS ? 1 : availableParallelism();
}

/**
 * Directions of the low-dimensional filter (16 where d < 128). h() tests the first 16 (a 64-byte line per row), f()
 * the 32 on h()'s survivors before their full rows: measured 2026-12-03 against 16 directions, interleaved, min/median
 * ms at load 1.3: real 112-px head bank 542/690 -> 494/597, its tail bank 772/908 -> 705/762, 224-px head 892/1025 ->
 * 868/1010, 224-px tail (2 parts) 1416/1491 -> 1282/1478.
 */
const LOW_DIMS = 32;
/**
 * 32 directions only while their coordinates (128 bytes a row) take at most this many bytes (262,144 rows), else 16:
 * on larger banks the second line of every row's coordinates costs more than it saves. Measured 2026-12-03 22:59 UTC,
 * quiet (load 1.3-1.9), `npx tsx bench/kcenter-lowdims.ts --rows 200000,400000,800000,1256164 --picks 5000` (the
 * paper-scale generator's projected head rows, AB-BA), 16 / 32 directions, seconds (CPU seconds): 200,000 rows 3.3,
 * 3.7 / 3.2, 3.3 (5.5, 6.3 / 5.7, 5.8); 400,000 rows 5.0, 4.3 / 5.0, 5.2 (8.6, 7.6 / 8.8, 9.0); 800,000 rows 8.7, 7.8 /
 * 8.4, 8.7 (15.1, 14.0 / 15.3, 15.7); 1,256,164 rows 15.5, 12.7 / 15.4, 15.6 (26.5, 23.3 / 28.0, 28.5). The whole
 * paper-scale head coreset: 607 s with 32 directions (before g()'s two tiers), 404 s with 16 (this rule).
 */
const LOW_DIMS_32_MAX_BYTES = 32 * 2 ** 20;
/** Fewer picks than this do not repay the basis and the n·d·L coordinates. */
const LOW_MIN_PICKS = 64;
/**
 * Default on only for banks of at least this many bytes: below, the basis (tens of ms) is not repaid. Measured
 * 2026-12-03 with the fused kernel, one process, filter off / on, milliseconds, load 4-6 (helpers running), 1 part:
 * real 112-px head bank 47,040 x 128 (24 MB) 1118 / 758, its tail bank 56,448 x 128 (29 MB) 1310 / 975, e2e head bank
 * 20,991 x 128 (10.7 MB) 306 / 304, e2e tail bank 8,232 x 128 (4.2 MB) 79 / 174. (Before the fused kernel the filter
 * lost on the 24 MB bank, hence the old 32 MiB bar.)
 */
const LOW_MIN_BANK_BYTES = 16 * 2 ** 20;

/** The detached run: SOLO_SOURCE on one worker; onPick replayed in order from a timer as picks land. */
async function solo(
  data: Record<string, unknown> & { m: number; start: number },
  onPick: PickProgress | undefined,
  stats: KCenterStats | undefined,
): Promise<Int32Array> {
  const { m, start } = data;
  const picksBuf = new SharedArrayBuffer(4 * m),
    doneBuf = new SharedArrayBuffer(4);
  const picks = new Int32Array(picksBuf),
    done = new Int32Array(doneBuf);
  picks[0] = start;
  done[0] = 1;
  let told = 1;
  const tell = () => {
    // the count moves outside the call: `onPick?.(++told, m)` skips its argument when onPick is absent (a hang)
    for (const upTo = Atomics.load(done, 0); told < upTo;) {
      told++;
      onPick?.(told, m);
    }
  };
  const worker = idleSolo.pop() ?? newSoloWorker();
  worker.ref();
  const timer = onPick ? setInterval(tell, 200) : null;
  let reusable = false;
  try {
    const msg = await new Promise<{ stats?: KCenterStats; error?: string }>((resolve, reject) => {
      const off = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (v: { stats?: KCenterStats; error?: string }) => (off(), resolve(v));
      const onError = (e: Error) => (off(), reject(e));
      const onExit = (code: number) => (
        off(),
        reject(new Error(`coreset worker exited (code ${code}) before finishing`))
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ ...data, picks: picksBuf, done: doneBuf });
    });
    if (msg.error) throw new Error(`coreset worker failed: ${msg.error}`);
    reusable = true;
    tell();
    if (stats && msg.stats) Object.assign(stats, msg.stats, { engine: data.layout ? 'wasm' : 'js' });
    return Int32Array.from(picks);
  } finally {
    if (timer) clearInterval(timer);
    // A worker that failed or exited is not reused.
    if (reusable && idleSolo.length < SOLO_IDLE_MAX) {
      worker.unref();
      idleSolo.push(worker);
    } else await worker.terminate();
  }
}

/** Copies rows of `src` (width `w`) into `dst` dealt round-robin over `parts`: row i goes to part i mod parts. */
function deal(src: Float32Array, dst: Float32Array, w: number, parts: number): void {
  if (parts === 1) {
    dst.set(src); // one copy, not a view and a copy per row
    return;
  }
  const n = src.length / w;
  let o = 0;
  for (let q = 0; q < parts; q++)
    for (let i = q; i < n; i += parts, o += w) dst.set(src.subarray(i * w, (i + 1) * w), o);
}

/** The bank's values in a SharedArrayBuffer: the same array when it already is one, else one copy. */
export function toShared(data: Float32Array): Float32Array {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const s = new Float32Array(new SharedArrayBuffer(data.byteLength));
  s.set(data);
  return s;
}

/**
 * Exact greedy k-center over several cores: the same picks as kCenterBruteForce(p, m, start), the same arithmetic.
 * `p` is the (projected) bank, row-major float32; it is copied once into shared memory unless it already lives there.
 */
export async function kCenterParallel(
  p: Matrix,
  m: number,
  start: number,
  opts: ParallelKCenterOptions = {},
): Promise<Int32Array> {
  const n = p.rows,
    d = p.cols;
  if (p.data.length !== n * d)
    throw new InputError(`coreset bank: data length ${p.data.length} does not match shape ${n}x${d}`);
  if (!Number.isInteger(m) || m < 1 || m > n) throw new InputError(`coreset: cannot pick ${m} of ${n} rows`);
  if (!Number.isInteger(start) || start < 0 || start >= n)
    throw new InputError(`coreset: start row ${start} is outside [0, ${n})`);
  const parts = Math.min(opts.parts ?? coresetParts(n), n);
  if (!Number.isInteger(parts) || parts < 1)
    throw new OptionError(`coreset: parts must be a positive integer, got ${opts.parts}`);
  if (opts.detached && parts !== 1)
    throw new OptionError(`coreset: detached runs one part on a worker thread; got parts ${parts}`);
  const onPick = opts.onPick;
  const picks = new Int32Array(m);
  picks[0] = start;
  onPick?.(1, m);
  if (m === 1) return picks;
  if (parts === 1 && opts.native !== false && opts.simd !== false && opts.lowDims === undefined) {
    const r = await nativeKCenter(p.data, n, d, m, start, onPick);
    if (r) {
      if (opts.stats)
        Object.assign(opts.stats, {
          picks: m - 1,
          densePicks: m - 1,
          fullPicks: 0,
          candidates: r.candidates,
          exact: r.exact,
          lowSurvivors: 0,
          engine: 'native',
        });
      return r.picks;
    }
  }

  // Rows are dealt round-robin: part w holds bank rows w, w + parts, ... (x rows bounds[w] ..). A new centre's
  // candidates are its near neighbours, and neighbouring rows (the same image, the same class) sit together in the
  // bank, so contiguous parts left one part with most of a pick's work and the other waiting (2 parts ran no faster
  // than 1 on a real head bank); dealt rows share every cluster's work evenly.
  const bounds = [0];
  for (let w = 0; w < parts; w++) bounds.push(bounds[w] + Math.ceil((n - w) / parts));
  /** Row of the (dealt) shared bank holding bank row i. */
  const dealt = (i: number): number => bounds[i % parts] + Math.floor(i / parts);
  // The bank goes into a shared WebAssembly memory (at offset 0) when the SIMD kernel can run, else shared as is.
  const simd = opts.simd !== false && d > 0 && d % 8 === 0 && wasmSqdistSupported();
  // The low-dimensional filter pays for its basis and coordinates only over enough picks and on large enough banks.
  const wide = d >= 4 * LOW_DIMS && n * LOW_DIMS * 4 <= LOW_DIMS_32_MAX_BYTES;
  const lowDims = opts.lowDims ?? (n * d * 4 >= LOW_MIN_BANK_BYTES ? (wide ? LOW_DIMS : 16) : 0);
  if (!Number.isInteger(lowDims) || lowDims < 0 || lowDims % 8 !== 0)
    throw new OptionError(`coreset: lowDims must be 0 or a positive multiple of 8, got ${opts.lowDims}`);
  let low = simd && lowDims > 0 && d >= 4 * lowDims && m >= LOW_MIN_PICKS ? await lowDimBasis(p, lowDims) : null;
  let layout = simd ? wasmLayout(n, d, m, low ? low.dims : 0, bounds) : null;
  if (!layout) low = null;
  let pooled: PooledMemory | null = null;
  if (layout) {
    try {
      pooled = acquireSharedMemory(layout.pages);
      layout.pages = pooled.pages; // the module imports the memory at its own (rounded) size
    } catch {
      layout = null; // the runtime refused that much shared memory: plain JavaScript on the shared bank
      low = null;
    }
  }
  const mem: SharedWasmMemory | null = pooled ? pooled.mem : null;
  // Everything below runs with the memory lent; it goes back to the pool once the workers have exited.
  try {
    const wasm = layout ? sqdistModuleBytes(layout.pages) : new Uint8Array(0);
    let x: Float32Array;
    if (layout && mem) {
      x = new Float32Array(mem.buffer, 0, n * d);
      deal(p.data, x, d, parts);
      if (low) deal(low.coords, new Float32Array(mem.buffer, layout.y, n * low.dims), low.dims, parts);
    } else if (parts === 1) x = toShared(p.data);
    else {
      x = new Float32Array(new SharedArrayBuffer(n * d * 4));
      deal(p.data, x, d, parts);
    }
    // What the kernel needs of the basis (the coordinates are in the shared memory).
    const lowK = low ? { dims: low.dims, spectralBound: low.spectralBound, coordError: low.coordError } : null;
    if (opts.detached) {
      return await solo(
        { bank: x.buffer, byteOffset: x.byteOffset, length: x.length, d, n, m, start, mem, wasm, layout, low: lowK },
        onPick,
        opts.stats,
      );
    }
    const ctrlBuf = new SharedArrayBuffer(4 * (DONE0 + parts));
    const ctrl = new Int32Array(ctrlBuf);
    const resVBuf = new SharedArrayBuffer(8 * parts),
      resIBuf = new SharedArrayBuffer(4 * parts);
    const resV = new Float64Array(resVBuf),
      resI = new Int32Array(resIBuf);
    const errBufs: SharedArrayBuffer[] = [];
    const workers: Worker[] = [];
    const exited: Promise<void>[] = [];
    for (let w = 1; w < parts; w++) {
      const err = new SharedArrayBuffer(2048);
      errBufs[w] = err;
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          bank: x.buffer,
          byteOffset: x.byteOffset,
          length: x.length,
          d,
          lo: bounds[w],
          hi: bounds[w + 1],
          stride: parts,
          m,
          ctrl: ctrlBuf,
          resV: resVBuf,
          resI: resIBuf,
          err,
          part: w,
          mem,
          wasm,
          layout,
          low: lowK,
        },
      });
      workers.push(worker);
      exited.push(
        new Promise((resolve) => {
          worker.once('exit', () => resolve());
          worker.once('error', () => resolve());
        }),
      );
    }
    const kh = kernelHost();
    const main = kh.makePart(
      x,
      d,
      bounds[0],
      bounds[1],
      m,
      layout ? kh.wasmScratch(mem, wasm, layout, 0) : null,
      lowK,
      parts,
      0,
    );
    let gen = 0;
    const round = (k: number, bankRow: number): number => {
      const c = dealt(bankRow);
      ctrl[CENTRE] = c;
      ctrl[PICK] = k;
      gen = Atomics.add(ctrl, GEN, 1) + 1;
      Atomics.notify(ctrl, GEN);
      const r = k === 0 ? main.init(c) : main.step(k, c);
      let best = r.best,
        idx = r.idx;
      for (let w = 1; w < parts; w++) {
        for (;;) {
          const v = Atomics.load(ctrl, DONE0 + w);
          if (v === gen) break;
          if (v === -1) {
            const b = new Uint8Array(errBufs[w]);
            const end = b.indexOf(0);
            throw new Error(
              `coreset worker ${w} failed: ${Buffer.from(b.subarray(0, end < 0 ? b.length : end)).toString()}`,
            );
          }
          Atomics.wait(ctrl, DONE0 + w, v, 1000);
        }
        const bv = resV[w],
          bi = resI[w];
        if (bv > best || (bv === best && bi < idx)) {
          best = bv;
          idx = bi;
        }
      }
      return idx;
    };
    try {
      let c = round(0, start);
      for (let k = 1; k < m; k++) {
        picks[k] = c;
        onPick?.(k + 1, m);
        if (k + 1 < m) c = round(k, c);
      }
    } finally {
      ctrl[CENTRE] = -1;
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      await Promise.all(exited);
    }
    if (opts.stats) Object.assign(opts.stats, main.stats, { engine: layout ? 'wasm' : 'js' });
    return picks;
  } finally {
    releaseSharedMemory(pooled);
  }
}
