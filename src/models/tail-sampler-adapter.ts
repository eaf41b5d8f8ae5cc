/**
 * The models' one door to TailSampler (src/sampling/tail-sampler, owned by the samplers' engineer).
 * It is loaded lazily so that the models build and test before that module lands; until then the real tail
 * path throws a NotYetError (the oracle tail works without it).
 */
import { Matrix } from '../linalg/matrix';
import { NotYetError } from '../util/errors';

/** What TailSampler returns (spec §2.4): each image's predicted class size, the selected tail images, the cut maxK. */
export interface TailSampleResult {
  classSizes: Float32Array;
  tailIndices: Int32Array;
  maxK: number;
}

/** Options passed straight through to tailSampler (thresholdType, vote, percentile, ...); it validates them. */
export type TailSamplerPassThrough = Record<string, unknown>;

type TailSamplerFn = (embeddings: Matrix, options?: TailSamplerPassThrough) => Promise<TailSampleResult>;

function loadTailSampler(): TailSamplerFn {
  let mod: { tailSampler?: TailSamplerFn };
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    mod = require('../sampling/tail-sampler');
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes('tail-sampler')) {
      throw new NotYetError('TailSampler (src/sampling/tail-sampler.ts); use tail: \'oracle\' or tail: null meanwhile');
    }
    throw e;
  }
  if (typeof mod.tailSampler !== 'function') throw new NotYetError('tailSampler export of src/sampling/tail-sampler');
  return mod.tailSampler;
}

/** Runs TailSampler on the image embeddings. */
export async function runTailSampler(embeddings: Matrix, options: TailSamplerPassThrough): Promise<TailSampleResult> {
  return loadTailSampler()(embeddings, options);
}
