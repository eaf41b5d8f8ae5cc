/**
 * Long-tail noisy split builders, following the official generator's semantics (docs/method.md §5.2-5.3).
 * The draws use the kit's seeded Rng, not Python's `random`, so a seed here does not give the official seed's split:
 * for the paper's exact splits load the official manifests (`loadOfficialManifest`).
 */
import { Dataset, Manifest, ManifestClass, ClassInfo } from '../types';
import { OptionError } from '../../util/errors';
import { createRng, Rng } from '../../util/rng';
import { sortNames } from '../layout';
import { ParetoNoiseCap, SplitOptions, SplitSpec, manifestOptions, resolveSplitOptions } from './options';
import { paretoPmf } from './pareto';
import { roundHalfEven } from './round';
import { checkNoiseShortfall } from './noise-check';

const anomaliesOf = (c: ClassInfo) => c.test.filter((t) => t.label === 1).map((t) => t.rel);

/** `count` relative paths drawn at random, sorted. */
function pick(rng: Rng, rels: string[], count: number): string[] {
  return sortNames(count >= rels.length ? rels : rng.sample(rels, count));
}

/** Step tail: round(#classes * tailRatio) random tail classes keep K images; head classes keep all and get noise. */
function stepClasses(dataset: Dataset, o: SplitOptions, rng: Rng): ManifestClass[] {
  const names = dataset.classes.map((c) => c.name);
  const nTail = roundHalfEven(names.length * o.tailRatio);
  if (nTail < 1 || nTail >= names.length) {
    throw new OptionError(
      `option tailRatio=${o.tailRatio} gives ${nTail} tail classes of ${names.length}; it must leave at least one tail and one head class`,
    );
  }
  for (const c of dataset.classes) {
    if (o.k > c.train.length)
      throw new OptionError(`option k=${o.k} is larger than class "${c.name}"'s ${c.train.length} training images`);
  }
  const tail = new Set(rng.fork('tail-classes').sample(names, nTail));
  return dataset.classes.map((c) => {
    const isTail = tail.has(c.name);
    const train = c.train.map((t) => t.rel);
    if (isTail) return { name: c.name, isTail, trainGood: pick(rng.fork(`keep/${c.name}`), train, o.k), injected: [] };
    const anomalies = anomaliesOf(c);
    const nNoise = Math.min(anomalies.length, roundHalfEven(o.noiseRatio * train.length));
    return {
      name: c.name,
      isTail,
      trainGood: sortNames(train),
      injected: pick(rng.fork(`noise/${c.name}`), anomalies, nNoise),
    };
  });
}

/** Kept size per class under the Pareto setting (pure given the shuffled PMF). */
export function paretoSizes(trainCounts: number[], pmf: ArrayLike<number>, minSize: number): number[] {
  let arg = 0;
  for (let i = 1; i < pmf.length; i++) if (pmf[i] > pmf[arg]) arg = i;
  const factor = trainCounts[arg] / pmf[arg];
  // Clamped to >= minSize as the official code, and to the class's own count (the official code would
  // ask for more images than exist only if a class had fewer than minSize; we keep all of them instead).
  return trainCounts.map((n, i) => Math.min(n, Math.max(minSize, roundHalfEven(pmf[i] * factor))));
}

/**
 * Spreads `total` noise images over classes: a list with one class label per kept image (eligible classes only),
 * shuffled, consumed in order. Pure given the rng.
 * cap 'official': every draw counts until `total` draws are made, then each class is capped at its anomaly count
 * (so fewer than `total` may be placed), as the official generator does. cap 'redistribute': a class whose anomalies
 * are used up is skipped and the draw goes on, so exactly min(total, all anomalies) are placed.
 * Deviation: with total = 0 nothing is drawn (the official loop checks its counter only after a draw, so it would
 * never stop and would give every eligible image).
 */
export function spreadNoise(
  kept: number[],
  anomalies: number[],
  eligible: boolean[],
  total: number,
  rng: Rng,
  cap: ParetoNoiseCap = 'official',
): number[] {
  const labels: number[] = [];
  kept.forEach((n, i) => {
    if (eligible[i]) for (let j = 0; j < n; j++) labels.push(i);
  });
  const counts = kept.map(() => 0);
  let placed = 0;
  for (const i of rng.shuffle(labels)) {
    if (placed >= total) break;
    if (cap === 'official') {
      counts[i]++;
      placed++;
    } else if (counts[i] < anomalies[i]) {
      counts[i]++;
      placed++;
    }
  }
  return cap === 'official' ? counts.map((c, i) => Math.min(c, anomalies[i])) : counts;
}

function paretoClasses(dataset: Dataset, o: SplitOptions, rng: Rng): ManifestClass[] {
  const cls = dataset.classes;
  const pmf = rng.fork('pmf').shuffle(Array.from(paretoPmf(cls.length, o.paretoAlpha)));
  const sizes = paretoSizes(
    cls.map((c) => c.train.length),
    pmf,
    o.paretoMin,
  );
  const anomalies = cls.map(anomaliesOf);
  const totalKept = sizes.reduce((a, b) => a + b, 0);
  const noise = spreadNoise(
    sizes,
    anomalies.map((a) => a.length),
    sizes.map((s) => s >= o.paretoNoiseMinClass),
    roundHalfEven(o.noiseRatio * totalKept),
    rng.fork('noise-labels'),
    o.paretoNoiseCap,
  );
  return cls.map((c, i) => ({
    name: c.name,
    isTail: sizes[i] <= o.tailMaxCount,
    trainGood: pick(
      rng.fork(`keep/${c.name}`),
      c.train.map((t) => t.rel),
      sizes[i],
    ),
    injected: pick(rng.fork(`noise/${c.name}`), anomalies[i], noise[i]),
  }));
}

/** Builds a long-tail noisy split of a dataset; see SplitOptions for the settings (defaults = the paper's). */
export function buildSplit(dataset: Dataset, spec?: SplitSpec): Manifest {
  const o = resolveSplitOptions(spec);
  if (dataset.classes.length < 2) {
    throw new OptionError(
      `a long-tail split needs at least 2 classes; the dataset at ${dataset.root} has ${dataset.classes.length}`,
    );
  }
  const rng = createRng(`split/${o.tailType}/${o.seed}`);
  const classes = o.tailType === 'step' ? stepClasses(dataset, o, rng) : paretoClasses(dataset, o, rng);
  classes.sort((a, b) => (a.name < b.name ? -1 : 1));
  const realised = checkNoiseShortfall(o, classes);
  const recorded = manifestOptions(o);
  if (realised !== null) Object.assign(recorded, { noiseShortfall: 'allow', realisedNoiseRatio: realised });
  return { seed: o.seed, options: recorded, classes };
}
