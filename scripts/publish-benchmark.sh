#!/usr/bin/env bash
# Copies the synthetic benchmark's summary tables and figures out of the git-ignored run folder into
# results/benchmark/, the committed copy that the README quotes. Run after:
#   npm run experiment -- --config configs/synthetic-benchmark.json
set -euo pipefail
cd "$(dirname "$0")/.."
src=results/synthetic-benchmark
dst=results/benchmark
for f in results.csv summary.csv summary.md summary-image-auroc.md tradeoff.png tradeoff.svg tradeoff-pixel.png config.json env.json; do
  [ -f "$src/$f" ] || { echo "missing $src/$f: run the benchmark first" >&2; exit 1; }
done
mkdir -p "$dst"
cp "$src"/{results.csv,summary.csv,summary.md,summary-image-auroc.md,tradeoff.png,tradeoff.svg,tradeoff-pixel.png,config.json,env.json} "$dst"/
echo "copied to $dst"
