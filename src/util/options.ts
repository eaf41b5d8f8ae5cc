import { OptionError } from './errors';

/**
 * Merges user options over documented defaults. Unknown keys are errors (a typo must never be silently ignored,
 * cf. SoftPatch's dropped --lof_k). `where` names the function or class for the message.
 */
export function resolveOptions<T extends object>(defaults: T, given: Partial<T> | undefined, where: string): T {
  const out = { ...defaults };
  if (given === undefined || given === null) return out;
  if (typeof given !== 'object') throw new OptionError(`${where}: options must be an object`);
  for (const key of Object.keys(given)) {
    if (!(key in defaults)) {
      const known = Object.keys(defaults).join(', ');
      throw new OptionError(`${where}: unknown option "${key}" (known options: ${known})`);
    }
    const v = (given as Record<string, unknown>)[key];
    if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

/** Throws unless `value` is a finite number in the given range. */
export function checkRange(name: string, value: number, min: number, max: number, opts: { minOpen?: boolean; maxOpen?: boolean; integer?: boolean } = {}): void {
  const bad =
    typeof value !== 'number' || !Number.isFinite(value) ||
    (opts.integer && !Number.isInteger(value)) ||
    (opts.minOpen ? value <= min : value < min) ||
    (opts.maxOpen ? value >= max : value > max);
  if (bad) {
    const lo = opts.minOpen ? '(' : '[';
    const hi = opts.maxOpen ? ')' : ']';
    throw new OptionError(`option ${name} must be ${opts.integer ? 'an integer ' : ''}in ${lo}${min}, ${max}${hi}, got ${String(value)}`);
  }
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(name: string, value: string, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new OptionError(`option ${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
}
