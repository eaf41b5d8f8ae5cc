/**
 * Options objects: defaults merged with what the caller gave, unknown keys refused, values range-checked.
 * Every message names the option by its key path (`resize`, or `features.resize` when a prefix is given or when a
 * caller re-issues the error with `atKeyPath`) and shows the offending value with its type (`"64" (a string)`).
 */
import { OptionError, describeValue, joinKey } from './errors';

/**
 * Merges user options over documented defaults. Unknown keys are errors (a typo must never be silently ignored,
 * cf. SoftPatch's dropped --lof_k). `where` names the function or class for the message; `keyPath` is the path of
 * this options object inside a larger config (e.g. `methods[2].options.tail`), put in front of every key named.
 */
export function resolveOptions<T extends object>(
  defaults: T,
  given: Partial<T> | undefined,
  where: string,
  keyPath?: string,
): T {
  const out = { ...defaults };
  if (given === undefined || given === null) return out;
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new OptionError(
      (k) => `${where}: options${k ? ` ${k}` : ''} must be an object, got ${describeValue(given)}`,
      keyPath ?? '',
    );
  }
  for (const key of Object.keys(given)) {
    if (!(key in defaults)) {
      const known = Object.keys(defaults).join(', ');
      throw new OptionError((k) => `${where}: unknown option "${k}" (known options: ${known})`, joinKey(keyPath, key));
    }
    const v = (given as Record<string, unknown>)[key];
    if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

/** Range flags of checkRange. */
export interface RangeOptions {
  minOpen?: boolean;
  maxOpen?: boolean;
  integer?: boolean;
}

/** Throws unless `value` is a finite number in the given range. `name` is the option's key path. */
export function checkRange(
  name: string,
  value: unknown,
  min: number,
  max: number,
  opts: RangeOptions = {},
): asserts value is number {
  const bad =
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (opts.integer && !Number.isInteger(value)) ||
    (opts.minOpen ? value <= min : value < min) ||
    (opts.maxOpen ? value >= max : value > max);
  if (bad) {
    const lo = opts.minOpen ? '(' : '[';
    const hi = opts.maxOpen ? ')' : ']';
    throw new OptionError(
      (k) =>
        `option ${k} must be ${opts.integer ? 'an integer ' : ''}in ${lo}${min}, ${max}${hi}, got ${describeValue(value)}`,
      name,
    );
  }
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    const got = typeof value === 'string' ? `"${value}"` : describeValue(value);
    throw new OptionError((k) => `option ${k} must be one of ${allowed.join(', ')}, got ${got}`, name);
  }
}

/**
 * Seeds are integers in [0, 2^53 - 1] everywhere in the kit (configs, split and synth options, CLI flags). Negative
 * seeds are refused rather than accepted because the official code seeds numpy (`np.random.seed`, which takes only
 * 0 <= seed < 2^32) and torch with them, and the experiment config already refused them: one rule, one message.
 */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

/** Throws unless `value` is a seed (an integer in [0, SEED_MAX]). */
export function checkSeed(name: string, value: unknown): asserts value is number {
  checkRange(name, value, 0, SEED_MAX, { integer: true });
}
