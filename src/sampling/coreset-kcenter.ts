/**
 * Greedy k-center on an already projected, contiguous bank: the brute-force loop (the reference) and an exact
 * pruned version that returns the same picks.
 *
 * Why the pruned version is exact: every point p remembers the centre a(p) that set its current minimum minD(p)
 * (squared). A new centre c can lower minD(p) only if d(c,p) < d(a(p),p), which by the triangle inequality needs
 * d(c,a(p)) < 2·d(a(p),p). So a whole cluster a is skipped when d(c,a)² ≥ 4·max minD over the cluster, and a single
 * point when d(c,a)² ≥ 4·minD(p) (both with a 1e-7 relative safety margin for rounding). Every point that is
 * evaluated uses the brute force's own float64 arithmetic (float32 inputs, the canonical four-lane float64 sum of
 * src/linalg/wasm-sqdist.ts, so that the SIMD kernel of ./coreset-parallel computes the very same values), and the argmax keeps its first-index tie rule, so ties
 * and picks match bit for bit. Distance sums also stop early once past the bound that decides them (a prefix of
 * non-negative float64 terms never exceeds the full sum), which changes no decision.
 */
import { Matrix } from '../linalg/matrix';

/** Called after each pick with (picked so far, total picks). */
export type PickProgress = (picked: number, total: number) => void;

/** The official brute-force loop: one full pass over the bank per pick (argmax: first index on ties). */
export function kCenterBruteForce(p: Matrix, m: number, start: number, onPick?: PickProgress): Int32Array {
  const n = p.rows;
  const d = p.cols;
  const x = p.data;
  const picks = new Int32Array(m);
  const minD = new Float64Array(n).fill(Infinity);
  let last = start;
  picks[0] = last;
  onPick?.(1, m);
  for (let s = 1; s < m; s++) {
    const lo = last * d;
    let best = -1;
    let bi = 0;
    for (let i = 0; i < n; i++) {
      const acc = partialSquaredDistance(x, i * d, x, lo, d, Infinity);
      if (acc < minD[i]) minD[i] = acc;
      if (minD[i] > best) {
        best = minD[i];
        bi = i;
      }
    }
    last = bi;
    picks[s] = bi;
    onPick?.(s + 1, m);
  }
  return picks;
}

/** Relative slack on the triangle-inequality tests, far above float64 rounding of these sums. */
const SLACK = 1 + 1e-7;
/** Coordinates summed between two early-exit checks (a multiple of 4, the lane count). */
const CHUNK = 16;

/**
 * Squared L2 distance of a[ao..ao+d) and b[bo..bo+d) in the kit's canonical float64 order (four lanes over j mod 4,
 * combined as (s0 + s1) + (s2 + s3): squaredDistance4 in src/linalg/wasm-sqdist.ts, which the SIMD kernel and the
 * parallel loop use too), stopped chunk-wise once past `limit`: the combined partial sums of non-negative terms only
 * grow, so any comparison with `limit` decides as the full sum would.
 */
function partialSquaredDistance(
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  d: number,
  limit: number,
): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    t: number,
    j = 0;
  const d4 = d - (d & 3);
  while (j < d4) {
    const end = j + CHUNK < d4 ? j + CHUNK : d4;
    for (; j < end; j += 4) {
      t = a[ao + j] - b[bo + j];
      s0 += t * t;
      t = a[ao + j + 1] - b[bo + j + 1];
      s1 += t * t;
      t = a[ao + j + 2] - b[bo + j + 2];
      s2 += t * t;
      t = a[ao + j + 3] - b[bo + j + 3];
      s3 += t * t;
    }
    if (s0 + s1 + (s2 + s3) > limit) return s0 + s1 + (s2 + s3);
  }
  if (j < d) {
    t = a[ao + j] - b[bo + j];
    s0 += t * t;
  }
  if (j + 1 < d) {
    t = a[ao + j + 1] - b[bo + j + 1];
    s1 += t * t;
  }
  if (j + 2 < d) {
    t = a[ao + j + 2] - b[bo + j + 2];
    s2 += t * t;
  }
  return s0 + s1 + (s2 + s3);
}

/** Exact greedy k-center with triangle-inequality pruning: the same picks as kCenterBruteForce. */
export function kCenterPruned(p: Matrix, m: number, start: number, onPick?: PickProgress): Int32Array {
  const n = p.rows;
  const d = p.cols;
  const x = p.data;
  const picks = new Int32Array(m);
  picks[0] = start;
  onPick?.(1, m);
  if (m === 1) return picks;

  const minD = new Float64Array(n).fill(Infinity);
  // Centres copied contiguously (cache-friendly centre-centre scans) with their norms for a cheaper first bound.
  const cx = new Float32Array(m * d);
  const cnorm = new Float64Array(m);
  // Cluster membership: one list per centre, compacted in place as points leave.
  const members: Int32Array[] = new Array(m);
  const count = new Int32Array(m);
  const cmax = new Float64Array(m); // max minD in the cluster
  const carg = new Int32Array(m); // lowest point index holding that max
  const movers = new Int32Array(n);

  const addCentre = (k: number, c: number): void => {
    const src = c * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = x[src + j];
      cx[k * d + j] = v;
      s += v * v;
    }
    cnorm[k] = Math.sqrt(s);
  };

  // Pick 1: every point is evaluated against the start (minD = Infinity), so all of them join cluster 0.
  addCentre(0, start);
  {
    const so = start * d;
    const all = new Int32Array(n);
    let best = -1,
      bi = 0;
    for (let i = 0; i < n; i++) {
      const acc = partialSquaredDistance(x, i * d, x, so, d, Infinity);
      minD[i] = acc;
      all[i] = i;
      if (acc > best) {
        best = acc;
        bi = i;
      }
    }
    members[0] = all;
    count[0] = n;
    cmax[0] = best;
    carg[0] = bi;
  }

  for (let k = 1; k < m; k++) {
    // Global argmax of minD: the largest cluster maximum, lowest point index on ties (the brute force's rule).
    let best = -1,
      c = 0;
    for (let a = 0; a < k; a++) {
      if (cmax[a] > best || (cmax[a] === best && carg[a] < c)) {
        best = cmax[a];
        c = carg[a];
      }
    }
    picks[k] = c;
    addCentre(k, c);
    const co = c * d;
    const ko = k * d;
    let nMoved = 0;
    for (let a = 0; a < k; a++) {
      const r2 = cmax[a];
      if (count[a] === 0 || r2 === 0) continue; // nothing in it can strictly decrease
      const bound = 4 * r2 * SLACK;
      const dn = cnorm[k] - cnorm[a];
      if (dn * dn > bound) continue; // |‖c‖-‖a‖| ≤ d(c,a): cheap lower bound
      const ao = a * d;
      const dc2 = partialSquaredDistance(cx, ko, cx, ao, d, bound);
      if (dc2 > bound) continue;
      // Visit the members: move the ones that improve, keep the rest (compacted) and refresh the cluster max.
      const list = members[a];
      const len = count[a];
      let keep = 0,
        mx = -1,
        mi = 0;
      for (let t = 0; t < len; t++) {
        const i = list[t];
        const md = minD[i];
        if (4 * md * SLACK >= dc2) {
          const io = i * d;
          // Same summation order as the brute force; an aborted prefix already past md means the full sum is too.
          const acc = partialSquaredDistance(x, io, x, co, d, md);
          if (acc < md) {
            minD[i] = acc;
            movers[nMoved++] = i;
            continue;
          }
        }
        list[keep++] = i;
        if (md > mx || (md === mx && i < mi)) {
          mx = md;
          mi = i;
        }
      }
      count[a] = keep;
      cmax[a] = keep ? mx : 0;
      carg[a] = keep ? mi : 0;
    }
    const mine = movers.slice(0, nMoved);
    let mx = 0,
      mi = nMoved ? mine[0] : 0;
    for (let t = 0; t < nMoved; t++) {
      const i = mine[t];
      if (minD[i] > mx || (minD[i] === mx && i < mi)) {
        mx = minD[i];
        mi = i;
      }
    }
    members[k] = mine;
    count[k] = nMoved;
    cmax[k] = mx;
    carg[k] = mi;
    onPick?.(k + 1, m);
  }
  return picks;
}
