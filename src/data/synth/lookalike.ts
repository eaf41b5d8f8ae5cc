/**
 * A second synthetic family, generated differently from the default one and built around look-alike classes: three
 * woods, two weaves, two stones, two screws and two nuts that differ only in colour, scale or finish, plus a leather.
 * Every class is lit by a coloured light (warm or cool, per image) and objects sit on their own backgrounds, so the
 * family does not share the default family's look. It exists so that an embedding chosen for TailSampler is measured
 * on more than one generator (scripts/choose-embedding.ts): look-alike classes are where tail images get missed.
 *
 * The default family is untouched: these classes have their own names (hence their own random streams) and are
 * selected with generateSynthetic({ family: 'lookalike' }).
 */
import { Rng } from '../../util/rng';
import { Canvas, Rgb } from './canvas';
import { ProductClass } from './product';
import { SynthClassSpec } from './classes';
import { wood, fabric, tile, leather } from './textures';
import { screw, hexNut } from './objects';

/** The parameters every texture sample carries (see textures.ts). */
interface TexLike {
  colA: Rgb;
  colB: Rgb;
  scale: number;
}
interface ScrewLike {
  metal: number;
  bg: number;
  scale: number;
}
interface NutLike {
  metal: Rgb;
  scale: number;
}

/** A light colour cast per image, drawn from the sample's own stream: warm (t > 0) or cool (t < 0). */
interface Lit {
  cast: number;
}

function castCanvas(c: Canvas, t: number): void {
  const r = 1 + 0.08 * t,
    b = 1 - 0.08 * t;
  const px = c.px;
  for (let i = 0; i < px.length; i += 3) {
    px[i] *= r;
    px[i + 2] *= b;
  }
}

/**
 * A variant of `base`: its sample parameters edited by `edit` (deterministic, from the drawn parameters and the
 * sample's rng), drawn by the base class, then lit by the per-image colour cast. Faults pass through.
 */
function variant<P extends object>(
  base: ProductClass<P>,
  name: string,
  edit: (p: P, rng: Rng) => P,
): ProductClass<P & Lit> {
  const out: ProductClass<P & Lit> = {
    name,
    kind: base.kind,
    sample: (rng, size) => ({ ...edit(base.sample(rng, size), rng), cast: rng.uniform(-1, 1) }),
    draw(c, p, n) {
      const cov = base.draw(c, p, n);
      castCanvas(c, p.cast);
      return cov;
    },
  };
  if (base.faults) {
    out.faults = {};
    for (const [k, f] of Object.entries(base.faults)) {
      if (f) out.faults[k as 'missing' | 'misplaced'] = (p, rng, size) => ({ ...f(p, rng, size), cast: p.cast });
    }
  }
  return out;
}

const recolour = (c: Rgb, to: Rgb, from: Rgb): Rgb => [
  c[0] - from[0] + to[0],
  c[1] - from[1] + to[1],
  c[2] - from[2] + to[2],
];

/** A texture variant: base colours replaced (keeping the per-sample jitter), lattice scaled. */
function texture<P extends TexLike>(
  base: ProductClass<P>,
  name: string,
  fromA: Rgb,
  fromB: Rgb,
  colA: Rgb,
  colB: Rgb,
  scale: number,
): ProductClass<P & Lit> {
  return variant(base, name, (p) => ({
    ...p,
    colA: recolour(p.colA, colA, fromA),
    colB: recolour(p.colB, colB, fromB),
    scale: p.scale * scale,
  }));
}

const WOOD: [Rgb, Rgb] = [
  [205, 160, 112],
  [140, 92, 55],
];
const FABRIC: [Rgb, Rgb] = [
  [150, 160, 190],
  [120, 130, 165],
];
const TILE: [Rgb, Rgb] = [
  [182, 180, 172],
  [86, 88, 96],
];
const LEATHER: [Rgb, Rgb] = [
  [128, 84, 58],
  [96, 60, 40],
];

export const LOOKALIKE_CLASSES: SynthClassSpec[] = [
  {
    product: texture(wood, 'wood_oak', ...WOOD, [196, 150, 100], [132, 86, 50], 1.0),
    train: 120,
    defects: { scratch: 4, crack: 4, hole: 4, stain: 4 },
  },
  {
    product: texture(wood, 'wood_walnut', ...WOOD, [150, 104, 70], [92, 58, 36], 0.85),
    train: 60,
    defects: { scratch: 4, crack: 4, hole: 4, stain: 4 },
  },
  {
    product: texture(wood, 'wood_pine', ...WOOD, [222, 186, 134], [170, 120, 72], 1.2),
    train: 90,
    defects: { scratch: 4, crack: 4, hole: 4, stain: 4 },
  },
  {
    product: texture(fabric, 'weave_blue', ...FABRIC, [146, 156, 188], [116, 126, 162], 1.0),
    train: 100,
    defects: { hole: 4, stain: 4, color: 4, scratch: 4 },
  },
  {
    product: texture(fabric, 'weave_grey', ...FABRIC, [150, 152, 160], [118, 120, 130], 0.8),
    train: 50,
    defects: { hole: 4, stain: 4, color: 4, scratch: 4 },
  },
  {
    product: texture(tile, 'stone_granite', ...TILE, [182, 180, 172], [86, 88, 96], 1.0),
    train: 80,
    defects: { crack: 4, stain: 4, hole: 4, color: 4 },
  },
  {
    product: texture(tile, 'stone_slate', ...TILE, [150, 154, 160], [70, 74, 86], 1.3),
    train: 40,
    defects: { crack: 4, stain: 4, hole: 4, color: 4 },
  },
  {
    product: texture(leather, 'leather_tan', ...LEATHER, [150, 104, 70], [114, 76, 50], 1.1),
    train: 70,
    defects: { scratch: 4, crack: 4, hole: 4, stain: 4 },
  },
  {
    product: variant(screw as unknown as ProductClass<ScrewLike>, 'screw_steel', (p) => ({ ...p, bg: p.bg - 40 })),
    train: 110,
    defects: { scratch: 4, dent: 4, missing: 4, stain: 4 },
  },
  {
    product: variant(screw as unknown as ProductClass<ScrewLike>, 'screw_short', (p) => ({
      ...p,
      metal: p.metal + 25,
      bg: p.bg - 40,
      scale: p.scale * 0.8,
    })),
    train: 45,
    defects: { scratch: 4, dent: 4, missing: 4, stain: 4 },
  },
  {
    product: variant(hexNut as unknown as ProductClass<NutLike>, 'nut_steel', (p) => ({ ...p, scale: p.scale * 0.9 })),
    train: 85,
    defects: { scratch: 4, dent: 4, color: 4, stain: 4 },
  },
  {
    product: variant(hexNut as unknown as ProductClass<NutLike>, 'nut_brass', (p) => ({
      ...p,
      metal: recolour(p.metal, [176, 150, 96], [150, 152, 158]),
      scale: p.scale * 0.9,
    })),
    train: 55,
    defects: { scratch: 4, dent: 4, color: 4, stain: 4 },
  },
];

export const LOOKALIKE_CLASS_NAMES: string[] = LOOKALIKE_CLASSES.map((c) => c.product.name);
