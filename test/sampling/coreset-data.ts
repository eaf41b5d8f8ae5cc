/** Seeded test banks for the coreset tests (shared by the sequential and the parallel k-center tests). */
import { Rng } from '../../src/util/rng';
import { Matrix, zeros } from '../../src/linalg/matrix';

/** Tight blobs of very different sizes and spreads, like patch features of a long-tailed set. */
export function clustered(rng: Rng, rows: number, cols: number): Matrix {
  const centres = new Float32Array(12 * cols);
  for (let i = 0; i < centres.length; i++) centres[i] = 10 * rng.normal();
  const m = zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    const c = Math.min(11, Math.floor(-Math.log(1 - rng.next()) * 3)); // skewed cluster sizes
    const spread = 0.02 * (c + 1);
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = centres[c * cols + j] + spread * rng.normal();
  }
  return m;
}

/** Small-integer coordinates with many duplicate rows: lots of exactly equal distances (ties). */
export function ties(rng: Rng, rows: number, cols: number): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.int(3);
  for (let i = 0; i < rows / 4; i++) {
    const a = rng.int(rows),
      b = rng.int(rows);
    m.data.copyWithin(a * cols, b * cols, (b + 1) * cols);
  }
  return m;
}
