/** Shared data types: images, datasets in the MVTec layout, and split manifests. */

/** An 8-bit RGB image, HWC, row-major (what sharp's raw output gives). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** One image of a dataset in the MVTec layout. */
export interface DatasetImage {
  /** Absolute path. */
  path: string;
  /** Path relative to the dataset root, with forward slashes (what manifests store). */
  rel: string;
  className: string;
  split: 'train' | 'test';
  /** 'good' for normal images, else the defect folder name. */
  defect: string;
  /** 0 normal, 1 anomalous. */
  label: 0 | 1;
  /** Absolute path of the ground-truth mask (anomalous test images only). */
  maskPath?: string;
}

export interface ClassInfo {
  name: string;
  /** train/good images, sorted by file name. */
  train: DatasetImage[];
  /** test images, folders then files sorted. */
  test: DatasetImage[];
}

/** A dataset root in the MVTec layout; classes sorted alphabetically (the official loader order). */
export interface Dataset {
  root: string;
  classes: ClassInfo[];
}

/** One class of a long-tail noisy split. */
export interface ManifestClass {
  name: string;
  isTail: boolean;
  /** Relative paths (from the dataset root) of the train/good images kept. */
  trainGood: string[];
  /** Relative paths of test anomalies of this class copied into training (noise). */
  injected: string[];
}

/** A long-tail noisy split: data, not code. Same inputs and seed give a byte-identical JSON file. */
export interface Manifest {
  seed: number;
  options: Record<string, unknown>;
  classes: ManifestClass[];
}

/** One training image of a split, in the fixed training order (classes alphabetical, good then injected, sorted). */
export interface TrainItem {
  image: DatasetImage;
  className: string;
  /** True when this is an injected test anomaly (noise). */
  isNoise: boolean;
}
