#!/usr/bin/env bash
# Reruns every paper ablation of issue 21 and publishes it under results/ (times measured on the shared 2-core machine,
# features cached; see docs/readme-fragments/ablate.md). Usage: scripts/run-ablations.sh [NAME ...]
#   NAME: variants | accuracy | similarity | baselines | noise | ksweep   (default: all but noise and ksweep)
# The noise and K sweeps are the benchmark grids (14 min and ~6 min unloaded); rerun them after changing a default.
set -euo pipefail
cd "$(dirname "$0")/.."
run() {
  case "$1" in
    variants) npx tsx scripts/ablation-tailsampler.ts ;;
    accuracy) npx tsx scripts/ablation-embedding-accuracy.ts ;;
    similarity) npx tsx scripts/ablation-class-similarity.ts ;;
    baselines)
      npm run experiment -- --config configs/synthetic-baselines.json
      scripts/publish-benchmark.sh synthetic-baselines results/ablations/baselines ;;
    noise)
      npm run experiment -- --config configs/synthetic-benchmark.json
      scripts/publish-benchmark.sh synthetic-benchmark results/benchmark ;;
    ksweep)
      npm run experiment -- --config configs/synthetic-ksweep.json
      scripts/publish-benchmark.sh synthetic-ksweep results/benchmark-ksweep ;;
    *) echo "unknown ablation \"$1\" (variants, accuracy, similarity, baselines, noise, ksweep)" >&2; exit 2 ;;
  esac
}
if [ "$#" -eq 0 ]; then set -- variants accuracy similarity baselines; fi
for name in "$@"; do run "$name"; done
