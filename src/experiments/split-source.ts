/**
 * Where a grid cell's training split comes from: the authors' manifest for seed NN when the dataset names an
 * `officialManifests` folder, else a split drawn by the kit's builder. Plus the checks of both, and of the backbone,
 * that run in preflight (before any feature is extracted).
 */
import type { Dataset, Manifest } from '../data/types';
import { detectBenchmark, loadOfficialSplit, officialManifestDir } from '../data/official';
import { checkBackbone } from '../features/backbones/registry';
import { OptionError } from '../util/errors';
import type { ResolvedConfig, ResolvedDataset } from './config';
import { distinctSplits, expandGrid, splitSpecOf } from './grid';
import type { SplitKey } from './grid';
import { checkMvtecLayout } from './layout';
import type { Pipeline } from './pipeline';

/** The split of one cell: official manifest seedNN (its noise ratio must be the cell's) or a drawn one. */
export async function splitForCell(
  config: ResolvedConfig,
  pipeline: Pipeline,
  entry: ResolvedDataset,
  dataset: Dataset,
  cell: Pick<SplitKey, 'tailType' | 'k' | 'noiseRatio' | 'seed'>,
): Promise<Manifest> {
  if (entry.officialManifests === null) {
    const m = await pipeline.buildSplit(dataset, splitSpecOf(config, cell));
    // A cell's rows, its id, the summary and the figure names all carry the ratio asked for: a split that realises
    // another one (split option noiseShortfall "allow") would be labelled with a setting that did not happen.
    const realised = m.options.realisedNoiseRatio;
    if (typeof realised === 'number')
      throw new OptionError(
        `noise ${cell.noiseRatio} cannot be met (the split realises ${realised}); a grid labels every row with its noise ratio, so split option noiseShortfall "allow" is not usable here: set "noiseRatios" to a ratio the data can supply`,
      );
    return m;
  }
  const m = loadOfficialSplit(entry.officialManifests, dataset, { tail: cell.tailType, k: cell.k, seed: cell.seed });
  const ratio = m.options.noiseRatio as number;
  if (ratio !== cell.noiseRatio) {
    throw new OptionError(
      `dataset "${entry.name}": the official manifest ${officialManifestDir(entry.officialManifests, cell.tailType, cell.k, cell.seed)} has noise ratio ${ratio}, ` +
        `but the config asks for ${cell.noiseRatio}; the authors' manifests fix it (0.1 MVTec, 0.05 VisA): set ${entry.noiseRatios === config.noiseRatios ? '"noiseRatios"' : `datasets[].noiseRatios of "${entry.name}"`} to [${ratio}]`,
    );
  }
  return m;
}

/**
 * Preflight, before any work:
 * - each dataset whose class folders are VisA's (or MVTec's) has a matching kind, so VisA never runs with rotXflip by accident;
 * - with officialManifests, every (tail type, K, seed) of the grid has its seedNN folder, every listed file is in
 *   the dataset, and its noise ratio is the one the config asks for;
 * - an ONNX backbone loads, has the named outputs, and they have the right rank (one blank image at the crop size).
 */
export async function preflightSources(config: ResolvedConfig, pipeline: Pipeline): Promise<void> {
  for (const [i, d] of config.datasets.entries()) {
    if (d.synthetic) continue;
    const classes = checkMvtecLayout(d.root);
    const bench = detectBenchmark(classes);
    if (bench === 'visa' && (d.kind === 'mvtec' || d.kind === 'synthetic')) {
      throw new OptionError(
        `datasets[${i}] ("${d.name}", ${d.root}) holds VisA's classes but its kind is "${d.kind}"; set "kind": "visa" (the official VisA config uses rotflip: VisA images are not square) or "kind": "other" to keep the augmentation given`,
      );
    }
    if (bench === 'mvtec' && d.kind === 'visa') {
      throw new OptionError(
        `datasets[${i}] ("${d.name}", ${d.root}) holds MVTec AD's classes but its kind is "visa"; set "kind": "mvtec"`,
      );
    }
    if (d.officialManifests === null) continue;
    const dataset = await pipeline.loadDataset(d.root);
    for (const cell of distinctSplits(expandGrid(config).filter((c) => c.dataset === d)))
      await splitForCell(config, pipeline, d, dataset, cell);
  }
  const backbone = config.features.backbone;
  if (backbone !== undefined && typeof backbone === 'object') {
    const crop = config.features.crop ?? 224;
    const backend = config.features.backend;
    await checkBackbone(backbone, { crop, quiet: true, ...(backend !== undefined ? { backend } : {}) });
  }
}
