/**
 * results.csv (long format): one row per cell x class x metric. Formatting and parsing only; how a run writes its
 * rows durably (parts, cells log, checksums, merge) is in src/experiments/parts.ts and merge.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../util/errors';
import { csvField, splitCsvLine } from '../util/csv';

export const RESULT_COLUMNS = [
  'run',
  'dataset',
  'tail_type',
  'k',
  'noise_ratio',
  'seed',
  'method',
  'class',
  'is_tail',
  'train_count',
  'noise_count',
  'metric',
  'value',
] as const;

export interface ResultRow {
  run: string;
  dataset: string;
  tail_type: string;
  /** Shots per tail class; null for Pareto (written as an empty field). */
  k: number | null;
  noise_ratio: number;
  seed: number;
  method: string;
  class: string;
  is_tail: boolean;
  train_count: number;
  noise_count: number;
  metric: string;
  /** NaN when the metric is undefined for the class (e.g. no anomalous pixel); written as "NaN". */
  value: number;
}

export const RESULTS_FILE = 'results.csv';

/** One CSV line (with newline) for a row. Numbers keep full precision. */
export function formatRow(r: ResultRow): string {
  const vals = [
    r.run,
    r.dataset,
    r.tail_type,
    r.k === null ? '' : String(r.k),
    String(r.noise_ratio),
    String(r.seed),
    r.method,
    r.class,
    r.is_tail ? 'true' : 'false',
    String(r.train_count),
    String(r.noise_count),
    r.metric,
    Number.isNaN(r.value) ? 'NaN' : String(r.value),
  ];
  return vals.map(csvField).join(',') + '\n';
}

export const RESULTS_HEADER = RESULT_COLUMNS.join(',') + '\n';

function parseNumber(s: string, what: string, file: string, line: number): number {
  if (s === 'NaN') return NaN;
  const v = Number(s);
  if (s === '' || !Number.isFinite(v))
    throw new InputError(
      `${file}:${line}: column ${what} is not a number (${JSON.stringify(s)}); the file is corrupt, delete the run folder and rerun`,
    );
  return v;
}

/** Parses results.csv text. A torn last line (no final newline) is ignored. */
export function parseResults(text: string, file = RESULTS_FILE): ResultRow[] {
  const lines = text.split('\n');
  if (!text.endsWith('\n'))
    lines.pop(); // torn last line
  else lines.pop(); // the empty string after the final newline
  if (lines.length === 0) return [];
  if (lines[0] !== RESULT_COLUMNS.join(',')) {
    throw new InputError(
      `${file}: header is not "${RESULT_COLUMNS.join(',')}"; this is not a tailedcore-kit results file`,
    );
  }
  const rows: ResultRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const f = splitCsvLine(lines[i]);
    if (f.length !== RESULT_COLUMNS.length)
      throw new InputError(`${file}:${i + 1}: expected ${RESULT_COLUMNS.length} fields, got ${f.length}`);
    rows.push({
      run: f[0],
      dataset: f[1],
      tail_type: f[2],
      k: f[3] === '' ? null : parseNumber(f[3], 'k', file, i + 1),
      noise_ratio: parseNumber(f[4], 'noise_ratio', file, i + 1),
      seed: parseNumber(f[5], 'seed', file, i + 1),
      method: f[6],
      class: f[7],
      is_tail: f[8] === 'true',
      train_count: parseNumber(f[9], 'train_count', file, i + 1),
      noise_count: parseNumber(f[10], 'noise_count', file, i + 1),
      metric: f[11],
      value: parseNumber(f[12], 'value', file, i + 1),
    });
  }
  return rows;
}

/** Reads results.csv from a file path or a run folder. */
export function readResults(fileOrDir: string): ResultRow[] {
  const file =
    fs.existsSync(fileOrDir) && fs.statSync(fileOrDir).isDirectory() ? path.join(fileOrDir, RESULTS_FILE) : fileOrDir;
  if (!fs.existsSync(file))
    throw new InputError(`results file not found: ${file}; run \`npm run experiment -- --config FILE\` first`);
  return parseResults(fs.readFileSync(file, 'utf8'), file);
}

/** The cell key a row belongs to (same format as grid.cellKey). */
export function rowCellKey(r: ResultRow): string {
  return `${r.dataset}|${r.tail_type}|${r.k ?? ''}|${r.noise_ratio}|${r.seed}|${r.method}`;
}
