/**
 * The argument check of the library's entry points that take a Matrix: a plain or nested array, a tensor, or a
 * Matrix whose data does not match its shape is named (function and argument) instead of failing as a TypeError
 * deep inside.
 */
import { describeValue, InputError } from '../util/errors';
import type { Matrix } from './matrix';

export function checkMatrixArg(m: unknown, arg: string, fn: string): asserts m is Matrix {
  const o = m as Partial<Matrix> | null;
  const ok =
    o !== null &&
    typeof o === 'object' &&
    o.data instanceof Float32Array &&
    Number.isInteger(o.rows) &&
    Number.isInteger(o.cols) &&
    (o.rows as number) >= 0 &&
    (o.cols as number) >= 0;
  if (!ok) {
    const hint = Array.isArray(m) ? ' (for an array of rows use fromRows(rows))' : '';
    throw new InputError(
      `${fn}: argument ${arg} must be a Matrix {data: Float32Array, rows, cols} (row-major)${hint}, got ${describeValue(m)}`,
    );
  }
  if (o.data!.length !== o.rows! * o.cols!)
    throw new InputError(
      `${fn}: argument ${arg} holds ${o.data!.length} values but its shape is ${o.rows}x${o.cols} (${o.rows! * o.cols!} values)`,
    );
}
