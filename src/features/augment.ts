/**
 * Tail augmentation views ([J] src/coreset_model.py:301-445; docs/method.md, "Tail augmentation") as pure functions on float HWC buffers.
 * rotXflip: from the resize-only image; per (angle, flip) except (0, 0): flip horizontally, then (angle != 0)
 * replicate-pad by ceil((sqrt(2)*crop - crop)/2) and rotate counter-clockwise about the centre with nearest
 * sampling and no expand; finally centre crop. rotflip: from the normal crop, 90-degree turns x flip, no pad.
 * Order: angle outer loop, flip inner loop (the official order).
 */
import { OptionError } from '../util/errors';
import { centerCropOffsets, cropHwc, roundHalfEven } from './resize';
import { FloatImage } from './preprocess';

/** The augmentation types of the official configs, the one list of them. */
export const AUGMENTATION_TYPES = ['rot15flip', 'rot30flip', 'rot45flip', 'rotflip'] as const;
export type AugmentationType = (typeof AUGMENTATION_TYPES)[number];

/** One view: rotation angle in degrees (counter-clockwise) and horizontal flip. */
export interface AugmentationView {
  angle: number;
  flip: boolean;
  /** 'resized': built from the resize-only image with padding (rotXflip); 'cropped': from the centre crop (rotflip). */
  source: 'resized' | 'cropped';
}

/** The views of an augmentation type, identity excluded, in the official order. rot15flip has 47, rotflip 7. */
export function augmentationViews(type: AugmentationType): AugmentationView[] {
  let step: number;
  let source: AugmentationView['source'] = 'resized';
  switch (type) {
    case 'rot15flip':
      step = 15;
      break;
    case 'rot30flip':
      step = 30;
      break;
    case 'rot45flip':
      step = 45;
      break;
    case 'rotflip':
      step = 90;
      source = 'cropped';
      break;
    default:
      throw new OptionError(`augmentation type must be one of ${AUGMENTATION_TYPES.join(', ')}, got "${String(type)}"`);
  }
  const views: AugmentationView[] = [];
  for (let angle = 0; angle < 360; angle += step) {
    for (const flip of [false, true]) if (angle !== 0 || flip) views.push({ angle, flip, source });
  }
  return views;
}

/** Views per tail image that each augmentation type adds (identity excluded): rot15flip 47, rot30flip 23, rot45flip 15, rotflip 7. */
export const AUGMENTATION_VIEWS: Readonly<Record<AugmentationType, number>> = Object.freeze(
  Object.fromEntries(AUGMENTATION_TYPES.map((t) => [t, augmentationViews(t).length])) as Record<
    AugmentationType,
    number
  >,
);

/** Stable text of a view for cache keys; rot15flip and rot30flip share their common views. */
export function viewKey(v: AugmentationView): string {
  return `${v.source}:rot${v.angle}:${v.flip ? 'flip' : 'noflip'}`;
}

/** Padding on each side before rotation: ceil((sqrt(2)*crop - crop) / 2); 47 at crop 224. */
export function rotationPadding(crop: number): number {
  return Math.ceil((Math.sqrt(crop * crop + crop * crop) - crop) / 2);
}

export function hflip(img: FloatImage, channels = 3): FloatImage {
  const { width: w, height: h } = img;
  const out = new Float32Array(img.data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * channels,
        d = (y * w + (w - 1 - x)) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = img.data[s + c];
    }
  }
  return { data: out, width: w, height: h };
}

/** Replicate (edge) padding by `pad` pixels on every side. */
export function replicatePad(img: FloatImage, pad: number, channels = 3): FloatImage {
  const { width: w, height: h } = img;
  const W = w + 2 * pad,
    H = h + 2 * pad;
  const out = new Float32Array(W * H * channels);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.max(0, y - pad));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(w - 1, Math.max(0, x - pad));
      const s = (sy * w + sx) * channels,
        d = (y * W + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = img.data[s + c];
    }
  }
  return { data: out, width: W, height: H };
}

/**
 * Rotation by `angle` degrees counter-clockwise about the image centre ((W-1)/2, (H-1)/2), nearest sampling,
 * same size (no expand), zero fill outside: torchvision's rotate on tensors (affine grid + grid_sample with
 * align_corners=false). Output pixel offset (dx, dy) from the centre reads the source at
 * (cos a * dx - sin a * dy, sin a * dx + cos a * dy), y pointing down.
 */
export function rotateNearest(img: FloatImage, angle: number, channels = 3): FloatImage {
  const { width: w, height: h } = img;
  const out = new Float32Array(img.data.length);
  // Exact values at multiples of 90 degrees, so a quarter turn is an exact rot90 (cos 90 is not 0 in floating point).
  const a = ((angle % 360) + 360) % 360;
  const rad = (a * Math.PI) / 180;
  const cos = a === 90 || a === 270 ? 0 : a === 180 ? -1 : a === 0 ? 1 : Math.cos(rad);
  const sin = a === 0 || a === 180 ? 0 : a === 90 ? 1 : a === 270 ? -1 : Math.sin(rad);
  const cx = (w - 1) / 2,
    cy = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    const dy = y - cy;
    for (let x = 0; x < w; x++) {
      const dx = x - cx;
      // grid_sample 'nearest' rounds half to even (nearbyint).
      const sx = roundHalfEven(cos * dx - sin * dy + cx);
      const sy = roundHalfEven(sin * dx + cos * dy + cy);
      if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
      const s = (sy * w + sx) * channels,
        d = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = img.data[s + c];
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * One augmentation view. `resized` is the normalised resize-only image (for 'resized' views), `cropped` the
 * normalised centre crop (for 'cropped' views). Returns a crop x crop image.
 */
export function renderView(
  view: AugmentationView,
  src: { resized?: FloatImage; cropped?: FloatImage },
  crop: number,
): FloatImage {
  if (view.source === 'cropped') {
    if (!src.cropped) throw new Error('renderView: a rotflip view needs the cropped image');
    let z = view.flip ? hflip(src.cropped) : src.cropped;
    if (view.angle !== 0) z = rotateNearest(z, view.angle);
    return z;
  }
  if (!src.resized) throw new Error('renderView: a rotXflip view needs the resize-only image');
  let z = view.flip ? hflip(src.resized) : src.resized;
  if (view.angle !== 0) z = rotateNearest(replicatePad(z, rotationPadding(crop)), view.angle);
  const { top, left } = centerCropOffsets(z.height, z.width, crop);
  return { data: cropHwc(z.data, z.width, z.height, 3, top, left, crop, crop), width: crop, height: crop };
}
