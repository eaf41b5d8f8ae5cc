/**
 * The one numeric container of the kit: a row-major float32 matrix.
 * Everything numeric (features, embeddings, banks) moves as a Matrix, never as nested JS arrays.
 */
import { InputError } from '../util/errors';
import { nativeModule } from './native';

export interface Matrix {
  /** Row-major values, length rows * cols. */
  data: Float32Array;
  rows: number;
  cols: number;
}

/** The most elements one typed array holds in Node 20.20 (2^32 = 16 GiB of float32; measured here). */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32;

/** A zero-filled matrix; one larger than a typed array can hold is a clear error, not a RangeError deep inside. */
export function zeros(rows: number, cols: number): Matrix {
  if (rows * cols > MAX_TYPED_ARRAY_LENGTH) {
    const gib = ((rows * cols * 4) / 2 ** 30).toFixed(1);
    throw new InputError(
      `a ${rows} x ${cols} float32 matrix (${gib} GiB) is larger than one typed array can hold (2^32 values); ` +
        'use fewer images per fit, a smaller targetDim, or pass the bank as shards where the API takes them',
    );
  }
  return { data: new Float32Array(rows * cols), rows, cols };
}

/** Wraps existing data, checking that its length matches the shape. */
export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new InputError(`matrix shape must be non-negative integers, got ${rows}x${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new InputError(`matrix data has ${data.length} values but shape ${rows}x${cols} needs ${rows * cols}`);
  }
  return { data, rows, cols };
}

/** Builds a matrix from nested arrays (tests and notebooks only; hot code never does this). */
export function fromRows(rows: ArrayLike<number>[]): Matrix {
  const r = rows.length;
  const c = r ? rows[0].length : 0;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new InputError(`row ${i} has ${row.length} values, expected ${c}`);
    for (let j = 0; j < c; j++) m.data[i * c + j] = row[j];
  });
  return m;
}

/** A view (no copy) of row i. */
export function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Copies the given rows, in the given order, into a new matrix. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = zeros(indices.length, m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (i < 0 || i >= m.rows) throw new InputError(`row index ${i} out of range [0, ${m.rows})`);
    out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return out;
}

/** Stacks matrices with equal column counts, top to bottom. */
export function concatRows(parts: Matrix[]): Matrix {
  if (parts.length === 0) return zeros(0, 0);
  const cols = parts[0].cols;
  let rows = 0;
  for (const p of parts) {
    if (p.cols !== cols) throw new InputError(`cannot stack matrices with ${p.cols} and ${cols} columns`);
    rows += p.rows;
  }
  const out = zeros(rows, cols);
  let off = 0;
  for (const p of parts) {
    out.data.set(p.data, off);
    off += p.data.length;
  }
  return out;
}

/** assertFinite's checks but the values': the data length matches the shape, and (unless allowed) it is not empty. */
export function assertShape(m: Matrix, what: string, allowEmpty = false): void {
  if (m.data.length !== m.rows * m.cols) {
    throw new InputError(`${what}: data length ${m.data.length} does not match shape ${m.rows}x${m.cols}`);
  }
  if (!allowEmpty && (m.rows === 0 || m.cols === 0)) {
    throw new InputError(`${what} is empty (${m.rows}x${m.cols}); there is nothing to work on`);
  }
}

/**
 * Throws a clear error if the matrix is empty or holds NaN/Infinity.
 * `what` names the input in the message (e.g. "patch features").
 */
export function assertFinite(m: Matrix, what: string, allowEmpty = false): void {
  assertShape(m, what, allowEmpty);
  const d = m.data;
  const native = nativeModule();
  if (native && Number.isFinite(native.maxAbs(d))) return; // src/native/scan.cc; else the scans below name the cell
  // x * 0 is NaN exactly for NaN and ±Infinity: branch-free sums (four, so no add waits on the previous one), the
  // slow scan only to name the cell.
  let z0 = 0,
    z1 = 0,
    z2 = 0,
    z3 = 0,
    j = 0;
  for (; j + 3 < d.length; j += 4) {
    z0 += d[j] * 0;
    z1 += d[j + 1] * 0;
    z2 += d[j + 2] * 0;
    z3 += d[j + 3] * 0;
  }
  for (; j < d.length; j++) z0 += d[j] * 0;
  if (z0 + z1 + z2 + z3 === 0) return;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / m.cols);
      throw new InputError(`${what} holds a non-finite value (${d[i]}) at row ${r}, column ${i - r * m.cols}`);
    }
  }
}

/** L2-normalises each row into a new matrix (zero rows stay zero). */
export function normalizeRows(m: Matrix): Matrix {
  const out = zeros(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) s += m.data[o + j] * m.data[o + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < m.cols; j++) out.data[o + j] = m.data[o + j] * inv;
  }
  return out;
}
