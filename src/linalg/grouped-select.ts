/**
 * The worker's half of the grouped k-NN ranking (./grouped-topk-worker.ts) after onnxruntime's batched MatMul: the
 * groups' rows shifted to put member 0 at the origin (gatherCentred), and the kk best scores of each row picked from
 * the dot products (selectSmallest), which replaces onnxruntime's TopK (about twice the MatMul's time at 240 points a
 * group). Plain functions (no closures, no helpers, no inner functions): their source text also runs in the worker.
 */

/**
 * Groups [g0, g1) of x (member m of group g at x[m * ms + g * gs], d values), group-major into y (row gl * n + m, d
 * columns), each shifted to put its member 0 at the origin (distances do not change, the float32 error bound shrinks
 * with the norms). norm receives ||y||² (float64, of the float32 y), hn half of it, maxNorm each group's largest.
 */
export function gatherCentred(
  x: Float32Array,
  ms: number,
  gs: number,
  n: number,
  d: number,
  g0: number,
  g1: number,
  y: Float32Array,
  hn: Float64Array,
  norm: Float64Array,
  maxNorm: Float64Array,
): void {
  for (let g = 0; g < g1 - g0; g++) maxNorm[g] = 0;
  for (let m = 0; m < n; m++) {
    for (let g = g0; g < g1; g++) {
      const src = m * ms + g * gs,
        mo = g * gs,
        dst = ((g - g0) * n + m) * d;
      // Four partial sums (the norm only feeds the bound and the float32 ranking, any float64 order will do).
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        c = 0;
      for (; c + 3 < d; c += 4) {
        const v0 = Math.fround(x[src + c] - x[mo + c]),
          v1 = Math.fround(x[src + c + 1] - x[mo + c + 1]),
          v2 = Math.fround(x[src + c + 2] - x[mo + c + 2]),
          v3 = Math.fround(x[src + c + 3] - x[mo + c + 3]);
        y[dst + c] = v0;
        y[dst + c + 1] = v1;
        y[dst + c + 2] = v2;
        y[dst + c + 3] = v3;
        s0 += v0 * v0;
        s1 += v1 * v1;
        s2 += v2 * v2;
        s3 += v3 * v3;
      }
      for (; c < d; c++) {
        const v = Math.fround(x[src + c] - x[mo + c]);
        y[dst + c] = v;
        s0 += v * v;
      }
      const s = s0 + s1 + (s2 + s3),
        r = (g - g0) * n + m;
      norm[r] = s;
      hn[r] = 0.5 * s;
      if (s > maxNorm[g - g0]) maxNorm[g - g0] = s;
    }
  }
}

/**
 * For each of w groups of n rows and each row i of a group, the kk smallest scores ||b||² - 2 q·b = -2 (dots[i, j] -
 * hn[j]) over the group's rows j, ascending (equal scores by lower j), into values (float32) and indices (kk per row,
 * row gl * n + i). dots: w x n x n (float32 products of the shifted rows), hn: w x n (half squared norms).
 * Scratch: tv, ti of kk entries, cv, ci of n.
 *
 * Each row first takes a threshold, the ceil(kk/2)-th best of its first quarter, and collects the values above it
 * (about 2 kk); when at least kk are collected, the kk best of the row are among them (every uncollected value is at
 * most the threshold, below each collected one). Otherwise (ties, unlucky order, small rows) the whole row is
 * scanned. Both keep the kk best by insertion into a sorted list, so both give the same list.
 */
export function selectSmallest(
  dots: Float32Array,
  hn: Float64Array,
  w: number,
  n: number,
  kk: number,
  values: Float32Array,
  indices: Int32Array,
  tv: Float64Array,
  ti: Int32Array,
  cv: Float64Array,
  ci: Int32Array,
): void {
  const sample = n >= 4 * kk ? Math.ceil(n / 4) : 0;
  const r = Math.ceil(kk / 2);
  for (let g = 0; g < w; g++) {
    const ho = g * n;
    for (let i = 0; i < n; i++) {
      const ro = (ho + i) * n;
      let cnt = 0;
      if (sample > 0) {
        let size = 0;
        for (let j = 0; j < sample; j++) {
          const v = dots[ro + j] - hn[ho + j];
          let pos = size;
          if (size < r) size++;
          else if (v > tv[r - 1]) pos = r - 1;
          else continue;
          while (pos > 0 && v > tv[pos - 1]) {
            tv[pos] = tv[pos - 1];
            pos--;
          }
          tv[pos] = v;
        }
        const thr = tv[r - 1];
        for (let j = 0; j < n; j++) {
          const v = dots[ro + j] - hn[ho + j];
          if (v > thr) {
            cv[cnt] = v;
            ci[cnt++] = j;
          }
        }
      }
      let size = 0;
      if (cnt >= kk) {
        for (let t = 0; t < cnt; t++) {
          const v = cv[t];
          let pos = size;
          if (size < kk) size++;
          else if (v > tv[kk - 1]) pos = kk - 1;
          else continue;
          while (pos > 0 && v > tv[pos - 1]) {
            tv[pos] = tv[pos - 1];
            ti[pos] = ti[pos - 1];
            pos--;
          }
          tv[pos] = v;
          ti[pos] = ci[t];
        }
      } else {
        for (let j = 0; j < n; j++) {
          const v = dots[ro + j] - hn[ho + j];
          let pos = size;
          if (size < kk) size++;
          else if (v > tv[kk - 1]) pos = kk - 1;
          else continue;
          while (pos > 0 && v > tv[pos - 1]) {
            tv[pos] = tv[pos - 1];
            ti[pos] = ti[pos - 1];
            pos--;
          }
          tv[pos] = v;
          ti[pos] = j;
        }
      }
      // Scores = -2 (the kept values): largest value first is smallest score first; float32 rounding keeps the order.
      const oo = (ho + i) * kk;
      for (let t = 0; t < kk; t++) {
        values[oo + t] = -2 * tv[t];
        indices[oo + t] = ti[t];
      }
    }
  }
}
