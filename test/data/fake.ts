/** In-memory datasets for split and manifest tests (no files: the builders only read the lists). */
import { ClassInfo, Dataset, DatasetImage } from '../../src/data/types';

/** MVTec AD's train/good counts (docs/method.md §5.1) and a plausible anomaly count per class. */
export const MVTEC_TRAIN: Record<string, number> = {
  bottle: 209,
  cable: 224,
  capsule: 219,
  carpet: 280,
  grid: 264,
  hazelnut: 391,
  leather: 245,
  metal_nut: 220,
  pill: 267,
  screw: 320,
  tile: 230,
  toothbrush: 60,
  transistor: 213,
  wood: 247,
  zipper: 240,
};

const pad = (i: number) => String(i).padStart(3, '0');

export function fakeClass(
  name: string,
  train: number,
  anomalies: number,
  good = 5,
  defects = ['crack', 'stain'],
): ClassInfo {
  const img = (rel: string, split: 'train' | 'test', defect: string): DatasetImage => ({
    path: `/fake/${rel}`,
    rel,
    className: name,
    split,
    defect,
    label: defect === 'good' ? 0 : 1,
    ...(defect === 'good' ? {} : { maskPath: `/fake/${rel}.mask` }),
  });
  const test: DatasetImage[] = [];
  for (let d = 0; d < defects.length; d++) {
    const n = Math.floor(anomalies / defects.length) + (d < anomalies % defects.length ? 1 : 0);
    for (let i = 0; i < n; i++) test.push(img(`${name}/test/${defects[d]}/${pad(i)}.png`, 'test', defects[d]));
  }
  for (let i = 0; i < good; i++) test.push(img(`${name}/test/good/${pad(i)}.png`, 'test', 'good'));
  test.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  return {
    name,
    train: Array.from({ length: train }, (_, i) => img(`${name}/train/good/${pad(i)}.png`, 'train', 'good')),
    test,
  };
}

/** A fake MVTec AD: 15 classes with the real train counts and `anomalies` test anomalies each. */
export function fakeMvtec(anomalies = 60): Dataset {
  return {
    root: '/fake',
    classes: Object.keys(MVTEC_TRAIN)
      .sort()
      .map((n) => fakeClass(n, MVTEC_TRAIN[n], anomalies)),
  };
}
