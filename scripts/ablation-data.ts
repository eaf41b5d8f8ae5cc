/**
 * What the ablation scripts share: the family list flag (name=root pairs), the three long-tail settings, and the
 * training-set embeddings of a drawn split taken from one extraction of every image of a family (feature cache).
 */
import { openDataset } from '../src/data';
import { buildSplit, trainItems } from '../src/data/splits';
import type { Dataset, TrainItem } from '../src/data';
import { FeatureExtractor, FeatureExtractorOptions } from '../src/features';
import { Matrix, zeros } from '../src/linalg';
import { OptionError } from '../src/util';

/** The generated families the kit ships data for; `--families` takes these names or name=root pairs. */
export const KNOWN_FAMILIES: Record<string, string> = {
  synthetic: 'data/synthetic',
  lookalike: 'data/synth-lookalike',
};

export interface Family {
  name: string;
  root: string;
}

/** "synthetic,lookalike" or "synthetic,mine=data/my-family": a new family is one more list entry. */
export function parseFamilies(list: string): Family[] {
  const out = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const eq = s.indexOf('=');
      if (eq > 0) return { name: s.slice(0, eq), root: s.slice(eq + 1) };
      const root = KNOWN_FAMILIES[s];
      if (!root)
        throw new OptionError(
          `--families: unknown family "${s}"; use one of ${Object.keys(KNOWN_FAMILIES).join(', ')} or name=DIR`,
        );
      return { name: s, root };
    });
  if (!out.length) throw new OptionError('--families: give at least one family');
  return out;
}

export interface Setting {
  label: string;
  tail: 'step' | 'pareto';
  k?: number;
}
/** The paper's three long-tail settings. */
export const SETTINGS: Setting[] = [
  { label: 'step K=1', tail: 'step', k: 1 },
  { label: 'step K=4', tail: 'step', k: 4 },
  { label: 'pareto', tail: 'pareto' },
];

/** Every image of a family that can be a training image (train/good and the test anomalies noise may inject). */
export function candidatePaths(ds: Dataset): string[] {
  return [...new Set(ds.classes.flatMap((c) => [...c.train, ...c.test].map((i) => i.path)))];
}

/** A family's image embeddings, extracted once (cached), and a way to cut a split's training rows out of them. */
export interface FamilyEmbeddings {
  ds: Dataset;
  E: Matrix;
  /** The image path of each row of E. */
  paths: string[];
  /** The training items of a split and their embedding rows. */
  split(setting: Setting, noiseRatio: number, seed: number): { items: TrainItem[]; X: Matrix };
}

export async function familyEmbeddings(
  family: Family,
  options: FeatureExtractorOptions,
  dataset?: Dataset,
): Promise<FamilyEmbeddings> {
  const ds = dataset ?? (await openDataset(family.root));
  const fx = await FeatureExtractor.create(options);
  let E: Matrix;
  const paths = candidatePaths(ds);
  try {
    E = (await fx.extract(paths)).embeddings;
  } finally {
    fx.dispose();
  }
  const row = new Map(paths.map((p, i) => [p, i]));
  return {
    ds,
    E,
    paths,
    split(setting, noiseRatio, seed) {
      const items = trainItems(
        ds,
        buildSplit(ds, {
          tailType: setting.tail,
          ...(setting.k !== undefined ? { k: setting.k } : {}),
          noiseRatio,
          seed,
        }),
      );
      const X = zeros(items.length, E.cols);
      items.forEach((t, i) => {
        const r = row.get(t.image.path)!;
        X.data.set(E.data.subarray(r * E.cols, (r + 1) * E.cols), i * E.cols);
      });
      return { items, X };
    },
  };
}
