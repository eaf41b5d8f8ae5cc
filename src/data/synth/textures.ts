/**
 * Six texture classes, drawn procedurally: woven fabric, wood grain, leather, wire mesh, speckled tile, carpet.
 * Variation inside a class: texture phase (lattice offsets), small rotation and scale, colour jitter.
 * Coordinates are scaled by size/256 so a 64-px test image shows the same structure, only coarser.
 */
import { Rng } from '../../util/rng';
import * as C from './canvas';
import type { Canvas, Rgb } from './canvas';
// Local bindings: tsx compiles imported functions to getter calls, which cost ~10% in these per-pixel loops.
const { setAt, mix, clamp01 } = C;
import { ProductClass, jitterColour } from './product';

interface TexParams {
  angle: number;
  ox: number;
  oy: number;
  scale: number;
  colA: Rgb;
  colB: Rgb;
  extra: number;
}

function texSample(rng: Rng, size: number, colA: Rgb, colB: Rgb, angleRange: number, scaleJitter = 0.06): TexParams {
  return {
    angle: rng.uniform(-angleRange, angleRange),
    ox: rng.uniform(0, 256),
    oy: rng.uniform(0, 256),
    scale: (size / 256) * (1 + rng.uniform(-scaleJitter, scaleJitter)),
    colA: jitterColour(rng, colA, 8),
    colB: jitterColour(rng, colB, 8),
    extra: rng.next(),
  };
}

/** Calls f(i, u, v) for every pixel, with (u, v) the rotated, phase-shifted coordinates in 256-px units. */
function forEachUV(c: Canvas, p: TexParams, f: (i: number, u: number, v: number) => void): void {
  const S = c.size,
    ca = Math.cos(p.angle),
    sa = Math.sin(p.angle),
    h = S / 2;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const X = (x - h) / p.scale,
        Y = (y - h) / p.scale;
      f(y * S + x, X * ca - Y * sa + p.ox, X * sa + Y * ca + p.oy);
    }
  }
}

const paint = (c: Canvas, i: number, a: Rgb, b: Rgb, t: number, g: number) =>
  setAt(c, i, mix(a[0], b[0], t) * g, mix(a[1], b[1], t) * g, mix(a[2], b[2], t) * g);

export const fabric: ProductClass<TexParams> = {
  name: 'fabric',
  kind: 'texture',
  sample: (rng, size) => texSample(rng, size, [150, 160, 190], [120, 130, 165], 0.06),
  draw(c, p, n) {
    const period = 9;
    forEachUV(c, p, (i, u, v) => {
      const cu = u / period,
        cv = v / period;
      const iu = Math.floor(cu),
        iv = Math.floor(cv),
        fu = cu - iu,
        fv = cv - iv;
      const warpOver = ((iu + iv) & 1) === 0;
      const across = warpOver ? fu : fv,
        along = warpOver ? fv : fu;
      const prof = Math.sqrt(Math.max(0, Math.sin(Math.PI * across)));
      const fibre = n.value(warpOver ? u * 0.4 : u * 3, warpOver ? v * 3 : v * 0.4) * 0.07;
      const g =
        (0.5 + 0.5 * prof) * (0.9 + 0.1 * Math.sin(Math.PI * along)) + fibre + 0.05 * n.fbm(u * 0.02, v * 0.02, 2);
      paint(c, i, p.colA, p.colB, warpOver ? 0 : 1, g);
    });
    return null;
  },
};

export const wood: ProductClass<TexParams> = {
  name: 'wood',
  kind: 'texture',
  sample: (rng, size) => texSample(rng, size, [205, 160, 112], [140, 92, 55], 0.12, 0.15),
  draw(c, p, n) {
    forEachUV(c, p, (i, u, v) => {
      const t = u * 0.045 + 2.2 * n.fbm(u * 0.008, v * 0.0025, 3) + p.extra * 10;
      const ring = Math.pow(0.5 + 0.5 * Math.sin(2 * Math.PI * t), 3);
      const streak = n.value(u * 0.6, v * 0.025) * 0.12 + n.value(u * 1.7, v * 0.05) * 0.06;
      paint(c, i, p.colA, p.colB, clamp01(ring * 0.75 + streak + 0.15), 1 + 0.05 * n.fbm(u * 0.01, v * 0.01, 2));
    });
    return null;
  },
};

export const leather: ProductClass<TexParams> = {
  name: 'leather',
  kind: 'texture',
  sample: (rng, size) => texSample(rng, size, [128, 84, 58], [96, 60, 40], Math.PI),
  draw(c, p, n) {
    const S = c.size;
    const hgt = new Float32Array(S * S);
    forEachUV(c, p, (i, u, v) => {
      const cell = Math.abs(n.value(u * 0.11, v * 0.11)) + 0.6 * Math.abs(n.value(u * 0.23 + 17, v * 0.23));
      hgt[i] =
        -Math.pow(1 - Math.min(1, cell * 1.6), 4) * 0.8 +
        0.3 * n.fbm(u * 0.05, v * 0.05, 3) +
        0.15 * n.value(u * 0.7, v * 0.7);
    });
    forEachUV(c, p, (i, u, v) => {
      const x = i % S,
        y = (i - x) / S;
      const gx = hgt[y * S + Math.min(S - 1, x + 1)] - hgt[y * S + Math.max(0, x - 1)];
      const gy = hgt[Math.min(S - 1, y + 1) * S + x] - hgt[Math.max(0, y - 1) * S + x];
      const shade = 1 + (((gx * 0.7 - gy * 0.7) * 1.2) / Math.max(0.25, p.scale)) * 0.25 + hgt[i] * 0.12;
      paint(c, i, p.colA, p.colB, clamp01(0.5 + 0.4 * n.fbm(u * 0.012, v * 0.012, 2)), shade);
    });
    return null;
  },
};

export const mesh: ProductClass<TexParams> = {
  name: 'mesh',
  kind: 'texture',
  sample: (rng, size) => texSample(rng, size, [178, 180, 184], [44, 44, 50], 0.05),
  draw(c, p, n) {
    const period = 22,
      half = 3.2;
    forEachUV(c, p, (i, u, v) => {
      const du = Math.abs((((u % period) + period) % period) - period / 2),
        dv = Math.abs((((v % period) + period) % period) - period / 2);
      const wu = clamp01(half - du),
        wv = clamp01(half - dv);
      const profU = wu > 0 ? 0.55 + 0.45 * Math.cos((Math.PI * du) / (2 * half)) : 0;
      const profV = wv > 0 ? 0.55 + 0.45 * Math.cos((Math.PI * dv) / (2 * half)) : 0;
      const iu = Math.floor(u / period),
        iv = Math.floor(v / period);
      const uOnTop = ((iu + iv) & 1) === 0;
      const wire = uOnTop ? (wu > 0 ? profU : profV) : wv > 0 ? profV : profU;
      const cov = Math.max(wu, wv);
      const bg = 1 + 0.25 * n.fbm(u * 0.03, v * 0.03, 3);
      const t = 1 - cov;
      const g = cov * (wire * (0.92 + 0.08 * n.value(u * 0.5, v * 0.5))) + t * bg;
      const a = p.colA,
        b = p.colB;
      setAt(c, i, mix(a[0] * g, b[0] * bg, t), mix(a[1] * g, b[1] * bg, t), mix(a[2] * g, b[2] * bg, t));
    });
    return null;
  },
};

export const tile: ProductClass<TexParams> = {
  name: 'tile',
  kind: 'texture',
  sample: (rng, size) => texSample(rng, size, [182, 180, 172], [86, 88, 96], Math.PI, 0.1),
  draw(c, p, n) {
    forEachUV(c, p, (i, u, v) => {
      const base = 1 + 0.07 * n.fbm(u * 0.01, v * 0.01, 3);
      const s1 = n.value(u * 0.28, v * 0.28),
        s2 = n.value(u * 0.6 + 50, v * 0.6 + 50);
      const dark = clamp01((s1 - 0.42) * 5) * 0.85 + clamp01((s2 - 0.6) * 6) * 0.5;
      const light = clamp01((-s1 - 0.55) * 6) * 0.4;
      const g = base * (1 + light * 0.25);
      paint(c, i, p.colA, p.colB, clamp01(dark), g);
    });
    return null;
  },
};

export const carpet: ProductClass<TexParams> = {
  name: 'carpet',
  kind: 'texture',
  sample: (rng, size) => texSample(rng, size, [118, 128, 150], [84, 92, 112], 0.3, 0.08),
  draw(c, p, n) {
    const period = 6;
    forEachUV(c, p, (i, u, v) => {
      const row = Math.floor(v / period);
      const uu = u + (row & 1) * period * 0.5 + n.value(u * 0.05, v * 0.05) * 2;
      const fu = (((uu % period) + period) % period) / period,
        fv = (((v % period) + period) % period) / period;
      const tuft = Math.sin(Math.PI * fu) * Math.sin(Math.PI * fv);
      const fib = n.value(u * 1.3 + v * 0.6, v * 1.3 - u * 0.6) * 0.12;
      const g = 0.62 + 0.38 * Math.sqrt(tuft) + fib + 0.08 * n.fbm(u * 0.015, v * 0.015, 3);
      paint(c, i, p.colA, p.colB, clamp01(0.5 + 0.5 * n.fbm(u * 0.03 + 9, v * 0.03, 2)), g);
    });
    return null;
  },
};

export const TEXTURES = [fabric, wood, leather, mesh, tile, carpet];
