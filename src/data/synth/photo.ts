/**
 * A third synthetic family, built differently from 'default' and 'lookalike': strong variation *inside* each class,
 * as photographs of one product have. Every image of a class is the kit's product shot under its own camera and
 * light: zoom 0.75-1.35, any rotation, gain 0.7-1.3 with a strong directional fall-off and a colour temperature, and
 * normal wear (faint scuffs and patina) at random places. Class sizes differ from both other families.
 *
 * It exists so that TailSampler's rule and embedding are judged on a family where one class spreads wide in the
 * embedding (a head class that blurs into pseudo-classes is the over-selection case of issue 17), not fitted to two
 * generators. Selected with generateSynthetic({ family: 'photo' }); the other families are untouched (these classes
 * have their own names, hence their own random streams).
 */
import { Rng } from '../../util/rng';
import { Canvas, newCanvas } from './canvas';
import { ProductClass } from './product';
import { SynthClassSpec } from './classes';
import { fabric, wood, leather, mesh, tile, carpet } from './textures';
import { bottle, screw, hexNut, capsule, cable, pcb } from './objects';

/** One mark of normal wear: a faint soft blotch (patina) or a thin light scuff. */
interface Wear {
  x: number;
  y: number;
  r: number;
  angle: number;
  len: number;
  /** Multiplies the pixel: < 1 darkens (patina), > 1 lightens (scuff). */
  tone: number;
  scuff: boolean;
}

/** The camera and light of one photograph. */
interface Shot {
  zoom: number;
  angle: number;
  gain: number;
  /** Direction and strength of the light fall-off. */
  lightAngle: number;
  falloff: number;
  /** Colour temperature: > 0 warm, < 0 cool. */
  temp: number;
  wear: Wear[];
}

function drawShot(rng: Rng, kind: 'texture' | 'object'): Shot {
  const nWear = 2 + rng.int(6);
  const wear: Wear[] = [];
  for (let i = 0; i < nWear; i++) {
    const scuff = rng.next() < 0.5;
    wear.push({
      x: rng.uniform(0.15, 0.85),
      y: rng.uniform(0.15, 0.85),
      r: scuff ? rng.uniform(0.004, 0.008) : rng.uniform(0.03, 0.09),
      angle: rng.uniform(0, Math.PI),
      len: scuff ? rng.uniform(0.06, 0.2) : 0,
      tone: scuff ? rng.uniform(1.04, 1.1) : rng.uniform(0.86, 0.95),
      scuff,
    });
  }
  return {
    // Objects keep their border background in view; textures may be framed closer.
    zoom: kind === 'object' ? rng.uniform(0.8, 1.25) : rng.uniform(0.75, 1.35),
    angle: rng.uniform(0, 2 * Math.PI),
    gain: rng.uniform(0.7, 1.3),
    lightAngle: rng.uniform(0, 2 * Math.PI),
    falloff: rng.uniform(0, 0.35),
    temp: rng.uniform(-1, 1),
    wear,
  };
}

/** Reflects a coordinate into [0, n - 1] (no seam of a constant colour at the border). */
function reflect(v: number, n: number): number {
  const m = 2 * (n - 1);
  let r = v % m;
  if (r < 0) r += m;
  return r > n - 1 ? m - r : r;
}

const clampTo = (v: number, n: number) => (v < 0 ? 0 : v > n - 1 ? n - 1 : v);

/**
 * Rotates and zooms `src` about the centre into `dst` (bilinear); the same warp for `cov`. Borders: reflected for
 * textures (no seam), clamped for objects (their border is background; a reflection would mirror the object in).
 */
function warp(
  src: Canvas,
  dst: Canvas,
  s: Shot,
  cov: Float32Array | null,
  border: 'reflect' | 'clamp',
): Float32Array | null {
  const edge = border === 'reflect' ? reflect : clampTo;
  const S = src.size;
  const c = (S - 1) / 2;
  const cs = Math.cos(s.angle) / s.zoom;
  const sn = Math.sin(s.angle) / s.zoom;
  const out = cov ? new Float32Array(S * S) : null;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const dx = x - c;
      const dy = y - c;
      const u = edge(c + cs * dx + sn * dy, S);
      const v = edge(c - sn * dx + cs * dy, S);
      const x0 = Math.min(S - 2, Math.floor(u));
      const y0 = Math.min(S - 2, Math.floor(v));
      const fx = u - x0;
      const fy = v - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const i00 = y0 * S + x0;
      const o = (y * S + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        dst.px[o + ch] =
          w00 * src.px[i00 * 3 + ch] +
          w10 * src.px[(i00 + 1) * 3 + ch] +
          w01 * src.px[(i00 + S) * 3 + ch] +
          w11 * src.px[(i00 + S + 1) * 3 + ch];
      }
      if (out && cov)
        out[y * S + x] = w00 * cov[i00] + w10 * cov[i00 + 1] + w01 * cov[i00 + S] + w11 * cov[i00 + S + 1];
    }
  }
  return out;
}

/** Wear marks, then the light: gain, directional fall-off and colour temperature. */
function light(c: Canvas, s: Shot): void {
  const S = c.size;
  const lx = Math.cos(s.lightAngle);
  const ly = Math.sin(s.lightAngle);
  const warm = 0.1 * s.temp;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const u = x / S;
      const v = y / S;
      let f = s.gain * (1 + s.falloff * 2 * ((u - 0.5) * lx + (v - 0.5) * ly));
      for (const w of s.wear) {
        let d: number;
        if (w.scuff) {
          // Distance to a short segment through (x, y) at the mark's angle.
          const px = u - w.x;
          const py = v - w.y;
          const t = Math.max(-w.len / 2, Math.min(w.len / 2, px * Math.cos(w.angle) + py * Math.sin(w.angle)));
          d = Math.hypot(px - t * Math.cos(w.angle), py - t * Math.sin(w.angle)) / w.r;
        } else d = Math.hypot(u - w.x, v - w.y) / w.r;
        if (d < 1) f *= 1 + (w.tone - 1) * (1 - d * d);
      }
      const k = (y * S + x) * 3;
      c.px[k] *= f * (1 + warm);
      c.px[k + 1] *= f;
      c.px[k + 2] *= f * (1 - warm);
    }
  }
}

/** `base` photographed: its own sample, drawn, then warped, worn and lit per image. Faults pass through. */
function photographed<P extends object>(base: ProductClass<P>, name: string): ProductClass<P & { shot: Shot }> {
  const out: ProductClass<P & { shot: Shot }> = {
    name,
    kind: base.kind,
    sample: (rng, size) => ({ ...base.sample(rng, size), shot: drawShot(rng, base.kind) }),
    draw(c, p, n) {
      const raw = newCanvas(c.size);
      const cov = warp(raw, c, p.shot, base.draw(raw, p, n), base.kind === 'texture' ? 'reflect' : 'clamp');
      light(c, p.shot);
      return cov;
    },
  };
  if (base.faults) {
    out.faults = {};
    for (const [k, f] of Object.entries(base.faults)) {
      if (f) out.faults[k as 'missing' | 'misplaced'] = (p, rng, size) => ({ ...f(p, rng, size), shot: p.shot });
    }
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const shot = (base: ProductClass<any>, name: string) => photographed(base, name);

/** 12 classes, 45-170 train images (other sizes than both other families), 4 defective test images per type. */
export const PHOTO_CLASSES: SynthClassSpec[] = [
  { product: shot(fabric, 'photo_fabric'), train: 95, defects: { hole: 4, stain: 4, color: 4, scratch: 4 } },
  { product: shot(wood, 'photo_wood'), train: 150, defects: { scratch: 4, crack: 4, hole: 4, stain: 4 } },
  { product: shot(leather, 'photo_leather'), train: 60, defects: { scratch: 4, crack: 4, hole: 4, stain: 4 } },
  { product: shot(mesh, 'photo_mesh'), train: 120, defects: { hole: 4, crack: 4, stain: 4, color: 4 } },
  { product: shot(tile, 'photo_tile'), train: 45, defects: { crack: 4, stain: 4, hole: 4, color: 4 } },
  { product: shot(carpet, 'photo_carpet'), train: 75, defects: { hole: 4, stain: 4, color: 4, scratch: 4 } },
  { product: shot(bottle, 'photo_bottle'), train: 170, defects: { crack: 4, stain: 4, scratch: 4, hole: 4 } },
  { product: shot(screw, 'photo_screw'), train: 85, defects: { scratch: 4, dent: 4, missing: 4, stain: 4 } },
  { product: shot(hexNut, 'photo_nut'), train: 130, defects: { scratch: 4, dent: 4, color: 4, stain: 4 } },
  { product: shot(capsule, 'photo_capsule'), train: 55, defects: { crack: 4, dent: 4, stain: 4, color: 4 } },
  { product: shot(cable, 'photo_cable'), train: 105, defects: { missing: 4, misplaced: 4, crack: 4, stain: 4 } },
  { product: shot(pcb, 'photo_pcb'), train: 65, defects: { missing: 4, misplaced: 4, scratch: 4, stain: 4 } },
];

export const PHOTO_CLASS_NAMES: string[] = PHOTO_CLASSES.map((c) => c.product.name);
