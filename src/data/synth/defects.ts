/**
 * Surface defects painted onto a rendered (pre-lighting) canvas: scratch, crack, hole, dent, stain
 * (contamination) and colour fault. They are moderate in contrast, with soft and noisy edges, from small to large.
 * Structural faults (missing / misplaced part) live in the object renderers. Pure pixel code, no I/O.
 */
import { Rng } from '../../util/rng';
import * as C from './canvas';
import type { Canvas } from './canvas';
// Local bindings: tsx compiles imported functions to getter calls, which cost ~10% in these per-pixel loops.
const { clamp01, cover, hyp } = C;
import { Noise } from './noise';

export type DefectType = 'scratch' | 'crack' | 'hole' | 'dent' | 'stain' | 'color' | 'missing' | 'misplaced';
export const SURFACE_DEFECTS: readonly DefectType[] = ['scratch', 'crack', 'hole', 'dent', 'stain', 'color'];

interface Ctx {
  c: Canvas;
  rng: Rng;
  n: Noise;
  cov: Float32Array | null;
  s: number;
  unit: number;
}

/**
 * A random point on the product (coverage > 0.95), in pixels, at least 8% of the side from the border: the models
 * look at a 224/256 centre crop, and a defect they cannot see would only be label noise.
 */
function centre(ctx: Ctx, minMargin: number): [number, number] {
  const S = ctx.c.size,
    margin = Math.max(minMargin, 0.08 * S);
  for (let t = 0; t < 400; t++) {
    const x = ctx.rng.uniform(margin, S - margin),
      y = ctx.rng.uniform(margin, S - margin);
    if (!ctx.cov || ctx.cov[Math.floor(y) * S + Math.floor(x)] > 0.95) return [x, y];
  }
  return [S / 2, S / 2];
}

/** Calls f for every pixel of a clipped box with its weight on the product surface. */
function forBox(
  ctx: Ctx,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  f: (i: number, x: number, y: number, onSurface: number) => void,
): void {
  const S = ctx.c.size;
  const xa = Math.max(0, Math.floor(x0)),
    xb = Math.min(S - 1, Math.ceil(x1)),
    ya = Math.max(0, Math.floor(y0)),
    yb = Math.min(S - 1, Math.ceil(y1));
  for (let y = ya; y <= yb; y++)
    for (let x = xa; x <= xb; x++) {
      const i = y * S + x;
      const w = ctx.cov ? ctx.cov[i] : 1;
      if (w > 0) f(i, x + 0.5, y + 0.5, w);
    }
}

/** Multiplies pixel i by g and adds `add`, with weight a (0-1). */
function shade(c: Canvas, i: number, g: number, add: number, a: number): void {
  const k = i * 3;
  for (let ch = 0; ch < 3; ch++) c.px[k + ch] += (c.px[k + ch] * g + add - c.px[k + ch]) * a;
}

function polylineMask(ctx: Ctx, pts: number[][], width: number, f: (i: number, a: number, t: number) => void): void {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const [x, y] of pts) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  const pad = width + 2;
  forBox(ctx, x0 - pad, y0 - pad, x1 + pad, y1 + pad, (i, x, y, w) => {
    let best = Infinity,
      bestT = 0;
    for (let k = 0; k + 1 < pts.length; k++) {
      const [ax, ay] = pts[k],
        [bx, by] = pts[k + 1];
      const dx = bx - ax,
        dy = by - ay,
        l2 = dx * dx + dy * dy;
      const t = l2 > 0 ? clamp01(((x - ax) * dx + (y - ay) * dy) / l2) : 0;
      const d = hyp(x - ax - dx * t, y - ay - dy * t);
      if (d < best) {
        best = d;
        bestT = (k + t) / (pts.length - 1);
      }
    }
    const a = cover(best - width / 2) * w;
    if (a > 0) f(i, a, bestT);
  });
}

function scratch(ctx: Ctx): void {
  const { rng, s, unit } = ctx;
  const len = ctx.c.size * 0.12 * s,
    [cx, cy] = centre(ctx, 4),
    th = rng.uniform(0, Math.PI);
  const bend = rng.uniform(-0.25, 0.25) * len;
  const pts: number[][] = [];
  for (let k = 0; k <= 24; k++) {
    const t = k / 24 - 0.5;
    pts.push([
      cx + Math.cos(th) * t * len - Math.sin(th) * bend * (0.25 - t * t),
      cy + Math.sin(th) * t * len + Math.cos(th) * bend * (0.25 - t * t),
    ]);
  }
  const bright = rng.next() < 0.65;
  const amount = rng.uniform(28, 55) * (bright ? 1 : -0.8);
  polylineMask(ctx, pts, Math.max(1, rng.uniform(0.8, 1.8) * unit), (i, a, t) => {
    const fade = Math.sin(Math.PI * t) ** 0.4 * (0.7 + 0.3 * ctx.n.value(t * 30, 3.3));
    shade(ctx.c, i, 1, amount, a * fade);
  });
}

function crack(ctx: Ctx): void {
  const { rng, s, unit } = ctx;
  const branches: number[][][] = [];
  const walk = (x: number, y: number, th: number, len: number) => {
    const pts = [[x, y]];
    const step = 2.5 * unit;
    for (let d = 0; d < len; d += step) {
      th += rng.uniform(-0.55, 0.55);
      x += Math.cos(th) * step;
      y += Math.sin(th) * step;
      pts.push([x, y]);
    }
    branches.push(pts);
    return pts;
  };
  const [cx, cy] = centre(ctx, 6);
  const main = walk(cx, cy, rng.uniform(0, 2 * Math.PI), ctx.c.size * 0.1 * s);
  const nb = rng.int(3);
  for (let b = 0; b < nb; b++) {
    const p = main[rng.int(main.length)];
    walk(p[0], p[1], rng.uniform(0, 2 * Math.PI), ctx.c.size * 0.04 * s);
  }
  const dark = rng.uniform(0.35, 0.6),
    width = Math.max(1, rng.uniform(1, 2.2) * unit);
  const a0 = new Float32Array(ctx.c.size * ctx.c.size);
  for (const pts of branches)
    polylineMask(ctx, pts, width, (i, a) => {
      a0[i] = Math.max(a0[i], a);
    });
  for (let i = 0; i < a0.length; i++) if (a0[i] > 0) shade(ctx.c, i, dark, 0, a0[i]);
}

/** Alpha of an irregular blob: radius modulated by noise over the angle, soft edge of `soft` pixels. */
function blob(ctx: Ctx, r: number, soft: number, f: (i: number, a: number, dx: number, dy: number) => void): void {
  const [cx, cy] = centre(ctx, 2);
  const off = ctx.rng.uniform(0, 200),
    wob = ctx.rng.uniform(0.15, 0.35);
  forBox(ctx, cx - r * 1.5 - soft, cy - r * 1.5 - soft, cx + r * 1.5 + soft, cy + r * 1.5 + soft, (i, x, y, w) => {
    const dx = x - cx,
      dy = y - cy,
      ang = Math.atan2(dy, dx);
    const rr = r * (1 + wob * ctx.n.value(Math.cos(ang) * 2 + off, Math.sin(ang) * 2 + off));
    const d = hyp(dx, dy) - rr;
    const a = clamp01(0.5 - d / Math.max(1, soft)) * w;
    if (a > 0) f(i, a, dx / r, dy / r);
  });
}

function hole(ctx: Ctx): void {
  const r = ctx.c.size * 0.025 * ctx.s,
    depth = ctx.rng.uniform(0.18, 0.35);
  blob(ctx, r, 1.5 * ctx.unit, (i, a, dx, dy) => {
    const inner = clamp01((1 - hyp(dx, dy)) * 3);
    shade(ctx.c, i, depth + 0.25 * (1 - inner) + 0.1 * (dx + dy), 0, a);
  });
}

function dent(ctx: Ctx): void {
  const r = ctx.c.size * 0.035 * ctx.s,
    k = ctx.rng.uniform(0.2, 0.4),
    th = ctx.rng.uniform(0, 2 * Math.PI);
  const lx = Math.cos(th),
    ly = Math.sin(th);
  blob(ctx, r, 3 * ctx.unit, (i, a, dx, dy) => {
    const rho = Math.min(1, hyp(dx, dy));
    shade(ctx.c, i, 1 + k * (dx * lx + dy * ly) * Math.sin(Math.PI * rho) * 1.5 - 0.08, 0, a);
  });
}

const STAIN_COLOURS = [
  [92, 66, 36],
  [40, 38, 32],
  [210, 205, 190],
  [120, 110, 60],
];
function stain(ctx: Ctx): void {
  const r = ctx.c.size * 0.035 * ctx.s,
    alpha = ctx.rng.uniform(0.3, 0.6);
  const col = STAIN_COLOURS[ctx.rng.int(STAIN_COLOURS.length)],
    off = ctx.rng.uniform(0, 100);
  blob(ctx, r, 2.5 * ctx.unit, (i, a, dx, dy) => {
    const m = alpha * (0.65 + 0.35 * ctx.n.value(dx * 3 + off, dy * 3 + off));
    const k = i * 3,
      px = ctx.c.px;
    for (let ch = 0; ch < 3; ch++) px[k + ch] += (px[k + ch] * 0.4 + col[ch] * 0.6 - px[k + ch]) * m * a;
  });
}

const TINTS = [
  [1.22, 0.92, 0.82],
  [0.85, 0.95, 1.2],
  [0.8, 0.8, 0.8],
  [1.12, 1.1, 0.72],
];
function colour(ctx: Ctx): void {
  const r = ctx.c.size * 0.06 * ctx.s,
    tint = TINTS[ctx.rng.int(TINTS.length)];
  blob(ctx, r, r * 0.5, (i, a) => {
    const k = i * 3,
      px = ctx.c.px;
    for (let ch = 0; ch < 3; ch++) px[k + ch] += (px[k + ch] * tint[ch] - px[k + ch]) * a;
  });
}

const PAINTERS: Record<string, (ctx: Ctx) => void> = { scratch, crack, hole, dent, stain, color: colour };

/** Sizes from small to large: a scale drawn from three tiers (small 0.4-0.8, medium 0.8-1.4, large 1.4-2.6). */
export function defectScale(rng: Rng): number {
  const tier = rng.int(3);
  return tier === 0 ? rng.uniform(0.4, 0.8) : tier === 1 ? rng.uniform(0.8, 1.4) : rng.uniform(1.4, 2.6);
}

/** Paints one surface defect in place. */
export function paintDefect(
  type: DefectType,
  c: Canvas,
  rng: Rng,
  n: Noise,
  cov: Float32Array | null,
  scale: number,
): void {
  const f = PAINTERS[type];
  if (!f) throw new Error(`not a surface defect: ${type}`);
  f({ c, rng, n, cov, s: scale, unit: Math.max(0.5, c.size / 256) });
}
