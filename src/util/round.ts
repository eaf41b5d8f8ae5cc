/**
 * Round half to even (Python's round(), numpy/torch rounding): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0.
 * The one copy in the kit: split sizes, crop offsets and TailSampler's class histogram all use it.
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // JS rounds halves up (towards +Infinity)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
