/**
 * The kit's error types. Every problem the user can fix (a file, a folder, a dataset, a config key, a flag) is an
 * `InputError`: one line that names the file or the key path and says what to do; the CLIs exit with code 2 on it.
 * `OptionError` is the `InputError` of an option or config key and carries the key path, so a caller that passed
 * nested options can put its own path in front (`resize` -> `features.resize`).
 */

/** Bad input from the user (a file, a folder, a dataset, a matrix, an option): the message names it and says what to do. */
export class InputError extends Error {
  /** The file or folder concerned, when there is one. */
  readonly path?: string;
  /** The errno code of an I/O failure (EACCES, ENOSPC, ...), when it came from one. */
  readonly code?: string;

  constructor(message: string, details: { path?: string; code?: string } = {}) {
    super(message);
    this.name = 'InputError';
    if (details.path !== undefined) this.path = details.path;
    if (details.code !== undefined) this.code = details.code;
  }
}

/**
 * An impossible or unknown option: the message names the option by its key path. Built with a function of the key
 * path, the error can be re-issued under a parent path (`under`), which rebuilds the message with the longer path.
 */
export class OptionError extends InputError {
  /** Key path of the option, e.g. `resize`, `features.resize`, `methods[2].options.tail.thresholdType`. */
  readonly key?: string;
  private readonly render?: (key: string) => string;

  constructor(message: string | ((key: string) => string), key?: string) {
    super(typeof message === 'function' ? message(key ?? '?') : message);
    this.name = 'OptionError';
    if (key !== undefined) this.key = key;
    if (typeof message === 'function') this.render = message;
  }

  /** The same error under another name for its key, e.g. a CLI's flag (`targetDim` -> `--dim`); unchanged without a key path. */
  withKey(key: string): OptionError {
    return this.render && this.key !== undefined ? new OptionError(this.render, key) : this;
  }

  /** The same error with `prefix` in front of its key path; an error without a key path gets `prefix: ` in front. */
  under(prefix: string): OptionError {
    if (!prefix) return this;
    const e =
      this.render && this.key !== undefined
        ? new OptionError(this.render, joinKey(prefix, this.key))
        : new OptionError(`${prefix}: ${this.message}`);
    return e;
  }
}

/** A part that is planned but not built yet: never a fake result. */
export class NotYetError extends Error {
  constructor(what: string) {
    super(`not yet: ${what} is not implemented in this version of tailedcore-kit`);
    this.name = 'NotYetError';
  }
}

/** Joins key-path segments: joinKey('methods[2].options', 'tail') = 'methods[2].options.tail'; joinKey('ks', '[1]') = 'ks[1]'. */
export function joinKey(prefix: string | undefined, key: string): string {
  if (!prefix) return key;
  if (!key) return prefix;
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}

/**
 * Runs `fn` (sync or async) and re-issues any OptionError it throws under `prefix`, so options passed down as a nested
 * object report their full key path: `atKeyPath('features', () => FeatureExtractor.create(cfg.features))`.
 */
export function atKeyPath<T>(prefix: string, fn: () => T): T {
  const rethrow = (e: unknown): never => {
    throw e instanceof OptionError ? e.under(prefix) : e;
  };
  let out: T;
  try {
    out = fn();
  } catch (e) {
    return rethrow(e);
  }
  if (out instanceof Promise) return out.catch(rethrow) as T;
  return out;
}

/**
 * A value as an error message shows it: numbers plain, everything else with its JSON form and its type, so that
 * `"64"` (a string) is not mistaken for 64.
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  const json = (x: unknown) => {
    let s: string;
    try {
      s = JSON.stringify(x) ?? String(x);
    } catch {
      s = String(x);
    }
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  };
  if (typeof v === 'string') return `${json(v)} (a string)`;
  if (typeof v === 'boolean') return `${v} (a boolean)`;
  if (Array.isArray(v)) return `${json(v)} (an array)`;
  if (typeof v === 'object') return `${json(v)} (an object)`;
  return `${String(v)} (a ${typeof v})`;
}
