/**
 * A small real run for the report tests: a four-class synthetic set (64 px, 24 training images per class) in a
 * temporary folder, the tiny ONNX CNN of test/features as backbone (32 px input), and the kit's real pipeline on
 * step K=1 x noise 0 / 0.1 x one seed x PatchCore and TailedCore (4 cells), then the run outputs (report.html).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../src/experiments/config';
import { runExperiment } from '../../src/experiments/runner';
import { kitPipeline } from '../../src/experiments/kit-pipeline';
import { writeRunOutputs, RunOutputs } from '../../src/experiments/outputs';
import { MODEL_NAMES } from '../../src/models';
import { writeTinyCnn } from '../features/tiny-onnx';

export async function smallRealRun(): Promise<{ dir: string; outputs: RunOutputs }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-report-'));
  const onnx = writeTinyCnn(path.join(tmp, 'tiny.onnx'));
  const config = resolveConfig(
    {
      run: 'small',
      resultsDir: path.join(tmp, 'results'),
      datasets: [
        {
          root: path.join(tmp, 'data'),
          name: 'synthetic',
          synthetic: true,
          syntheticOptions: {
            classes: ['bottle', 'carpet', 'screw', 'tile'],
            trainCount: 24,
            testGood: 2,
            defectsPerType: 1,
            size: 64,
            quiet: true,
          },
        },
      ],
      tailTypes: ['step'],
      ks: [1],
      noiseRatios: [0, 0.1],
      seeds: [0],
      // No augmentation views: the tail coreset of a 47-view tail is most of the fit time and nothing the report shows.
      // The paper's cut: on this tiny random-weight net TailSampler's predicted sizes all exceed the kit's tail bound of
      // 20, so guard 'bound' would select no image and the report's TailSampler thumbnails would have nothing to show.
      methods: ['patchcore', { name: 'tailedcore', options: { augmentation: null, tail: { guard: 'paper' } } }],
      features: { backbone: { onnx, intraOpNumThreads: 1 }, resize: 36, crop: 32, targetDim: 16, cacheDir: null },
    },
    MODEL_NAMES,
  );
  const s = await runExperiment(config, kitPipeline(), { quiet: true });
  return { dir: s.dir, outputs: await writeRunOutputs(s.dir) };
}
