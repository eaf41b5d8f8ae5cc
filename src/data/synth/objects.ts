/**
 * Six object classes, drawn from signed distances: a bottle seen from above, a screw, a hex nut, a two-colour
 * capsule, a three-wire cable cross-section and a PCB part. Variation: position, rotation (free for screw and nut,
 * small for the others), size, colour and highlight jitter. Structural faults (missing / misplaced parts) are
 * parameter edits, so the defect mask is exactly where the faulty rendering differs from the normal one.
 */
import { Rng } from '../../util/rng';
import * as C from './canvas';
import type { Canvas, Rgb } from './canvas';
// Local bindings: tsx compiles imported functions to getter calls, which cost ~10% in these per-pixel loops.
const { cover, setAt, sdBox, sdHexagon, sdSegment, clamp01, mix, blend3, hyp } = C;
import { ProductClass, jitterColour } from './product';

interface Pose {
  cx: number;
  cy: number;
  angle: number;
  scale: number;
}

function pose(rng: Rng, size: number, shift: number, angleRange: number): Pose {
  return {
    cx: size / 2 + rng.uniform(-shift, shift) * size,
    cy: size / 2 + rng.uniform(-shift, shift) * size,
    angle: rng.uniform(-angleRange, angleRange),
    scale: size * (1 + rng.uniform(-0.03, 0.03)),
  };
}

/** Calls f(i, a, b) per pixel with (a, b) the pose-rotated coordinates in units of the image size (about [-0.5, 0.5]). */
function forEachLocal(c: Canvas, p: Pose, f: (i: number, a: number, b: number, x: number, y: number) => void): void {
  const S = c.size,
    ca = Math.cos(p.angle),
    sa = Math.sin(p.angle);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const dx = (x + 0.5 - p.cx) / p.scale,
        dy = (y + 0.5 - p.cy) / p.scale;
      f(y * S + x, dx * ca + dy * sa, -dx * sa + dy * ca, x, y);
    }
  }
}

const px = (p: Pose) => 1 / p.scale; // one pixel in local units

// ---------------------------------------------------------------- bottle
interface BottleP extends Pose {
  glass: Rgb;
  hl: number;
  rim: number;
  bg: number;
}
export const bottle: ProductClass<BottleP> = {
  name: 'bottle',
  kind: 'object',
  sample: (rng, size) => ({
    ...pose(rng, size, 0.02, Math.PI),
    glass: jitterColour(rng, [120, 92, 52], 10),
    hl: rng.uniform(0, 2 * Math.PI),
    rim: rng.uniform(0.085, 0.1),
    bg: rng.uniform(14, 24),
  }),
  draw(c, p, n) {
    const cov = new Float32Array(c.size * c.size),
      R = 0.41,
      u = px(p);
    const hx = 0.27 * Math.cos(p.hl),
      hy = 0.27 * Math.sin(p.hl);
    forEachLocal(c, p, (i, a, b) => {
      const r = hyp(a, b);
      const bgv = p.bg * (1 + 0.15 * n.value(a * 40, b * 40));
      setAt(c, i, bgv, bgv, bgv * 1.05);
      const k = cover((r - R) / u);
      if (k <= 0) return;
      cov[i] = k;
      const tex = 1 + 0.06 * n.fbm(a * 30 + 5, b * 30, 3);
      let g: number;
      if (r > R - p.rim) g = 0.75 + 0.55 * Math.sin((Math.PI * (R - r)) / p.rim);
      else g = 0.22 + 0.3 * (r / (R - p.rim)) + 0.18 * clamp01(1 - Math.abs(r - 0.18) / 0.03);
      g += 0.7 * Math.exp(-((a - hx) ** 2 + (b - hy) ** 2) / 0.0025);
      blend3(c, i, p.glass[0] * g * tex, p.glass[1] * g * tex, p.glass[2] * g * tex, k);
    });
    return cov;
  },
};

// ---------------------------------------------------------------- screw
interface ScrewP extends Pose {
  metal: number;
  phase: number;
  cut: number;
  bg: number;
}
export const screw: ProductClass<ScrewP> = {
  name: 'screw',
  kind: 'object',
  sample: (rng, size) => ({
    ...pose(rng, size, 0.06, Math.PI),
    metal: rng.uniform(130, 160),
    phase: rng.next(),
    cut: 0,
    bg: rng.uniform(196, 212),
  }),
  faults: { missing: (p, rng) => ({ ...p, cut: rng.uniform(0.08, 0.2) }) },
  draw(c, p, n) {
    const cov = new Float32Array(c.size * c.size),
      u = px(p);
    const L = 0.27,
      w = 0.05,
      hr = 0.085,
      tipEnd = L - p.cut;
    forEachLocal(c, p, (i, a, b) => {
      // body with a tapered tip; the head is a disc at a = -L
      const taper = a > L - 0.08 ? Math.max(0.004, (w * (L - a)) / 0.08) : w;
      const dBody = Math.max(sdSegment(a, b, -L, 0, tipEnd, 0, 0) - taper, a - tipEnd);
      const dHead = hyp(a + L, b) - hr;
      const d = Math.min(dBody, dHead);
      const shadow =
        0.22 * Math.exp(-Math.max(0, Math.min(sdSegment(a - 0.01, b - 0.012, -L, 0, tipEnd, 0, w), dHead)) / 0.012);
      const bgv = p.bg * (1 - shadow) * (1 + 0.02 * n.value(a * 60, b * 60));
      setAt(c, i, bgv, bgv, bgv * 0.98);
      const k = cover(d / u);
      if (k <= 0) return;
      cov[i] = k;
      let g: number;
      if (dHead < dBody) {
        const r = hyp(a + L, b) / hr;
        const slot = clamp01(1 - Math.abs(b) / 0.012) * clamp01((0.8 - r) * 8);
        g = (0.75 + 0.35 * (1 - r * r) - (0.2 * (a + L)) / hr) * (1 - 0.6 * slot);
      } else {
        const t = b / Math.max(taper, 1e-3);
        const cyl = 0.55 + 0.45 * Math.sqrt(Math.max(0, 1 - t * t));
        const thread = a > -L + hr ? 0.22 * Math.sin(2 * Math.PI * (a / 0.028 + p.phase) + t * 1.1) : 0;
        g = cyl + thread;
      }
      g *= 1 + 0.05 * n.value(a * 90, b * 90);
      blend3(c, i, p.metal * g, p.metal * g, p.metal * g * 1.03, k);
    });
    return cov;
  },
};

// ---------------------------------------------------------------- hex nut
interface NutP extends Pose {
  metal: Rgb;
  light: number;
}
export const hexNut: ProductClass<NutP> = {
  name: 'hex_nut',
  kind: 'object',
  sample: (rng, size) => ({
    ...pose(rng, size, 0.04, Math.PI),
    metal: jitterColour(rng, [150, 152, 158], 12),
    light: rng.uniform(0, 2 * Math.PI),
  }),
  draw(c, p, n) {
    const cov = new Float32Array(c.size * c.size),
      u = px(p),
      R = 0.3,
      hole = 0.13;
    const lx = Math.cos(p.light),
      ly = Math.sin(p.light);
    forEachLocal(c, p, (i, a, b) => {
      const r = hyp(a, b);
      const bgv = 12 + 6 * n.value(a * 30, b * 30);
      setAt(c, i, bgv, bgv, bgv);
      const d = Math.max(sdHexagon(a, b, R), hole - r);
      const k = cover(d / u);
      if (k <= 0) return;
      cov[i] = k;
      const edge = -sdHexagon(a, b, R);
      const bevel = edge < 0.03 ? 0.25 * ((a * lx + b * ly) / r) : 0;
      const chamfer = r < hole + 0.035 ? 0.3 * (1 - (r - hole) / 0.035) * ((a * lx + b * ly) / r) : 0;
      const thread = r < hole + 0.012 ? -0.25 * (0.5 + 0.5 * Math.sin(r * 900)) : 0;
      const brushed = 0.07 * n.value(Math.atan2(b, a) * 3, r * 200);
      const g = 0.8 + (0.12 * (a * lx + b * ly)) / R + bevel + chamfer + thread + brushed;
      blend3(c, i, p.metal[0] * g, p.metal[1] * g, p.metal[2] * g, k);
    });
    return cov;
  },
};

// ---------------------------------------------------------------- capsule
interface CapsuleP extends Pose {
  colA: Rgb;
  colB: Rgb;
  split: number;
  bg: number;
}
export const capsule: ProductClass<CapsuleP> = {
  name: 'capsule',
  kind: 'object',
  sample: (rng, size) => ({
    ...pose(rng, size, 0.03, 0.07),
    colA: jitterColour(rng, [196, 70, 52], 8),
    colB: jitterColour(rng, [232, 226, 210], 6),
    split: rng.uniform(-0.02, 0.02),
    bg: rng.uniform(188, 204),
  }),
  draw(c, p, n) {
    const cov = new Float32Array(c.size * c.size),
      u = px(p),
      L = 0.25,
      r = 0.115;
    forEachLocal(c, p, (i, a, b) => {
      const d = sdSegment(a, b, -L, 0, L, 0, r);
      const shadow = 0.2 * Math.exp(-Math.max(0, sdSegment(a, b - 0.02, -L, 0, L, 0, r)) / 0.025);
      const bgv = p.bg * (1 - shadow) * (1 + 0.015 * n.value(a * 50, b * 50));
      setAt(c, i, bgv, bgv * 0.99, bgv * 0.97);
      const k = cover(d / u);
      if (k <= 0) return;
      cov[i] = k;
      const t = clamp01(Math.abs(b) / r);
      const seam = Math.abs(a - p.split) < 0.006 ? 0.85 : 1;
      const g =
        (0.72 + 0.28 * Math.sqrt(1 - t * t) + 0.25 * Math.exp(-((b + 0.05) ** 2) / 0.0004)) *
        seam *
        (1 + 0.03 * n.value(a * 70, b * 70));
      const col = a < p.split ? p.colA : p.colB;
      blend3(c, i, col[0] * g, col[1] * g, col[2] * g, k);
    });
    return cov;
  },
};

// ---------------------------------------------------------------- cable cross-section
const WIRE_COLOURS: Rgb[] = [
  [70, 150, 70],
  [60, 90, 170],
  [130, 80, 45],
];
interface CableP extends Pose {
  order: number[];
  present: boolean[];
  sheath: number;
}
export const cable: ProductClass<CableP> = {
  name: 'cable',
  kind: 'object',
  sample: (rng, size) => ({
    ...pose(rng, size, 0.02, 0.2),
    order: [0, 1, 2],
    present: [true, true, true],
    sheath: rng.uniform(125, 145),
  }),
  faults: {
    missing: (p, rng) => {
      const present = p.present.slice();
      present[rng.int(3)] = false;
      return { ...p, present };
    },
    misplaced: (p, rng) => {
      const o = p.order.slice();
      const i = rng.int(3),
        j = (i + 1 + rng.int(2)) % 3;
      [o[i], o[j]] = [o[j], o[i]];
      return { ...p, order: o };
    },
  },
  draw(c, p, n) {
    const cov = new Float32Array(c.size * c.size),
      u = px(p),
      R = 0.44,
      wr = 0.125,
      wd = 0.19;
    const centres = [0, 1, 2].map((k) => [
      wd * Math.cos(-Math.PI / 2 + (2 * Math.PI * k) / 3),
      wd * Math.sin(-Math.PI / 2 + (2 * Math.PI * k) / 3),
    ]);
    forEachLocal(c, p, (i, a, b) => {
      const r = hyp(a, b);
      setAt(c, i, 24, 24, 26);
      const k = cover((r - R) / u);
      if (k <= 0) return;
      cov[i] = k;
      const tex = 1 + 0.06 * n.fbm(a * 40, b * 40, 2);
      const sh = r > R - 0.045 ? p.sheath * (0.85 + 0.2 * Math.sin((Math.PI * (R - r)) / 0.045)) : 78;
      blend3(c, i, sh * tex, sh * tex, sh * tex * 1.02, k);
      for (let w = 0; w < 3; w++) {
        if (!p.present[w]) continue;
        const dx = a - centres[w][0],
          dy = b - centres[w][1],
          rr = hyp(dx, dy);
        const kw = cover((rr - wr) / u);
        if (kw <= 0) continue;
        const col = WIRE_COLOURS[p.order[w]];
        const ins = (0.8 + 0.2 * (1 - rr / wr)) * tex;
        blend3(c, i, col[0] * ins, col[1] * ins, col[2] * ins, kw);
        const kc = cover((rr - 0.6 * wr) / u);
        if (kc > 0) {
          const strand = 0.7 + 0.3 * Math.cos(dx * 420) * Math.cos(dy * 420) + 0.1 * n.value(dx * 200, dy * 200);
          blend3(c, i, 205 * strand, 130 * strand, 70 * strand, kc);
        }
      }
    });
    return cov;
  },
};

// ---------------------------------------------------------------- PCB part
interface Comp {
  kind: 'chip' | 'resistor' | 'cap';
  x: number;
  y: number;
  rot: number;
  present: boolean;
}
interface PcbP extends Pose {
  board: Rgb;
  comps: Comp[];
}
const PCB_COMPS: Comp[] = [
  { kind: 'chip', x: 0, y: 0, rot: 0, present: true },
  { kind: 'resistor', x: -0.27, y: 0.3, rot: 0, present: true },
  { kind: 'resistor', x: 0.27, y: 0.3, rot: 0, present: true },
  { kind: 'cap', x: 0.28, y: -0.3, rot: 0, present: true },
];
// Scratch outputs of compDist (no object per pixel: this runs for every pixel and component).
let LA = 0,
  LB = 0;
function compDist(cm: Comp, a: number, b: number): number {
  const ca = Math.cos(cm.rot),
    sa = Math.sin(cm.rot),
    da = a - cm.x,
    db = b - cm.y;
  LA = da * ca + db * sa;
  LB = -da * sa + db * ca;
  return cm.kind === 'chip'
    ? sdBox(LA, LB, 0.15, 0.1)
    : cm.kind === 'resistor'
      ? sdBox(LA, LB, 0.07, 0.028)
      : hyp(LA, LB) - 0.06;
}
export const pcb: ProductClass<PcbP> = {
  name: 'pcb',
  kind: 'object',
  sample: (rng, size) => ({
    ...pose(rng, size, 0.03, 0.04),
    board: jitterColour(rng, [34, 112, 62], 8),
    comps: PCB_COMPS.map((cm) => ({ ...cm, rot: rng.uniform(-0.03, 0.03) })),
  }),
  faults: {
    missing: (p, rng) => {
      const comps = p.comps.map((cm) => ({ ...cm }));
      comps[1 + rng.int(3)].present = false;
      return { ...p, comps };
    },
    misplaced: (p, rng) => {
      const comps = p.comps.map((cm) => ({ ...cm }));
      const cm = comps[1 + rng.int(3)];
      cm.x += rng.uniform(0.03, 0.07) * (rng.next() < 0.5 ? -1 : 1);
      cm.y += rng.uniform(-0.04, 0.04);
      cm.rot += rng.uniform(0.2, 0.6) * (rng.next() < 0.5 ? -1 : 1);
      return { ...p, comps };
    },
  },
  draw(c, p, n) {
    const u = px(p);
    forEachLocal(c, p, (i, a, b) => {
      const tex = 1 + 0.05 * n.fbm(a * 25, b * 25, 3);
      const c0 = p.board[0] * tex,
        c1 = p.board[1] * tex,
        c2 = p.board[2] * tex;
      // copper traces under the solder mask, and tinned pads under each nominal component position
      const trace = Math.min(
        Math.abs(a - 0.05) + Math.max(0, Math.abs(b + 0.3) - 0.2) * 10,
        Math.abs(b + 0.18) + Math.max(0, Math.abs(a + 0.25) - 0.18) * 10,
      );
      const kt = cover((trace - 0.008) / u);
      setAt(c, i, mix(c0, 70 * tex, kt), mix(c1, 150 * tex, kt), mix(c2, 80 * tex, kt));
      for (let q = 1; q < PCB_COMPS.length; q++) {
        const nominal = PCB_COMPS[q];
        if (Math.abs(a - nominal.x) > 0.12 || Math.abs(b - nominal.y) > 0.1) continue;
        const padOff = nominal.kind === 'resistor' ? 0.075 : 0.0;
        const dPad =
          nominal.kind === 'resistor'
            ? Math.min(
                sdBox(a - nominal.x - padOff, b - nominal.y, 0.022, 0.032),
                sdBox(a - nominal.x + padOff, b - nominal.y, 0.022, 0.032),
              )
            : hyp(a - nominal.x, b - nominal.y) - 0.068;
        blend3(c, i, 190, 188, 180, cover(dPad / u));
      }
      for (const cm of p.comps) {
        if (!cm.present || Math.abs(a - cm.x) > 0.22 || Math.abs(b - cm.y) > 0.22) continue;
        const d = compDist(cm, a, b),
          la = LA,
          lb = LB;
        if (cm.kind === 'chip') {
          const pin =
            Math.abs(lb) > 0.1 && Math.abs(lb) < 0.135 && Math.abs(la) < 0.13 && (la + 0.13) % 0.0325 < 0.016 ? 1 : 0;
          if (pin) blend3(c, i, 200, 200, 205, 1);
          const g = 30 + 10 * n.value(la * 80, lb * 80) + (hyp(la + 0.11, lb + 0.06) < 0.014 ? 25 : 0);
          blend3(c, i, g, g, g + 2, cover(d / u));
        } else if (cm.kind === 'resistor') {
          const band = Math.abs(la) < 0.045 && Math.abs(((la + 0.045) % 0.03) - 0.008) < 0.005;
          const g = 1 - 0.35 * (Math.abs(lb) / 0.028) ** 2;
          if (band) blend3(c, i, 140 * g, 40 * g, 30 * g, cover(d / u));
          else blend3(c, i, 205 * g, 180 * g, 135 * g, cover(d / u));
        } else {
          const rr = hyp(la, lb) / 0.06;
          const g = 0.7 + 0.4 * (1 - rr) - 0.3 * (lb > 0.03 ? 1 : 0);
          blend3(c, i, 60 * g, 70 * g, 150 * g, cover(d / u));
        }
      }
    });
    return null;
  },
};

export const OBJECTS = [bottle, screw, hexNut, capsule, cable, pcb];
