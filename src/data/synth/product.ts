/** The contract of one synthetic product class: draw random pose/appearance parameters, then render them. */
import { Rng } from '../../util/rng';
import { Canvas } from './canvas';
import { Noise } from './noise';

export interface ProductClass<P> {
  name: string;
  kind: 'texture' | 'object';
  /** Random appearance of one normal sample (pose, lighting-independent colours, texture phase). */
  sample(rng: Rng, size: number): P;
  /**
   * Renders the sample into the canvas (every pixel written). Returns the product's coverage per pixel (0-1), where
   * surface defects may go, or null when the whole image is product (textures).
   */
  draw(c: Canvas, p: P, n: Noise): Float32Array | null;
  /** Structural faults: a modified copy of the parameters, e.g. a part removed ('missing') or moved ('misplaced'). */
  faults?: Partial<Record<'missing' | 'misplaced', (p: P, rng: Rng, size: number) => P>>;
}

/** Jitters a base colour by up to ±amount per channel. */
export function jitterColour(rng: Rng, base: [number, number, number], amount: number): [number, number, number] {
  const shift = rng.uniform(-amount, amount);
  return [
    base[0] + shift + rng.uniform(-amount, amount) * 0.4,
    base[1] + shift + rng.uniform(-amount, amount) * 0.4,
    base[2] + shift + rng.uniform(-amount, amount) * 0.4,
  ];
}
