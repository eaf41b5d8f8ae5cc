/** Python's round(): halves go to the even neighbour. The official split builder uses it (e.g. round(0.1*245) = 24). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
