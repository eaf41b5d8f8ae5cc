/** A float RGB canvas (values 0-255, HWC interleaved) and the small geometry helpers the renderers share. */

export interface Canvas {
  size: number;
  /** size*size*3 floats, row-major, RGB. */
  px: Float32Array;
}

export type Rgb = [number, number, number];

export function newCanvas(size: number): Canvas {
  return { size, px: new Float32Array(size * size * 3) };
}

export function copyCanvas(c: Canvas): Canvas {
  return { size: c.size, px: c.px.slice() };
}

/** Anti-aliased coverage of a shape from its signed distance in pixels (negative inside). */
export function cover(d: number): number {
  return d <= -0.5 ? 1 : d >= 0.5 ? 0 : 0.5 - d;
}

export function setAt(c: Canvas, i: number, r: number, g: number, b: number): void {
  const k = i * 3;
  c.px[k] = r;
  c.px[k + 1] = g;
  c.px[k + 2] = b;
}

/** Signed distance to a rounded segment a-b of radius r (a stadium). */
export function sdSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number, r: number): number {
  const px = x - ax,
    py = y - ay,
    dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
  return hyp(px - dx * t, py - dy * t) - r;
}

/** Signed distance to an axis-aligned box of half sizes hx, hy centred at the origin. */
export function sdBox(x: number, y: number, hx: number, hy: number): number {
  const qx = Math.abs(x) - hx,
    qy = Math.abs(y) - hy;
  return hyp(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
}

/** Signed distance to a regular hexagon of inradius r (flat sides top and bottom) centred at the origin. */
export function sdHexagon(x: number, y: number, r: number): number {
  const kx = -0.8660254,
    ky = 0.5,
    kz = 0.57735027;
  let px = Math.abs(x),
    py = Math.abs(y);
  const d = 2 * Math.min(kx * px + ky * py, 0);
  px -= d * kx;
  py -= d * ky;
  px -= Math.max(-kz * r, Math.min(kz * r, px));
  py -= r;
  return hyp(px, py) * Math.sign(py);
}

export const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
export const mix = (a: number, b: number, t: number) => a + (b - a) * t;

/** Blends colour (r, g, b) into pixel i (pixel index, not float index) with weight a; no array argument, so no allocation in per-pixel loops. */
export function blend3(c: Canvas, i: number, r: number, g: number, b: number, a: number): void {
  if (a <= 0) return;
  const k = i * 3,
    px = c.px;
  px[k] += (r - px[k]) * a;
  px[k + 1] += (g - px[k + 1]) * a;
  px[k + 2] += (b - px[k + 2]) * a;
}

/** sqrt(x² + y²): Math.hypot is several times slower in V8, and this runs per pixel. */
export function hyp(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}
