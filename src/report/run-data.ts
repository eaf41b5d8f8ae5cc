/** Everything the HTML report reads from a run folder: config, environment, fingerprints, results and cell details. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readResults, ResultRow, rowCellKey } from '../results/results-file';
import { CellDetails, FeatureStageRecord, readRunDetails } from '../results/cell-details';
import { InputError } from '../util/errors';
import { splitCsvLine } from '../util/csv';
import { summarizeResults, SummaryRow } from './summary';

export interface RunData {
  dir: string;
  /** Run name (the folder name). */
  name: string;
  config: Record<string, unknown> | null;
  env: Record<string, unknown> | null;
  fingerprint: { config?: string; datasets?: Record<string, { id?: string; files?: number; root?: string }> } | null;
  results: ResultRow[];
  summary: SummaryRow[];
  /** Details of the cells in results.csv (cells without a details file are absent). */
  details: CellDetails[];
  featureStages: FeatureStageRecord[];
  /** Details files that could not be read. */
  problems: string[];
  /** <run>/tail-selection.csv (per-cell tail selection counts) when the runner wrote one, as read: header and rows. */
  tailSelection: { columns: string[]; rows: string[][] } | null;
}

/** A small CSV file as header + rows, or null when absent or empty. */
function readCsv(file: string): { columns: string[]; rows: string[][] } | null {
  if (!fs.existsSync(file)) return null;
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  if (lines.length === 0) return null;
  return { columns: splitCsvLine(lines[0]), rows: lines.slice(1).map(splitCsvLine) };
}

function readJson(file: string): Record<string, unknown> | null {
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new InputError(`${file} is not valid JSON; the run folder is damaged`);
  }
}

/** Reads a run folder with a results.csv (after a run or a merge). */
export function readRunData(dir: string): RunData {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new InputError(`run folder not found: ${dir}; pass --run results/<run> (a folder holding results.csv)`);
  const results = readResults(dir);
  if (results.length === 0)
    throw new InputError(`${path.join(dir, 'results.csv')} has no rows yet; run (or merge) the experiment first`);
  // Grid order (results.csv is written in it), so sections list splits and methods as the config does.
  const order = new Map<string, number>();
  for (const r of results) if (!order.has(rowCellKey(r))) order.set(rowCellKey(r), order.size);
  const d = readRunDetails(dir);
  return {
    dir,
    name: path.basename(path.resolve(dir)),
    config: readJson(path.join(dir, 'config.json')),
    env: readJson(path.join(dir, 'env.json')),
    fingerprint: readJson(path.join(dir, 'fingerprint.json')) as RunData['fingerprint'],
    results,
    summary: summarizeResults(results),
    details: [...d.cells.values()]
      .filter((c) => order.has(c.cell))
      .sort((a, b) => order.get(a.cell)! - order.get(b.cell)!),
    featureStages: d.features,
    problems: d.problems,
    tailSelection: readCsv(path.join(dir, 'tail-selection.csv')),
  };
}
