/**
 * tailedcore-kit public API: what notebooks and scripts import.
 * Each folder has one job; this file only re-exports their barrels. Compiled into dist/ (the notebooks' one entry,
 * `../dist`), it first refuses to run when src/ has changed since that build (see util/build-info).
 */
import { assertFreshBuild } from './util/build-info';

assertFreshBuild(__dirname);

export * from './linalg';
export * from './util/rng';
export * from './util/errors';
export * from './util/options';
export * from './util/progress';
export * from './data';
export * from './features';
export * from './sampling';
export * from './scoring';
export * from './models';
export * from './metrics';
export * from './results';
export * from './experiments';
export * from './report';
export * from './plots';
