#!/usr/bin/env bash
# Copies a benchmark run's summary tables and figures out of the git-ignored run folder into a committed folder that
# the README quotes. Usage: scripts/publish-benchmark.sh [RUN] [DEST]   (defaults: synthetic-benchmark results/benchmark)
#   npm run experiment -- --config configs/synthetic-benchmark.json && scripts/publish-benchmark.sh
#   npm run experiment -- --config configs/synthetic-noise10.json && scripts/publish-benchmark.sh synthetic-noise10 results/benchmark-noise10
#   npm run experiment -- --config configs/lookalike-benchmark.json && scripts/publish-benchmark.sh lookalike-benchmark results/benchmark-lookalike
#   npm run experiment -- --config configs/photo-pareto.json && scripts/publish-benchmark.sh photo-pareto results/benchmark-photo-pareto
set -euo pipefail
cd "$(dirname "$0")/.."
src=results/${1:-synthetic-benchmark}
dst=${2:-results/benchmark}
files=(results.csv summary.csv summary.md summary-image-auroc.md tradeoff.png tradeoff.svg tradeoff-pixel.png config.json env.json)
for f in "${files[@]}"; do
  [ -f "$src/$f" ] || { echo "missing $src/$f: run the benchmark first" >&2; exit 1; }
done
mkdir -p "$dst"
for f in "${files[@]}"; do cp "$src/$f" "$dst/"; done
# What TailSampler selected per TailedCore cell (runs made before the tail records existed have none).
if [ -f "$src/tail-selection.csv" ]; then cp "$src/tail-selection.csv" "$dst/"; fi
echo "copied $src to $dst"
