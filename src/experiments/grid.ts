/**
 * Expands a resolved config into the ordered list of grid cells. Pure: no I/O.
 * Order: dataset, tail type, K, noise ratio, seed, method; so the cells that share one split (and its fitted
 * features) run next to each other.
 */
import type { ResolvedConfig, ResolvedDataset, ResolvedMethod } from './config';
import type { SplitSpec } from '../data/splits/options';
import type { AugmentationType } from '../models/types';

/**
 * The split part of a cell: its dataset and the SplitSpec keys that vary over the grid (K null for Pareto). With the
 * config's tailRatio, overlap and split extras it is the cell's SplitSpec (splitSpecOf).
 */
export interface SplitKey extends Required<Pick<SplitSpec, 'tailType' | 'noiseRatio' | 'seed'>> {
  dataset: ResolvedDataset;
  /** Shots per tail class; null for Pareto (no K). */
  k: number | null;
}

/** The SplitSpec of a cell: the config's split extras, tailRatio and overlap, and the cell's own keys. */
export function splitSpecOf(
  config: ResolvedConfig,
  cell: Pick<SplitKey, 'tailType' | 'k' | 'noiseRatio' | 'seed'>,
): SplitSpec {
  return {
    ...config.split,
    tailRatio: config.tailRatio,
    overlap: config.overlap,
    tailType: cell.tailType,
    k: cell.k,
    noiseRatio: cell.noiseRatio,
    seed: cell.seed,
  };
}

/** One cell per distinct split of a grid, in grid order (for work done once per split). */
export function distinctSplits(cells: readonly Cell[]): Cell[] {
  const seen = new Map<string, Cell>();
  for (const c of cells) {
    const id = splitId(c);
    if (!seen.has(id)) seen.set(id, c);
  }
  return [...seen.values()];
}

export interface Cell extends SplitKey {
  method: ResolvedMethod;
  augmentation: AugmentationType;
  /** A stable id: the key of this cell in the cells log. */
  key: string;
}

/** The id of a split (shared by the cells of every method on it). */
export function splitId(
  s: Pick<SplitKey, 'tailType' | 'k' | 'noiseRatio' | 'seed'> & { dataset: { name: string } },
): string {
  return `${s.dataset.name}|${s.tailType}|${s.k ?? ''}|${s.noiseRatio}|${s.seed}`;
}

export function cellKey(s: SplitKey, methodLabel: string): string {
  return `${splitId(s)}|${methodLabel}`;
}

export function expandGrid(config: ResolvedConfig): Cell[] {
  const cells: Cell[] = [];
  for (const dataset of config.datasets) {
    for (const tailType of config.tailTypes) {
      // Pareto has no K: one setting, not one per K.
      const ks: (number | null)[] = tailType === 'step' ? config.ks : [null];
      for (const k of ks) {
        for (const noiseRatio of dataset.noiseRatios) {
          for (const seed of config.seeds) {
            const split: SplitKey = { dataset, tailType, k, noiseRatio, seed };
            for (const method of config.methods) {
              cells.push({
                ...split,
                method,
                augmentation: dataset.augmentation[tailType],
                key: cellKey(split, method.label),
              });
            }
          }
        }
      }
    }
  }
  return cells;
}
