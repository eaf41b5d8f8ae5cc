/** Names and rules of the MVTec AD folder layout, shared by the loaders and the converters. */
import * as path from 'node:path';

/** Extensions (lower case) the loaders accept as images; sharp decodes all of them. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp'];

/** True for a file name with an image extension (case-insensitive: VisA ships `.JPG`). */
export function hasImageExtension(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** Hidden files (`.DS_Store`, editor swap files, our own markers) are skipped, never treated as data. */
export function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/** MVTec's mask name for a test image: ground_truth/<defect>/<stem>_mask.png. */
export function maskRelPath(className: string, defect: string, imageName: string): string {
  const stem = imageName.slice(0, imageName.length - path.extname(imageName).length);
  return `${className}/ground_truth/${defect}/${stem}_mask.png`;
}

/** Plain code-point sort, the same order as Python's sorted() on these names (the official loader order). */
export function sortNames(names: string[]): string[] {
  return names.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
