/**
 * The default synthetic classes: six textures and six objects, with MVTec-like differences in size.
 * Counts: train good 60-200 (differs per class), 20 test good, 30-60 defective split over 4-5 defect types.
 */
import { ProductClass } from './product';
import { DefectType } from './defects';
import { fabric, wood, leather, mesh, tile, carpet } from './textures';
import { bottle, screw, hexNut, capsule, cable, pcb } from './objects';

export interface SynthClassSpec {
  product: ProductClass<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  train: number;
  /** Defective test images per defect type. */
  defects: Partial<Record<DefectType, number>>;
}

export const SYNTH_CLASSES: SynthClassSpec[] = [
  { product: fabric, train: 140, defects: { hole: 10, stain: 10, color: 9, scratch: 9 } },
  { product: wood, train: 100, defects: { scratch: 12, crack: 11, hole: 10, stain: 10, color: 9 } },
  { product: leather, train: 180, defects: { scratch: 10, crack: 10, hole: 9, stain: 10, color: 9 } },
  { product: mesh, train: 80, defects: { hole: 9, crack: 8, stain: 8, color: 7 } },
  { product: tile, train: 120, defects: { crack: 12, stain: 10, hole: 10, color: 10 } },
  { product: carpet, train: 160, defects: { hole: 12, stain: 12, color: 11, scratch: 10 } },
  { product: bottle, train: 110, defects: { crack: 11, stain: 11, scratch: 10, hole: 8 } },
  { product: screw, train: 200, defects: { scratch: 12, dent: 12, missing: 11, stain: 10, color: 10 } },
  { product: hexNut, train: 90, defects: { scratch: 10, dent: 10, color: 9, stain: 9 } },
  { product: capsule, train: 150, defects: { crack: 11, dent: 11, stain: 11, color: 10, scratch: 9 } },
  { product: cable, train: 70, defects: { missing: 10, misplaced: 10, crack: 9, stain: 8, color: 8 } },
  { product: pcb, train: 60, defects: { missing: 9, misplaced: 9, scratch: 8, stain: 8, color: 7 } },
];

export const SYNTH_CLASS_NAMES: string[] = SYNTH_CLASSES.map((c) => c.product.name);
