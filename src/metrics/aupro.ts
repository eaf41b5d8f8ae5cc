/**
 * AUPRO, the area under the per-region-overlap curve up to a false-positive-rate limit (anchors §2.2), in the exact
 * one-sort form of anomalib >= 2.3: 8-connected regions over the whole test set; one global descending sort of all
 * pixels; FPR rises by 1/#background per background pixel and PRO by 1/(region size * #regions) per region pixel;
 * tied scores collapse into one curve point; (0,0) is prepended; the curve is cut at the limit with linear
 * interpolation, integrated with the trapezoid rule and divided by the limit (a perfect detector scores 1).
 */
import { InputError } from '../util/errors';
import { resolveOptions, checkRange } from '../util/options';
import { countPositives, checkSameLength, checkFinite } from './validate';
import { labelRegions8 } from './components';
import { argsortDescending } from './argsort';

export interface AuproOptions {
  /** Mask/map width in pixels. Required. */
  width: number;
  /** Mask/map height in pixels. Required. */
  height: number;
  /** Integrate PRO over FPR in [0, fprLimit]. @default 0.3 */
  fprLimit: number;
}

export const AUPRO_DEFAULTS: Omit<AuproOptions, 'width' | 'height'> = { fprLimit: 0.3 };

/** Checks maps/masks against the image size; returns the number of images. */
export function checkMapsAndMasks(maps: Float32Array, masks: ArrayLike<number>, width: number, height: number): number {
  checkRange('width', width, 1, 1 << 20, { integer: true });
  checkRange('height', height, 1, 1 << 20, { integer: true });
  checkSameLength(maps, masks, 'anomaly maps', 'masks');
  const plane = width * height;
  if (maps.length === 0 || maps.length % plane !== 0) {
    throw new InputError(`anomaly maps: ${maps.length} values is not a whole number of ${width}x${height} images`);
  }
  return maps.length / plane;
}

/** AUPRO of anomaly maps against binary masks (both image-major, width x height per image). */
export function aupro(
  maps: Float32Array,
  masks: Uint8Array | ArrayLike<number>,
  options: Partial<AuproOptions> & { width: number; height: number },
): number {
  const o = resolveOptions<AuproOptions>({ width: 0, height: 0, ...AUPRO_DEFAULTS }, options, 'aupro');
  checkMapsAndMasks(maps, masks, o.width, o.height);
  checkRange('fprLimit', o.fprLimit, 0, 1, { minOpen: true });
  const nPos = countPositives(masks, 'masks');
  checkFinite(maps, 'anomaly maps');
  const nBg = maps.length - nPos;
  if (nPos === 0)
    throw new InputError('aupro: the masks hold no anomalous pixel; AUPRO needs at least one defect region');
  if (nBg === 0)
    throw new InputError('aupro: the masks hold no normal pixel; AUPRO needs background pixels for the FPR');
  const regions = labelRegions8(masks, o.width, o.height);
  const invSize = new Float64Array(regions.count);
  for (let r = 0; r < regions.count; r++) invSize[r] = 1 / regions.size[r];
  const order = argsortDescending(maps);
  const limit = o.fprLimit;
  const R = regions.count;
  let fp = 0;
  let proSum = 0;
  let prevFpr = 0;
  let prevPro = 0;
  let area = 0;
  let i = 0;
  const P = order.length;
  while (i < P) {
    const v = maps[order[i]];
    while (i < P && maps[order[i]] === v) {
      const r = regions.label[order[i]];
      if (r < 0) fp++;
      else proSum += invSize[r];
      i++;
    }
    const fpr = fp / nBg;
    const pro = proSum / R;
    if (fpr >= limit) {
      const proAtLimit = fpr === limit ? pro : prevPro + ((pro - prevPro) * (limit - prevFpr)) / (fpr - prevFpr);
      area += ((limit - prevFpr) * (prevPro + proAtLimit)) / 2;
      return area / limit;
    }
    area += ((fpr - prevFpr) * (prevPro + pro)) / 2;
    prevFpr = fpr;
    prevPro = pro;
  }
  // Unreachable: the last point has FPR = 1 >= limit.
  throw new InputError('aupro: the curve never reached the FPR limit');
}
