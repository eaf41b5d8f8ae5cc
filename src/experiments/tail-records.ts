/**
 * What the tail branch selected in each cell (issue 17): one CSV line per cell with a TailSampler tail branch, in
 * each part folder (tail-selection.csv) and merged into the run folder, so a slow or bad cell can be explained from
 * the records: selected images against the true tail, max K, the elbow, the guard, and the tail bank's rows against
 * what the true tail would give.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset, Manifest } from '../data/types';
import { trainItems } from '../data/splits';
import { splitTruth, tailAccuracy } from '../report/tail-accuracy';
import { writeFileAtomic } from '../util/atomic';
import { csvField, splitCsvLine } from '../util/csv';

export const TAIL_RECORDS_FILE = 'tail-selection.csv';

export const TAIL_RECORD_COLUMNS = [
  'cell',
  'method',
  'train_images',
  'true_tail',
  'selected',
  'selected_true_tail',
  'missing_tail_pct',
  'incl_anomaly_pct',
  'incl_head_pct',
  'max_k',
  'paper_max_k',
  'k_elbow',
  'guard',
  'tail_bank_rows',
  'true_tail_bank_rows',
] as const;
export type TailRecord = Record<(typeof TAIL_RECORD_COLUMNS)[number], string | number>;

/** The fit diagnostics a TailSampler tail branch leaves (MemoryBankModel.info; see src/models/memory-bank-model.ts). */
interface TailInfo {
  tailImageIndices: Int32Array;
  maxK: number | null;
  kElbow: number | null;
  paperMaxK: number | null;
  tailGuard: string | null;
  tailCandidateRows: number;
}

/** The record of one cell, or null when its model has no TailSampler tail branch (PatchCore, SoftPatch, oracle). */
export function tailRecordOf(
  cell: string,
  method: string,
  model: unknown,
  dataset: Dataset,
  manifest: Manifest,
  tailMaxCount: number,
): TailRecord | null {
  let info: TailInfo;
  try {
    info = (model as { info: TailInfo }).info;
  } catch {
    return null; // not fitted
  }
  if (!info || info.maxK === null || info.maxK === undefined) return null;
  const items = trainItems(dataset, manifest);
  const { trueSizes, isNoise } = splitTruth(items);
  const sel = new Uint8Array(items.length);
  for (const i of info.tailImageIndices) sel[i] = 1;
  const a = tailAccuracy(trueSizes, sel, isNoise, undefined, tailMaxCount);
  const rowsPerImage = a.selected > 0 ? info.tailCandidateRows / a.selected : 0;
  return {
    cell,
    method,
    train_images: items.length,
    true_tail: a.trueTail,
    selected: a.selected,
    selected_true_tail: a.trueTail - Math.round((a.missingTailPct * a.trueTail) / 100),
    missing_tail_pct: round1(a.missingTailPct),
    incl_anomaly_pct: round1(a.inclAnomalyPct),
    incl_head_pct: round1(a.inclHeadPct),
    max_k: info.maxK,
    paper_max_k: info.paperMaxK ?? '',
    k_elbow: info.kElbow ?? '',
    guard: info.tailGuard ?? '',
    tail_bank_rows: info.tailCandidateRows,
    true_tail_bank_rows: Math.round(rowsPerImage * a.trueTail),
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Appends one record to a part folder's file (header first). */
export function appendTailRecord(partDir: string, r: TailRecord): void {
  const file = path.join(partDir, TAIL_RECORDS_FILE);
  const head = fs.existsSync(file) ? '' : TAIL_RECORD_COLUMNS.join(',') + '\n';
  fs.appendFileSync(file, head + TAIL_RECORD_COLUMNS.map((c) => csvField(String(r[c]))).join(',') + '\n');
}

/**
 * Merges the parts' records into the run folder, one line per cell of `cellOrder` (a recomputed cell's last record
 * wins). Writes nothing when no part has records.
 */
export function mergeTailRecords(runDir: string, partDirs: string[], cellOrder: string[]): void {
  const byCell = new Map<string, string>();
  for (const d of partDirs) {
    const f = path.join(d, TAIL_RECORDS_FILE);
    if (!fs.existsSync(f)) continue;
    for (const line of fs.readFileSync(f, 'utf8').split('\n').slice(1)) {
      if (!line) continue;
      byCell.set(splitCsvLine(line)[0], line);
    }
  }
  if (byCell.size === 0) return;
  const lines = cellOrder.filter((c) => byCell.has(c)).map((c) => byCell.get(c)! + '\n');
  writeFileAtomic(path.join(runDir, TAIL_RECORDS_FILE), TAIL_RECORD_COLUMNS.join(',') + '\n' + lines.join(''));
}
