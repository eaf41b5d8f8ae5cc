/**
 * Sorting float32 scores by LSD radix sort on order-preserving 32-bit keys: O(n) and typed arrays only (native
 * typed-array sort and comparator sorts over 5M values are several times slower here).
 */

/** Order-preserving unsigned key of a float32 bit pattern (ascending); -0 maps to +0's key so they tie. */
function ascKey(u: number): number {
  if (u === 0x80000000) u = 0;
  return u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
}

function radixPasses(keys: Uint32Array, idx: Uint32Array | null): { keys: Uint32Array; idx: Uint32Array | null } {
  const n = keys.length;
  // Explicit types: TS >= 5.7 makes typed arrays generic over their buffer, and the swap below mixes both kinds.
  let k1: Uint32Array = keys;
  let k2: Uint32Array = new Uint32Array(n);
  let i1: Uint32Array | null = idx;
  let i2: Uint32Array | null = idx ? new Uint32Array(n) : null;
  const count = new Uint32Array(2048);
  for (const shift of [0, 11, 22]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(k1[i] >>> shift) & 0x7ff]++;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = count[(k1[i] >>> shift) & 0x7ff]++;
      k2[p] = k1[i];
      if (i1 && i2) i2[p] = i1[i];
    }
    [k1, k2] = [k2, k1];
    [i1, i2] = [i2, i1];
  }
  return { keys: k1, idx: i1 };
}

/** Indices that order `values` descending; stable (equal values keep index order). */
export function argsortDescending(values: Float32Array): Uint32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const keys = new Uint32Array(n);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = ~ascKey(bits[i]) >>> 0;
    idx[i] = i;
  }
  return radixPasses(keys, idx).idx as Uint32Array;
}

/**
 * Ascending order-preserving keys of the float32 values selected by `take` (all when omitted), sorted: equal keys
 * mean equal scores, so rank statistics can run on the keys directly.
 */
export function sortedKeys(values: Float32Array, take?: (i: number) => boolean, count = values.length): Uint32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const keys = new Uint32Array(count);
  for (let i = 0, k = 0; i < values.length; i++) if (!take || take(i)) keys[k++] = ascKey(bits[i]);
  return radixPasses(keys, null).keys;
}
