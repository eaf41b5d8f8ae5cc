/**
 * The generated families and their classes, in one place for the generator and its render workers
 * (a worker looks a class up by family and name, since class objects cannot cross threads).
 */
import { SYNTH_CLASSES, SynthClassSpec } from './classes';
import { LOOKALIKE_CLASSES } from './lookalike';
import { PHOTO_CLASSES } from './photo';

/**
 * Generated families: 'default' (the kit's 12 classes), 'lookalike' (look-alike classes, coloured light; ./lookalike)
 * and 'photo' (strong variation inside each class: zoom, rotation, light, wear; ./photo).
 */
export type SynthFamily = 'default' | 'lookalike' | 'photo';
export const SYNTH_FAMILIES: readonly SynthFamily[] = ['default', 'lookalike', 'photo'];
export const FAMILY_CLASSES: Record<SynthFamily, SynthClassSpec[]> = {
  default: SYNTH_CLASSES,
  lookalike: LOOKALIKE_CLASSES,
  photo: PHOTO_CLASSES,
};
