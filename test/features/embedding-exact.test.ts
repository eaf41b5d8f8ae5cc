// The unrolled projection and second-order loops (src/features/embedding.ts) against the one-term-at-a-time loops
// they replaced, bit for bit: zeros (skipped terms), constant maps, duplicate patches, odd patch and channel counts,
// large and tiny scales, and the trimmed (reordered) patch list of 'rcov'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  poolSecondOrder,
  projectChannels,
  seededProjection,
  l2Normalize,
  signedSqrt,
} from '../../src/features/embedding';
import type { LayerMap } from '../../src/features/types';
import { createRng } from '../../src/util/rng';

function refProject(m: LayerMap, W: Float32Array, d: number): Float32Array {
  const P = m.height * m.width,
    C = m.channels;
  const X = new Float32Array(P * d);
  for (let p = 0; p < P; p++)
    for (let c = 0; c < C; c++) {
      const v = m.data[p * C + c];
      if (v === 0) continue;
      for (let k = 0; k < d; k++) X[p * d + k] += v * W[c * d + k];
    }
  return X;
}

function refSecondOrder(X: Float32Array, P: number, d: number, keep: number[], centre: boolean): Float32Array {
  const mu = new Float64Array(d);
  if (centre) {
    for (const p of keep) for (let k = 0; k < d; k++) mu[k] += X[p * d + k];
    for (let k = 0; k < d; k++) mu[k] /= keep.length;
  }
  const M = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (const p of keep) {
    for (let k = 0; k < d; k++) row[k] = X[p * d + k] - mu[k];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) M[a * d + b] += ra * row[b];
    }
  }
  const out = new Float32Array((d * (d + 1)) / 2);
  let i = 0;
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) out[i++] = (M[a * d + b] / keep.length) * (a === b ? 1 : Math.SQRT2);
  return l2Normalize(signedSqrt(out));
}

function map(
  h: number,
  w: number,
  c: number,
  seed: string,
  kind: 'random' | 'zeros' | 'constant' | 'dupes' | 'cancel',
  scale = 1,
): LayerMap {
  const r = createRng(seed);
  const data = new Float32Array(h * w * c);
  for (let i = 0; i < data.length; i++) {
    if (kind === 'constant') data[i] = 0.5 * scale;
    else if (kind === 'zeros' && r.next() < 0.4) data[i] = 0;
    // large terms of both signs that cancel to small sums: where a changed summation order shows in float32
    else if (kind === 'cancel') data[i] = Math.fround((r.next() < 0.5 ? -1 : 1) * scale * 1e6 + r.normal() * scale);
    else data[i] = Math.fround(r.normal() * scale);
  }
  if (kind === 'dupes') for (let p = 1; p < h * w; p += 2) data.copyWithin(p * c, (p - 1) * c, p * c);
  return { data, height: h, width: w, channels: c };
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('projectChannels equals the one-channel-at-a-time loop bit for bit', () => {
  for (const [h, w, c, d] of [
    [5, 5, 13, 4],
    [3, 7, 8, 8],
    [4, 4, 3, 5],
    [25, 25, 288, 64],
  ] as const) {
    for (const kind of ['random', 'zeros', 'constant', 'dupes', 'cancel'] as const) {
      for (const scale of [1, 1e-6, 3e4]) {
        const m = map(h, w, c, `${h}/${c}/${kind}/${scale}`, kind, scale);
        const W = seededProjection(c, d, createRng(`w/${c}/${d}`));
        assert.ok(
          bits(projectChannels(m, W, d).data).equals(bits(refProject(m, W, d))),
          `${h}x${w}x${c}->${d} ${kind} ${scale}`,
        );
      }
    }
  }
});

test('poolSecondOrder equals the one-patch-at-a-time loop bit for bit (cov, gram, rcov, projected)', () => {
  for (const [h, w, c] of [
    [3, 3, 5],
    [4, 5, 7],
    [1, 1, 3],
    [14, 14, 32],
  ] as const) {
    for (const kind of ['random', 'zeros', 'constant', 'dupes', 'cancel'] as const) {
      for (const scale of [1, 1e-5, 1e4]) {
        const m = map(h, w, c, `${h}/${w}/${c}/${kind}/${scale}`, kind, scale);
        const P = h * w;
        const all = Array.from({ length: P }, (_, p) => p);
        const tag = `${h}x${w}x${c} ${kind} ${scale}`;
        assert.ok(bits(poolSecondOrder(m)).equals(bits(refSecondOrder(m.data, P, c, all, true))), `cov ${tag}`);
        assert.ok(
          bits(poolSecondOrder(m, { centre: false })).equals(bits(refSecondOrder(m.data, P, c, all, false))),
          `gram ${tag}`,
        );
        const W = seededProjection(c, 3, createRng(`p/${c}`));
        const X = refProject(m, W, 3);
        assert.ok(
          bits(poolSecondOrder(m, { projection: W, projectedDim: 3 })).equals(bits(refSecondOrder(X, P, 3, all, true))),
          `projected ${tag}`,
        );
        // rcov: the kept patches, in the order poolSecondOrder keeps them (by distance to the mean, ties by index).
        const mu = new Float64Array(c);
        for (const p of all) for (let k = 0; k < c; k++) mu[k] += m.data[p * c + k];
        for (let k = 0; k < c; k++) mu[k] /= P;
        const dist = all.map((p) => {
          let s = 0;
          for (let k = 0; k < c; k++) s += (m.data[p * c + k] - mu[k]) ** 2;
          return s;
        });
        const drop = Math.floor(0.1 * P);
        const keep = [...all].sort((a, b) => dist[a] - dist[b] || a - b).slice(0, P - drop);
        assert.ok(
          bits(poolSecondOrder(m, { trim: 0.1 })).equals(bits(refSecondOrder(m.data, P, c, keep, true))),
          `rcov ${tag}`,
        );
      }
    }
  }
});
