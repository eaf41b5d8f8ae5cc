/**
 * A part: the rows one writer (one shard; a single process is shard 0 of 1) commits, in
 * <run>/parts/<index>-of-<count>/{results.csv, cells.log}, under that part's lock.
 *
 * A finished cell is committed in two durable appends: all of its rows to results.csv, then one line to cells.log
 * recording the cell id, its row count, the sha256 of its rows' text and the config and dataset fingerprints it was
 * computed under. Reading a part trusts a cell only when its rows are all there and match the checksum: a torn or
 * cut row, a row edited by hand or rows of a cell killed before its log line make that cell "not done", and it is
 * recomputed in full, never half-kept.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendFileDurable, writeFileAtomic } from '../util/atomic';
import { InputError } from '../util/errors';
import { formatRow, parseResults, RESULTS_HEADER, ResultRow, rowCellKey } from '../results/results-file';

export const PARTS_DIR = 'parts';
export const PART_RESULTS = 'results.csv';
export const CELLS_LOG = 'cells.log';
export const PART_LOCK = 'lock';

/** One line of cells.log. */
export interface CellRecord {
  /** Cell id (grid.cellKey). */
  cell: string;
  /** Number of rows committed for the cell. */
  rows: number;
  /** sha256 (hex) of the cell's rows exactly as written to results.csv. */
  sha256: string;
  /** Fingerprint of the config the cell was computed under. */
  config: string;
  /** Fingerprint of the dataset the cell read. */
  data: string;
}

export interface VerifiedCell {
  record: CellRecord;
  text: string;
}

export interface PartState {
  dir: string;
  /** Cells whose rows are complete and match their checksum, in file order. */
  cells: Map<string, VerifiedCell>;
  /** What was wrong (each dropped cell, torn lines, stray rows), one sentence each. */
  problems: string[];
  /** Logged cells whose rows were missing, incomplete or did not match their checksum (to be recomputed). */
  dropped: string[];
}

export function rowsChecksum(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function isRecord(v: unknown): v is CellRecord {
  const r = v as CellRecord;
  return (
    !!r &&
    typeof r === 'object' &&
    typeof r.cell === 'string' &&
    Number.isInteger(r.rows) &&
    r.rows >= 0 &&
    typeof r.sha256 === 'string' &&
    typeof r.config === 'string' &&
    typeof r.data === 'string'
  );
}

/** Reads a part and verifies every logged cell against its rows; changes nothing on disk. */
export function readPart(dir: string): PartState {
  const problems: string[] = [];
  const records: CellRecord[] = [];
  const logFile = path.join(dir, CELLS_LOG);
  if (fs.existsSync(logFile)) {
    const text = fs.readFileSync(logFile, 'utf8');
    const lines = text.split('\n');
    const last = lines.pop()!;
    if (last !== '') problems.push(`${logFile}: torn last line ignored`);
    const seen = new Set<string>();
    lines.forEach((l, i) => {
      if (l === '') return;
      let r: unknown;
      try {
        r = JSON.parse(l);
      } catch {
        r = null;
      }
      if (!isRecord(r)) {
        problems.push(`${logFile}:${i + 1}: unreadable line ignored`);
        return;
      }
      if (seen.has(r.cell)) {
        problems.push(`${logFile}:${i + 1}: cell ${r.cell} logged twice; recomputing it`);
        records.splice(
          records.findIndex((x) => x.cell === r.cell),
          1,
        );
        return;
      }
      seen.add(r.cell);
      records.push(r);
    });
  }
  // Group complete result lines by cell, keeping their exact text.
  const groups = new Map<string, { n: number; text: string }>();
  const resFile = path.join(dir, PART_RESULTS);
  if (fs.existsSync(resFile)) {
    const text = fs.readFileSync(resFile, 'utf8');
    const lines = text.split('\n');
    const last = lines.pop()!;
    if (last !== '') problems.push(`${resFile}: torn last row (${JSON.stringify(last.slice(0, 40))}...) ignored`);
    if (lines.length > 0 && lines[0] + '\n' !== RESULTS_HEADER) {
      throw new InputError(
        `${resFile}: header is not "${RESULTS_HEADER.trim()}"; this is not a tailedcore-kit part; delete the run folder and rerun`,
      );
    }
    for (let i = 1; i < lines.length; i++) {
      let row: ResultRow | undefined;
      try {
        row = parseResults(RESULTS_HEADER + lines[i] + '\n', resFile)[0];
      } catch {
        row = undefined;
      }
      if (!row) {
        problems.push(`${resFile}:${i + 1}: unreadable row ignored`);
        continue;
      }
      const key = rowCellKey(row);
      const g = groups.get(key) ?? { n: 0, text: '' };
      g.n++;
      g.text += lines[i] + '\n';
      groups.set(key, g);
    }
  }
  const cells = new Map<string, VerifiedCell>();
  const dropped: string[] = [];
  for (const r of records) {
    const g = groups.get(r.cell);
    groups.delete(r.cell);
    if (!g && r.rows === 0 && r.sha256 === rowsChecksum('')) {
      cells.set(r.cell, { record: r, text: '' });
      continue;
    }
    if (!g) {
      problems.push(`cell ${r.cell}: logged with ${r.rows} rows but none found; recomputing it`);
      dropped.push(r.cell);
      continue;
    }
    if (g.n !== r.rows) {
      problems.push(`cell ${r.cell}: ${g.n} of its ${r.rows} rows found (a torn or cut row?); recomputing it`);
      dropped.push(r.cell);
      continue;
    }
    if (rowsChecksum(g.text) !== r.sha256) {
      problems.push(`cell ${r.cell}: its rows do not match their checksum; recomputing it`);
      dropped.push(r.cell);
      continue;
    }
    cells.set(r.cell, { record: r, text: g.text });
  }
  for (const [key, g] of groups)
    problems.push(`cell ${key}: ${g.n} rows without a cells.log line (killed before it was committed) dropped`);
  return { dir, cells, problems, dropped };
}

/**
 * Brings a part to a consistent state (only verified cells, no torn lines) and returns it. Call with the part's
 * lock held. Creates the part with its header when absent.
 */
export function recoverPart(dir: string): PartState {
  fs.mkdirSync(dir, { recursive: true });
  const state = readPart(dir);
  const resFile = path.join(dir, PART_RESULTS);
  const logFile = path.join(dir, CELLS_LOG);
  const results = RESULTS_HEADER + [...state.cells.values()].map((c) => c.text).join('');
  const log = [...state.cells.values()].map((c) => JSON.stringify(c.record) + '\n').join('');
  if (!fs.existsSync(resFile) || fs.readFileSync(resFile, 'utf8') !== results) writeFileAtomic(resFile, results);
  if (!fs.existsSync(logFile) || fs.readFileSync(logFile, 'utf8') !== log) writeFileAtomic(logFile, log);
  return state;
}

/** Commits one finished cell: its rows in one durable append, then its record in cells.log. */
export function commitCell(
  dir: string,
  ids: { cell: string; config: string; data: string },
  rows: ResultRow[],
): CellRecord {
  if (/[\n\r]/.test(ids.cell)) throw new InputError(`cell id must be one line: ${JSON.stringify(ids.cell)}`);
  for (const r of rows) {
    if (rowCellKey(r) !== ids.cell) throw new Error(`row of cell ${rowCellKey(r)} committed under cell ${ids.cell}`);
  }
  const text = rows.map(formatRow).join('');
  const record: CellRecord = {
    cell: ids.cell,
    rows: rows.length,
    sha256: rowsChecksum(text),
    config: ids.config,
    data: ids.data,
  };
  appendFileDurable(path.join(dir, PART_RESULTS), text);
  appendFileDurable(path.join(dir, CELLS_LOG), JSON.stringify(record) + '\n');
  return record;
}
