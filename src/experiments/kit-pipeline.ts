/**
 * The real binding of the runner's Pipeline to the kit: src/data (datasets, splits, synthetic set), src/features
 * (FeatureExtractor, masks), src/models (createModelForCell) and src/metrics (evaluateClass). f1_max is the
 * image-level F1-max.
 */
import { openDataset } from '../data/validate';
import { buildSplit, trainItems } from '../data/splits';
import { generateSynthetic } from '../data/synth';
import { FeatureExtractor, extractMaskBatch, tfBackendForMetadata } from '../features';
import { loadBackbone } from '../features/backbones/registry';
import { createModelForCell, MODEL_NAMES } from '../models';
import { evaluateClass } from '../metrics';
import type { Pipeline } from './pipeline';
import { atKeyPath } from '../util/errors';

/** The kit's pipeline. Masks are cut with the extractor's resize/crop (passed in), so they line up with the maps. */
export function kitPipeline(): Pipeline {
  return {
    modelNames: MODEL_NAMES,
    async generateSynthetic(root, options) {
      await generateSynthetic({ ...options, out: root });
    },
    async loadDataset(root) {
      // Loads and validates (every image decodes; masks binary, of their image's size, none missing or orphaned).
      return openDataset(root);
    },
    buildSplit(dataset, spec) {
      return buildSplit(dataset, spec);
    },
    trainPaths(dataset, manifest) {
      const items = trainItems(dataset, manifest);
      return { paths: items.map((t) => t.image.path), classNames: items.map((t) => t.className) };
    },
    async createExtractor(options) {
      // The runner prints one progress line for the whole dataset; the extractor's own per-chunk lines are noise there.
      // features.backbone is a name or an ONNX spec (src/features/backbones/registry); the extractor wants the Backbone.
      // Errors name the config key path: "option features.resize must be ...".
      const { backbone, backend, ...rest } = options;
      return atKeyPath('features', async () =>
        backbone === undefined
          ? FeatureExtractor.create({ quiet: true, ...rest, backend })
          : FeatureExtractor.create({
              quiet: true,
              ...rest,
              backbone: await atKeyPath('backbone', () => loadBackbone(backbone, { backend, quiet: true })),
            }),
      );
    },
    createModel(name, options, ctx) {
      return createModelForCell(name, options, ctx);
    },
    async loadMasks(images, geometry) {
      return extractMaskBatch(
        images.map((im) => im.maskPath ?? null),
        { resize: geometry.resize, crop: geometry.crop },
      );
    },
    evaluateClass({ labels, imageScores, masks, maps, mapSize }) {
      const m = evaluateClass({ labels, imageScores, masks, maps, width: mapSize, height: mapSize });
      // Pixel metrics are undefined for a class without anomalous pixels: NaN, left out of the means.
      return { image_auroc: m.image_auroc, pixel_auroc: m.pixel_auroc ?? NaN, aupro: m.aupro ?? NaN, f1_max: m.f1_max };
    },
    backend() {
      return tfBackendForMetadata() ?? 'none';
    },
  };
}
