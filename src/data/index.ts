/** The data layer: MVTec-layout loading, VisA conversion, official manifests, synthetic data and long-tail noisy splits. */
export { loadDataset, allImages } from './mvtec';
export { validateImages, openDataset } from './validate';
export { convertVisa, parseVisaCsv } from './visa';
export type { VisaOptions, VisaRow } from './visa';
export {
  loadOfficialManifest,
  loadOfficialSplit,
  officialManifestDir,
  officialSettingName,
  officialSeedFolder,
  parseOfficialSetting,
  inferNoiseRatio,
  detectBenchmark,
  MVTEC_CLASSES,
  VISA_CLASSES,
} from './official';
export * from './splits';
export * from './synth';
export { readRgb, readMask, writePng } from './images';
export type { RgbImage, DatasetImage, ClassInfo, Dataset, Manifest, ManifestClass, TrainItem } from './types';
export type { LoadOptions } from './mvtec';
export type { ValidateOptions } from './validate';
export type { OfficialManifestOptions } from './official';
export { IMAGE_EXTENSIONS } from './layout';
export type { Mask } from './images';
