/** From a manifest to the images a run uses: the training list in the official fixed order, and the test lists. */
import { ClassInfo, Dataset, DatasetImage, Manifest, TrainItem } from '../types';
import { InputError } from '../../util/errors';
import { sortNames } from '../layout';

function classOf(dataset: Dataset, name: string): ClassInfo {
  const c = dataset.classes.find((x) => x.name === name);
  if (!c)
    throw new InputError(
      `the manifest names class "${name}", which the dataset at ${dataset.root} does not have (classes: ${dataset.classes.map((x) => x.name).join(', ')})`,
    );
  return c;
}

function lookup(images: DatasetImage[], rel: string, what: string, dataset: Dataset): DatasetImage {
  const img = images.find((x) => x.rel === rel);
  if (!img)
    throw new InputError(
      `the manifest's ${what} "${rel}" is not in the dataset at ${dataset.root}; was the manifest built for another dataset?`,
    );
  return img;
}

/**
 * The training images of a split in the official fixed order (docs/method.md §1.1): classes alphabetical; inside a class its
 * kept good images, then its injected anomalies, each sorted. Every path is checked against the dataset.
 */
export function trainItems(dataset: Dataset, manifest: Manifest): TrainItem[] {
  const out: TrainItem[] = [];
  for (const mc of manifest.classes.slice().sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const c = classOf(dataset, mc.name);
    for (const rel of sortNames(mc.trainGood))
      out.push({ image: lookup(c.train, rel, 'training image', dataset), className: c.name, isNoise: false });
    for (const rel of sortNames(mc.injected)) {
      const img = lookup(c.test, rel, 'injected image', dataset);
      if (img.label !== 1)
        throw new InputError(
          `the manifest injects "${rel}", which is a normal test image; only anomalies can be injected as noise`,
        );
      out.push({ image: img, className: c.name, isNoise: true });
    }
  }
  return out;
}

export interface ClassTest {
  name: string;
  isTail: boolean;
  /** Test images, in dataset order. */
  images: DatasetImage[];
}

/**
 * Test images per manifest class. With the manifest option overlap=false, a class's injected anomalies are removed
 * from its test list; by default (overlap=true, the paper's protocol) the full test split is returned.
 */
export function testItems(dataset: Dataset, manifest: Manifest): ClassTest[] {
  const overlap = manifest.options.overlap !== false;
  return manifest.classes
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((mc) => {
      const c = classOf(dataset, mc.name);
      for (const rel of mc.injected) lookup(c.test, rel, 'injected image', dataset);
      const injected = new Set(mc.injected);
      return {
        name: c.name,
        isTail: mc.isTail,
        images: overlap ? c.test.slice() : c.test.filter((t) => !injected.has(t.rel)),
      };
    });
}
