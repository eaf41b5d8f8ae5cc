/**
 * tailedcore-kit public API: what notebooks and scripts import.
 * Each folder has one job; this file only re-exports.
 */
export * from './linalg';
export * from './util/rng';
export * from './util/errors';
export { greedyCoreset, CORESET_DEFAULTS } from './sampling/coreset';
export type { CoresetOptions } from './sampling/coreset';
