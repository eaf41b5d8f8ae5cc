/**
 * tailedcore-kit's public API: what a notebook or a script needs, by name, one line each. Everything else is an
 * internal, reachable from its folder's barrel (`src/<folder>`, documented there); scripts and bench use these same
 * doors (lint). Compiled into dist/ (the notebooks' one entry, `../dist`), it first refuses to run when src/ has
 * changed since that build (see util/build-info). docs/architecture.md lists the same names (a test keeps them equal).
 */
import { assertFreshBuild } from './util/build-info';

assertFreshBuild(__dirname);

// ---- session: one dataset, features once, then splits and fits as single calls
export {
  /** Opens a session on one dataset: every image's features extracted (or read from the cache) once. */
  openSession,
  /** The notebooks' dataset, features and results folder at the 'full' or 'fast' scale. */
  notebookSettings,
  /** Feature settings of the synthetic benchmark (64 -> 56 px). */
  FAST_FEATURES,
  /** Feature settings of `npm run demo` (128 -> 112 px). */
  DEMO_FEATURES,
  /** The paper's feature settings (256 -> 224 px). */
  PAPER_FEATURES,
  /** Per-method options that set the coreset ratio (both banks of a method with a tail branch). */
  coresetOptions,
} from './session';
export type {
  /** What openSession returns: split(), officialSplit(), evaluate(), dispose(). */
  Session,
  /** openSession's options (root, synthetic, features, kind). */
  SessionOptions,
  /** An authors' manifest of the session's dataset: a seed folder, or the folder plus the cell. */
  OfficialSplitSpec,
} from './session';

// ---- data: datasets in MVTec layout, generated sets, the authors' manifests
export {
  /** Loads a dataset in MVTec layout (class/train/good, class/test/<defect>, class/ground_truth). */
  loadDataset,
  /** Loads a dataset and validates it (every image decodes; masks binary, sized, none missing). */
  openDataset,
  /** Writes a synthetic industrial dataset in MVTec layout, byte-identical per seed. */
  generateSynthetic,
  /** Converts VisA to the MVTec layout with its 1cls split. */
  convertVisa,
  /** Loads one authors' manifest folder (prune_good.txt, inject_defects.txt) as a split. */
  loadOfficialManifest,
  /** Loads the authors' manifest of one cell (setting, K, seed) from their manifest folder. */
  loadOfficialSplit,
} from './data';
export type {
  /** A loaded dataset: its root and classes with train and test images. */
  Dataset,
  /** One image of a dataset (path, label, mask). */
  DatasetImage,
  /** A split: per class the kept training images and the injected anomalies, and the options that made it. */
  Manifest,
  /** generateSynthetic's options (out, seed, family, size, ...). */
  SynthOptions,
} from './data';

// ---- splits: long-tail noisy training sets
export {
  /** Draws a long-tail noisy split (step or Pareto tail, noise ratio, seed) of a dataset. */
  buildSplit,
  /** Every split option's default (the paper's). */
  SPLIT_DEFAULTS,
  /** The benchmark's tail rule: a class with at most this many training images is tail (20). */
  TAIL_MAX_COUNT,
  /** "step K=1", "pareto": the setting's label in tables and figures. */
  settingLabel,
  /** The per-class table of a split (kept, injected, tail). */
  formatSplitTable,
  /** Writes a split's manifest (JSON, atomic). */
  writeManifest,
  /** Reads a manifest written by writeManifest. */
  readManifest,
  /** A split's training images in the fixed training order, with their classes. */
  trainItems,
  /** Each class's test images under a split (injected images kept or dropped). */
  testItems,
  /** The true class, tail flag and noise flag of each training image of a split. */
  trainTruth,
} from './data/splits';
export type {
  /** One split as notebooks, the session and the runner ask for it (tail type, K, noise ratio, seed, ...). */
  SplitSpec,
  /** Every split option, resolved. */
  SplitOptions,
  /** 'step' or 'pareto'. */
  TailType,
} from './data/splits';

// ---- features
export {
  /** Extracts patch features and the TailSampler embedding of images (bundled or ONNX backbone, cached by content). */
  FeatureExtractor,
  /** A backbone by spec: a bundled name or an ONNX export with its output names. */
  loadBackbone,
} from './features';
export type {
  /** The feature options as configs and the session give them (backbone as a spec). */
  FeatureOptions,
  /** Which image embedding TailSampler sees ('kit-default', 'paper', 'mobilenet-max', ...). */
  EmbeddingChoice,
} from './features';

// ---- TailSampler
export {
  /** TailSampler: the images of few-shot classes, from the symmetry of embedding similarities. */
  tailSampler,
  /** TailSampler options by the official constructor names ('ada_trim_min-mode', 'symmin', 'double_max_step'). */
  tailSamplerPreset,
  /** From one predicted class size per image to the tail images (histogram, elbow, percentile cap). */
  predictFewShot,
} from './sampling';
export type {
  /** TailSampler's options (threshold type, vote, percentile cap). */
  TailSamplerOptions,
  /** TailSampler's output: class sizes, tail indices, max K, elbow, cap. */
  TailSamplerResult,
} from './sampling';

// ---- models
export {
  /** A method by name with options typed for that name (completion in notebooks). */
  createModel,
  /** createModel for names and options from a JSON config (checked at run time). */
  createModelFrom,
  /** Every method name createModel accepts. */
  MODEL_NAMES,
  /** Label, colour, tail branch, ablation parent of a method name; null for an unregistered name. */
  methodInfo,
  /** PatchCore (repo version): coreset of all patches, 1-NN. */
  PatchCore,
  /** SoftPatch (repo version): LOF-denoised coreset, LOF-weighted scores. */
  SoftPatch,
  /** TailedCore: LOF-denoised head bank plus a TailSampler tail bank with augmented views. */
  TailedCore,
} from './models';
export type {
  /** A registered method name. */
  ModelName,
  /** The options each method name takes. */
  ModelOptionsByName,
  /** A method with its label and typed options, as a grid or session.evaluate takes it. */
  MethodSpec,
  /** What every method implements: fit(), predict(), dispose(). */
  AnomalyModel,
  /** What fit() takes: patch features, image embeddings, class names, augmented views. */
  TrainFeatures,
  /** What predict() returns: image scores and anomaly maps. */
  Prediction,
  /** PatchCore's options. */
  PatchCoreOptions,
  /** SoftPatch's options. */
  SoftPatchOptions,
  /** TailedCore's options (tail branch, augmentation, denoising, coreset ratios, ...). */
  TailedCoreOptions,
} from './models';

// ---- metrics
export {
  /** Image AUROC, pixel AUROC, AUPRO and F1-max of one class's test set. */
  evaluateClass,
  /** AUROC of scores against binary labels (ties counted half). */
  auroc,
  /** Pixel AUROC of anomaly maps against masks. */
  pixelAuroc,
  /** AUPRO (area under the per-region overlap curve up to FPR 0.3). */
  aupro,
  /** F1-max over every threshold. */
  f1Max,
  /** The four metric names, in results.csv order. */
  METRIC_NAMES,
  /** Each metric's title in tables and figures. */
  METRIC_TITLES,
} from './metrics';
export type {
  /** 'image_auroc' | 'pixel_auroc' | 'aupro' | 'f1_max'. */
  MetricName,
} from './metrics';

// ---- results, summaries, figures
export {
  /** Reads a run's results.csv (a file or a run folder). */
  readResults,
} from './results';
export type {
  /** One row of results.csv (long format: one class x metric per row). */
  ResultRow,
} from './results';
export {
  /** Per setting x method: class means, then mean and std over seeds, for all / head / tail classes. */
  summarizeResults,
  /** The summary as a Markdown table. */
  summaryMarkdown,
  /** One split's per-class metrics as a Markdown table. */
  perClassMarkdown,
  /** Writes a run's summary.md and summary.csv. */
  writeSummary,
  /** The authors' TailSampler measures: missing tail %, included anomaly %, included head %, accuracy, MCC. */
  tailAccuracy,
  /** Writes a run's report.html: one self-contained interactive page (figures, TailSampler, anomaly maps). */
  writeReport,
  /** The report, or some of its sections, as an iframe to show inline in a notebook. */
  reportFrame,
} from './report';
export {
  /** The tail-versus-noise trade-off figure. */
  plotTradeoff,
  /** Per-class metric figure. */
  plotPerClass,
  /** TailSampler's predicted against true class sizes. */
  plotTailSampler,
  /** A split's class sizes. */
  plotClassSizes,
  /** Image, mask outline and anomaly map panels. */
  plotHeatmaps,
  /** The highest- and lowest-scored test images of each class, for plotHeatmaps. */
  heatmapItems,
  /** An SVG figure as PNG bytes (for display in a notebook). */
  svgToPng,
  /** A Vega-Lite spec rendered headless to SVG. */
  renderSvg,
  /** The K-sweep figure's spec: a metric against the tail size K, per method, head and tail classes. */
  kSweepSpec,
  /** The TailSampler variants figure's spec: missing tail against included anomalies, per threshold type and vote. */
  tailSamplerVariantsSpec,
  /** The embedding-quality figure's spec: image AUROC against the embedding's accuracy (oracle curve, real embeddings). */
  embeddingAccuracySpec,
  /** The class-similarity figure's spec: same- and different-class similarity distributions per embedding. */
  classSimilaritySpec,
  /** The bias figure's spec: tail-class against noisy-head-class image AUROC, one point per method. */
  biasSpec,
} from './plots';

// ---- experiment grid
export {
  /** Checks a config and fills in its defaults; every error names the key. */
  resolveConfig,
  /** Runs a grid (resumable, shardable) into results/<run>/. */
  runExperiment,
  /** The folder of a run. */
  runDir,
  /** The real binding of the runner to the kit (tests pass a fake). */
  kitPipeline,
  /** Every config default. */
  EXPERIMENT_DEFAULTS,
} from './experiments';
export type {
  /** An experiment config (one JSON file): datasets, tail types, Ks, noise ratios, methods, seeds, features. */
  ExperimentConfig,
} from './experiments';

// ---- small things every caller needs
export {
  /** A seeded random stream (seedrandom); fork it per stage. */
  createRng,
  /** Bad input: names the file and what to do (exit code 2). */
  InputError,
  /** A bad option: names the key path (exit code 2). */
  OptionError,
} from './util';
export type {
  /** The seeded random stream. */
  Rng,
} from './util';
export {
  /** A zero-filled Matrix (Float32Array, row-major). */
  zeros,
} from './linalg';
export type {
  /** The kit's numbers: a Float32Array with rows and cols, row-major. */
  Matrix,
} from './linalg';
