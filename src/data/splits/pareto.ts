/**
 * The discrete class-size distribution of the Pareto long-tail setting (docs/method.md §5.2): a continuous Pareto law with
 * shape alpha (scipy's `pareto(b=alpha)`, support x >= 1), its [ppf(eps), ppf(1-eps)] range cut into n equal-width
 * bins, and the CDF increments of the bins normalised to sum to 1. Pure function.
 */
export function paretoPmf(n: number, alpha = 6, eps = 0.01): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`paretoPmf needs n >= 1 bins, got ${n}`);
  const cdf = (x: number) => 1 - Math.pow(x, -alpha);
  const ppf = (q: number) => Math.pow(1 - q, -1 / alpha);
  const lo = ppf(eps),
    hi = ppf(1 - eps);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = lo + ((hi - lo) * i) / n;
    const b = lo + ((hi - lo) * (i + 1)) / n;
    out[i] = cdf(b) - cdf(a);
    sum += out[i];
  }
  for (let i = 0; i < n; i++) out[i] /= sum;
  return out;
}
