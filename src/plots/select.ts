/** Picks test images of a fitted split for heatmap figures. */
import type { SplitEvaluation } from '../results/evaluation';
import type { HeatmapItem } from './heatmap';
import { InputError } from '../util/errors';

export interface HeatmapSelection {
  /** Classes to draw from. @default every class */
  classes?: string[];
  /** Anomalous images per class, highest image score first. @default 1 */
  perClass?: number;
  /** Add one normal image per class too. @default false */
  withNormal?: boolean;
}

/** Heatmap items (image path, map, mask) from an evaluation made with keepPredictions: true. */
export function heatmapItems(
  ev: SplitEvaluation,
  sel: HeatmapSelection = {},
): { items: HeatmapItem[]; mapSize: number; labels: string[] } {
  const per = sel.perClass ?? 1;
  const items: HeatmapItem[] = [];
  const labels: string[] = [];
  let mapSize = 0;
  for (const c of ev.classes) {
    if (sel.classes && !sel.classes.includes(c.name)) continue;
    const p = c.prediction;
    if (!p)
      throw new InputError(
        'heatmapItems: the evaluation has no predictions; call evaluate(..., { keepPredictions: true })',
      );
    mapSize = p.mapSize;
    const px = p.mapSize * p.mapSize;
    const order = Array.from(c.test.labels.keys()).sort((a, b) => p.imageScores[b] - p.imageScores[a]);
    const pick = order.filter((i) => c.test.labels[i] === 1).slice(0, per);
    if (sel.withNormal) {
      const nrm = order.find((i) => c.test.labels[i] === 0);
      if (nrm !== undefined) pick.push(nrm);
    }
    for (const i of pick) {
      items.push({
        image: c.test.paths[i],
        map: p.maps.subarray(i * px, (i + 1) * px),
        mask: c.test.masks ? c.test.masks.subarray(i * px, (i + 1) * px) : null,
      });
      labels.push(`${c.name}: ${c.test.images[i].rel} (score ${p.imageScores[i].toFixed(3)})`);
    }
  }
  return { items, mapSize, labels };
}
