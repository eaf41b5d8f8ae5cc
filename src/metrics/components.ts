/**
 * 8-connected components of binary masks, image by image (scipy.ndimage.label with a 3x3 structuring element,
 * as the MVTec AUPRO reference uses). Every component of every image is one region of the whole test set.
 */
export interface Regions {
  /** Region id of each pixel (0..count-1), or -1 for background. */
  label: Int32Array;
  /** Pixel count of each region. */
  size: Int32Array;
  count: number;
}

/** Labels the regions of `imageCount` masks of width x height stored one after another (values 0/1, already checked). */
export function labelRegions8(masks: ArrayLike<number>, width: number, height: number): Regions {
  const plane = width * height;
  const total = masks.length;
  const label = new Int32Array(total).fill(-1);
  const sizes: number[] = [];
  const stack = new Int32Array(plane);
  for (let base = 0; base < total; base += plane) {
    for (let p = 0; p < plane; p++) {
      if (masks[base + p] !== 1 || label[base + p] !== -1) continue;
      const id = sizes.length;
      let size = 0;
      let top = 0;
      stack[top++] = p;
      label[base + p] = id;
      while (top > 0) {
        const cur = stack[--top];
        size++;
        const y = (cur / width) | 0;
        const x = cur - y * width;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= width || (dx === 0 && dy === 0)) continue;
            const q = yy * width + xx;
            if (masks[base + q] === 1 && label[base + q] === -1) {
              label[base + q] = id;
              stack[top++] = q;
            }
          }
        }
      }
      sizes.push(size);
    }
  }
  return { label, size: Int32Array.from(sizes), count: sizes.length };
}
