/**
 * TailSampler accuracy with the kit's default embedding on a small generated long-tail set (look-alike family,
 * 8 classes: 3 woods, 2 weaves, 2 screws, a brass nut; step K=1; 10 % noise), at a reduced input (128 px images,
 * embedding pass 128 -> 112 instead of 256 -> 224) so that it runs in seconds. The floor is stated below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSynthetic } from '../../src/data/synth';
import { loadDataset } from '../../src/data/mvtec';
import { buildSplit, trainItems } from '../../src/data/splits';
import { readRgb } from '../../src/data/images';
import { selectTfBackend } from '../../src/features/backend';
import {
  ImageEmbedder,
  KIT_DEFAULT_EMBEDDING,
  EmbeddingSpec,
  resolveEmbedding,
  validateEmbeddingSpec,
} from '../../src/features/embedding-pass';
import { tailSampler } from '../../src/sampling/tail-sampler';
import { tailAccuracy, splitTruth } from '../../src/report/tail-accuracy';
import { OptionError } from '../../src/util/errors';

/** Floor: at most 1 of the 5 tail images missed and at most 1 of the 3 injected anomalies taken as tail. */
const MAX_MISSING_TAIL_PCT = 20;
const MAX_INCL_ANOMALY_PCT = 34;

test('TailSampler finds the tail of a small look-alike long-tail set with the default embedding', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-embtail-'));
  try {
    const root = path.join(tmp, 'data');
    await generateSynthetic({
      out: root,
      family: 'lookalike',
      seed: 0,
      size: 128,
      trainCount: 24,
      testGood: 1,
      defectsPerType: 1,
      quiet: true,
      classes: [
        'wood_oak',
        'wood_walnut',
        'wood_pine',
        'weave_blue',
        'weave_grey',
        'screw_steel',
        'screw_short',
        'nut_brass',
      ],
    });
    const ds = loadDataset(root);
    const items = trainItems(ds, buildSplit(ds, { tailType: 'step', k: 1, noiseRatio: 0.1, seed: 0 }));
    const { trueSizes, isNoise } = splitTruth(items);
    assert.equal(trueSizes.filter((s) => s === 1).length, 5);
    await selectTfBackend({ quiet: true });
    const images = await Promise.all(items.map((t) => readRgb(t.image.path)));
    const measure = async (spec: EmbeddingSpec) => {
      const emb = await ImageEmbedder.create(spec);
      try {
        const E = await emb.embed(images);
        assert.equal(E.rows, items.length);
        assert.equal(E.cols, emb.dim);
        const r = await tailSampler(E);
        const sel = new Uint8Array(items.length);
        for (const i of r.tailIndices) sel[i] = 1;
        // True tail here = the one-image classes (the heads have 24-26 images).
        return tailAccuracy(trueSizes, sel, isNoise, r.classSizes, 1);
      } finally {
        emb.dispose();
      }
    };
    const small = { resize: 128, crop: 112 };
    const kit = await measure({ ...KIT_DEFAULT_EMBEDDING, ...small });
    const previous = await measure({
      ...small,
      flip: false,
      parts: [{ net: 'mobilenetv2', layer: 'block_10_expand_relu', pool: 'max' }],
    });
    for (const [name, a] of [
      ['kit default', kit],
      ['previous default', previous],
    ] as const) {
      console.log(
        `# look-alike step K=1 (n=${items.length}), ${name}: missing tail ${a.missingTailPct.toFixed(1)} %, included anomalies ${a.inclAnomalyPct.toFixed(1)} %, selected ${a.selected}`,
      );
    }
    assert.ok(
      kit.missingTailPct <= MAX_MISSING_TAIL_PCT,
      `missing tail ${kit.missingTailPct.toFixed(1)} % > ${MAX_MISSING_TAIL_PCT} %`,
    );
    assert.ok(
      kit.inclAnomalyPct <= MAX_INCL_ANOMALY_PCT,
      `included anomalies ${kit.inclAnomalyPct.toFixed(1)} % > ${MAX_INCL_ANOMALY_PCT} %`,
    );
    assert.ok(
      kit.missingTailPct <= previous.missingTailPct,
      'the kit default misses no more tail images than the previous default',
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('embedding specs are validated and named choices resolve as documented', () => {
  validateEmbeddingSpec(KIT_DEFAULT_EMBEDDING);
  assert.throws(
    () =>
      validateEmbeddingSpec({
        ...KIT_DEFAULT_EMBEDDING,
        parts: [{ net: 'mobilenetv2', layer: 'block_16_project', pool: 'max' }],
      }),
    /not a tap/,
  );
  assert.throws(
    () =>
      validateEmbeddingSpec({ ...KIT_DEFAULT_EMBEDDING, parts: [{ net: 'resnet' as never, layer: 'x', pool: 'max' }] }),
    OptionError,
  );
  assert.throws(
    () => validateEmbeddingSpec({ ...KIT_DEFAULT_EMBEDDING, pooling: 'max' } as never),
    /unknown key "pooling"/,
  );
  assert.throws(() => validateEmbeddingSpec({ ...KIT_DEFAULT_EMBEDDING, crop: 300, resize: 256 }), /crop/);
  const bundledMax = {
    id: 'mobilenetv2-imagenet-block10@d5e07e62dcd7',
    embeddingLayer: 'block_10_expand_relu',
    embeddingPool: 'max',
  } as never;
  const onnxAvg = { id: 'onnx:abc', embeddingLayer: 'avgpool' } as never;
  const g = { resize: 256, crop: 224 };
  assert.equal(
    resolveEmbedding('mobilenet-max', bundledMax, g).spec,
    null,
    'the previous default comes free from the patch pass',
  );
  assert.deepEqual(resolveEmbedding('mobilenet-max', onnxAvg, g).spec?.parts, [
    { net: 'mobilenetv2', layer: 'block_10_expand_relu', pool: 'max' },
  ]);
  assert.equal(resolveEmbedding('paper', onnxAvg, g).description.pools, 'avg');
  assert.throws(() => resolveEmbedding('paper', bundledMax, g), /average pool/);
  assert.deepEqual(resolveEmbedding('kit-default', onnxAvg, g).spec, KIT_DEFAULT_EMBEDDING);
  assert.equal(resolveEmbedding('backbone', onnxAvg, g).description.source, 'patch backbone');
  assert.throws(() => resolveEmbedding('fancy' as never, onnxAvg, g), OptionError);
});
