/**
 * The embedding-quality ablation (spec §6.6, the authors' ablation_accuracy figure): a noisy oracle image embedding
 * whose class accuracy is set, and one accuracy measure that applies to the oracle and to real embeddings alike.
 * The authors trained a ResNet-18 classifier for a varying number of iterations; the kit controls the accuracy directly.
 */
import { Matrix, zeros } from '../linalg/matrix';
import { InputError } from '../util/errors';
import { Rng } from '../util/rng';

/**
 * One row per image: the one-hot vector of its assigned class plus 0.05·|N(0, 1)| on every dimension (non-negative
 * like an average pool; no two rows identical). Each image keeps its true class with probability `accuracy`, else it is
 * assigned one of the other classes uniformly. Returns the embedding and the assigned class index per image.
 */
export function noisyOracleEmbedding(
  classNames: readonly string[],
  accuracy: number,
  rng: Rng,
  jitter = 0.05,
): { embeddings: Matrix; assigned: Int32Array; classes: string[] } {
  if (!(accuracy >= 0 && accuracy <= 1))
    throw new InputError(`noisyOracleEmbedding: accuracy ${accuracy} is not in [0, 1]`);
  const classes = [...new Set(classNames)].sort();
  const C = classes.length;
  if (C < 2) throw new InputError('noisyOracleEmbedding needs at least 2 classes');
  const index = new Map(classes.map((c, i) => [c, i]));
  const n = classNames.length;
  const e = zeros(n, C);
  const assigned = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = index.get(classNames[i])!;
    let a = t;
    if (rng.next() >= accuracy) {
      a = rng.int(C - 1);
      if (a >= t) a++;
    }
    assigned[i] = a;
    for (let c = 0; c < C; c++) e.data[i * C + c] = (c === a ? 1 : 0) + jitter * Math.abs(rng.normal());
  }
  return { embeddings: e, assigned, classes };
}

/**
 * Nearest-class-mean accuracy of an embedding on the chosen images: each image is assigned the class whose mean
 * L2-normalised embedding (over all of that class's images, itself included, as a classifier trained on them) has the
 * highest cosine with it. For the oracle this is about its set accuracy; for a real embedding it says how well the
 * embedding separates the classes where it matters (few-shot and injected images).
 */
export function nearestClassMeanAccuracy(
  embeddings: Matrix,
  classNames: readonly string[],
  which: ArrayLike<boolean>,
): number {
  const n = embeddings.rows;
  if (classNames.length !== n || which.length !== n)
    throw new InputError(
      `nearestClassMeanAccuracy: ${n} rows, ${classNames.length} class names, ${which.length} flags`,
    );
  const D = embeddings.cols;
  const unit = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < D; c++) s += embeddings.data[i * D + c] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < D; c++) unit[i * D + c] = embeddings.data[i * D + c] * inv;
  }
  const classes = [...new Set(classNames)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const means = new Float64Array(classes.length * D);
  for (let i = 0; i < n; i++) {
    const k = index.get(classNames[i])!;
    for (let c = 0; c < D; c++) means[k * D + c] += unit[i * D + c];
  }
  for (let k = 0; k < classes.length; k++) {
    let s = 0;
    for (let c = 0; c < D; c++) s += means[k * D + c] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < D; c++) means[k * D + c] *= inv;
  }
  let total = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (!which[i]) continue;
    total++;
    let best = -Infinity;
    let bk = -1;
    for (let k = 0; k < classes.length; k++) {
      let s = 0;
      for (let c = 0; c < D; c++) s += unit[i * D + c] * means[k * D + c];
      if (s > best) {
        best = s;
        bk = k;
      }
    }
    if (bk === index.get(classNames[i])) correct++;
  }
  if (total === 0) throw new InputError('nearestClassMeanAccuracy: no image chosen');
  return correct / total;
}
