/**
 * The notebook session (one dataset, features extracted once, then splits and fits as single calls) and the presets
 * of the demo, the synthetic benchmark and the notebooks. Sits on top of src/experiments (the same code path as the
 * grid runner).
 */
export type { Session, SessionOptions, OfficialSplitSpec } from './session';
export {
  FAST_FEATURES,
  DEMO_FEATURES,
  PAPER_FEATURES,
  FAST_CORESET_RATIO,
  DEMO_CORESET_RATIO,
  PAPER_CORESET_RATIO,
  coresetOptions,
} from './presets';
export type { NotebookSettings, NotebookScale, SyntheticSubset } from './notebook-settings';
export { openSession } from './session';
export { notebookSettings } from './notebook-settings';
