/**
 * Seeded procedural noise for the synthetic dataset: smooth value noise on a 256-periodic lattice, fractal sums of
 * it, and a table of standard normals for sensor noise. All tables come from the Rng, so pixels depend only on the seed.
 */
import { Rng } from '../../util/rng';

const P = 256;
const MASK = P - 1;

export class Noise {
  private readonly lat: Float32Array;
  /** Standard normal samples; images read them from a random offset (cheaper than a Box-Muller per pixel). */
  readonly normals: Float32Array;

  constructor(rng: Rng) {
    this.lat = new Float32Array(P * P);
    for (let i = 0; i < this.lat.length; i++) this.lat[i] = rng.next() * 2 - 1;
    this.normals = new Float32Array(1 << 18);
    for (let i = 0; i < this.normals.length; i++) this.normals[i] = rng.normal();
  }

  /** Smooth value noise in [-1, 1], period 256 in both axes. */
  value(x: number, y: number): number {
    const xf = Math.floor(x),
      yf = Math.floor(y);
    let fx = x - xf,
      fy = y - yf;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    const x0 = xf & MASK,
      y0 = yf & MASK,
      x1 = (x0 + 1) & MASK,
      y1 = (y0 + 1) & MASK;
    const l = this.lat;
    const a = l[y0 * P + x0],
      b = l[y0 * P + x1],
      c = l[y1 * P + x0],
      d = l[y1 * P + x1];
    const top = a + (b - a) * fx;
    return top + (c + (d - c) * fx - top) * fy;
  }

  /** Fractal sum of `octaves` value-noise layers (each twice the frequency, half the amplitude), roughly in [-1, 1]. */
  fbm(x: number, y: number, octaves = 4): number {
    let sum = 0,
      amp = 0.5,
      f = 1,
      norm = 0;
    for (let o = 0; o < octaves; o++) {
      sum += amp * this.value(x * f + o * 37.1, y * f + o * 91.7);
      norm += amp;
      amp *= 0.5;
      f *= 2;
    }
    return sum / norm;
  }
}
