/**
 * One synthetic sample, pixels only: render the product, optionally add a defect, derive the pixel-exact mask,
 * then apply lighting and sensor noise. The mask is exactly the set of pixels where the defective rendering differs
 * from the normal one by more than MASK_THRESHOLD grey levels (before lighting and noise); every other pixel is reset
 * to the normal rendering, so nothing outside the mask is touched by the defect.
 */
import { Rng } from '../../util/rng';
import { Canvas, copyCanvas, newCanvas } from './canvas';
import { Noise } from './noise';
import { ProductClass } from './product';
import { DefectType, defectScale, paintDefect } from './defects';

export const MASK_THRESHOLD = 2;
/** Fewer changed pixels than this and the defect is redrawn (it fell off the product or was too faint). */
const MIN_DEFECT_PIXELS = 6;

export interface Sample {
  /** size*size*3 RGB bytes. */
  rgb: Uint8Array;
  /** size*size bytes, 255 = defect; null for normal samples. */
  mask: Uint8Array | null;
  /** With `withClean`: the same sample without its defect, with identical lighting and sensor noise. */
  clean?: Uint8Array;
}

function diffMask(a: Canvas, b: Canvas): { mask: Uint8Array; count: number } {
  const n = a.size * a.size,
    mask = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const k = i * 3;
    const d = Math.max(
      Math.abs(a.px[k] - b.px[k]),
      Math.abs(a.px[k + 1] - b.px[k + 1]),
      Math.abs(a.px[k + 2] - b.px[k + 2]),
    );
    if (d > MASK_THRESHOLD) {
      mask[i] = 255;
      count++;
    }
  }
  return { mask, count };
}

/** Global gain, a linear light gradient, a faint vignette and Gaussian sensor noise; then 8-bit quantisation. */
function finish(c: Canvas, rng: Rng, n: Noise): Uint8Array {
  const S = c.size,
    out = new Uint8Array(S * S * 3);
  const gain = rng.uniform(0.88, 1.1),
    grad = rng.uniform(-0.1, 0.1),
    th = rng.uniform(0, 2 * Math.PI),
    vig = rng.uniform(0, 0.12);
  const sigma = rng.uniform(1.5, 3.5),
    tint = [1 + rng.uniform(-0.02, 0.02), 1, 1 + rng.uniform(-0.02, 0.02)];
  const gx = Math.cos(th),
    gy = Math.sin(th),
    nn = n.normals,
    nl = nn.length;
  let off = rng.int(nl);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const u = x / S - 0.5,
        v = y / S - 0.5;
      const light = gain * (1 + grad * 2 * (u * gx + v * gy)) * (1 - vig * (u * u + v * v) * 2);
      const k = (y * S + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const val = c.px[k + ch] * light * tint[ch] + sigma * nn[off];
        off = off + 1 === nl ? 0 : off + 1;
        out[k + ch] = val <= 0 ? 0 : val >= 255 ? 255 : Math.round(val);
      }
    }
  }
  return out;
}

/** Renders one sample of `product`; with a defect type, also its mask. Deterministic given the rng state. */
export function renderSample(
  product: ProductClass<unknown>,
  n: Noise,
  rng: Rng,
  size: number,
  defect?: DefectType,
  withClean = false,
): Sample {
  const params = product.sample(rng, size);
  const good = newCanvas(size);
  const cov = product.draw(good, params, n);
  // Lighting and noise come from their own stream, so the clean twin of a defective sample gets exactly the same.
  const light = () => rng.fork('finish');
  if (!defect) return { rgb: finish(good, light(), n), mask: null };
  for (let attempt = 0; ; attempt++) {
    let bad: Canvas;
    if (defect === 'missing' || defect === 'misplaced') {
      const fault = product.faults?.[defect];
      if (!fault) throw new Error(`class ${product.name} has no "${defect}" fault`);
      bad = newCanvas(size);
      product.draw(bad, fault(params, rng, size), n);
    } else {
      bad = copyCanvas(good);
      paintDefect(defect, bad, rng, n, cov, defectScale(rng) * (1 + attempt * 0.5));
    }
    const { mask, count } = diffMask(good, bad);
    if (count >= MIN_DEFECT_PIXELS || attempt >= 8) {
      if (count === 0)
        throw new Error(`synthetic ${defect} on ${product.name} changed no pixel after ${attempt + 1} attempts`);
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] === 0) {
          const k = i * 3;
          bad.px[k] = good.px[k];
          bad.px[k + 1] = good.px[k + 1];
          bad.px[k + 2] = good.px[k + 2];
        }
      }
      const out: Sample = { rgb: finish(bad, light(), n), mask };
      if (withClean) out.clean = finish(good, light(), n);
      return out;
    }
  }
}
