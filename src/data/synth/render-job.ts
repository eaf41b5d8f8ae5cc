/**
 * One image of the generated set, rendered from its place in the set alone: the pixels depend only on the seed, the
 * class, the split, the defect and the index (each job has its own rng stream; the noise tables come from the seed),
 * so a job renders to the same bytes on the main thread or on any worker.
 */
import { createRng } from '../../util/rng';
import { Noise } from './noise';
import { renderSample, Sample } from './render';
import { DefectType } from './defects';
import { FAMILY_CLASSES, SynthFamily } from './families';

export interface RenderJob {
  /** Class name (product.name) in the family. */
  name: string;
  split: 'train' | 'test';
  defect: DefectType | 'good';
  index: number;
}

/** The seed's noise tables: built once per thread and only read afterwards. */
export function synthNoise(seed: number): Noise {
  return new Noise(createRng(`synth/${seed}/noise`));
}

export function renderJob(family: SynthFamily, seed: number, size: number, noise: Noise, job: RenderJob): Sample {
  const cls = FAMILY_CLASSES[family].find((c) => c.product.name === job.name);
  if (!cls) throw new Error(`synthetic family ${family} has no class ${job.name}`);
  const rng = createRng(`synth/${seed}/${job.name}/${job.split}/${job.defect}/${job.index}`);
  return renderSample(cls.product, noise, rng, size, job.defect === 'good' ? undefined : job.defect);
}
