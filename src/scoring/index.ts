export { bilinearResize, bilinearAxisTaps } from './upsample';
export { gaussianBlur, gaussianKernel1d, reflectIndex } from './gaussian';
export { anomalyMap, anomalyMaps, imageMaxScores, MAP_DEFAULTS } from './maps';
export { makeMemoryBank, scorePatches } from './memory-bank';
export type { MemoryBank, PatchScores } from './memory-bank';
export type { MapOptions } from './maps';
