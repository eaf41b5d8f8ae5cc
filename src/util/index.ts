/**
 * Barrel of the bottom layer, for scripts and bench (internals: the public API in src/index.ts re-exports the few a
 * notebook needs). One line per file.
 */
export { runCli, stringFlag, intFlag, numberFlag, requiredFlag, valueFlag, withFlagNames, DATA_FLAG } from './cli';
export type { CliSpec, ParsedCli } from './cli';
export { InputError, OptionError, NotYetError } from './errors';
export { progress, NO_PROGRESS } from './progress';
export { ensureDir, writeFileAtomic } from './atomic';
export { SEED_MAX } from './options';
export { createRng } from './rng';
export type { Rng } from './rng';
export { sortKeys } from './canonical-json';
