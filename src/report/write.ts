/** Writes summary.csv and summary.md beside a run's results.csv. */
import * as path from 'node:path';
import { readResults, ResultRow } from '../results/results-file';
import { writeFileAtomic } from '../util/atomic';
import { InputError } from '../util/errors';
import { summarizeResults, summaryCsv, SummaryRow } from './summary';
import { summaryMarkdown, MarkdownOptions } from './markdown';

/** Reads <runDir>/results.csv, writes <runDir>/summary.csv and summary.md, returns the summary rows and table. */
export function writeSummary(runDir: string, opts: MarkdownOptions = {}): { rows: SummaryRow[]; markdown: string } {
  const results: ResultRow[] = readResults(runDir);
  if (results.length === 0)
    throw new InputError(`${path.join(runDir, 'results.csv')} has no rows yet; run the experiment first`);
  const rows = summarizeResults(results);
  const markdown = summaryMarkdown(rows, opts);
  writeFileAtomic(path.join(runDir, 'summary.csv'), summaryCsv(rows));
  writeFileAtomic(path.join(runDir, 'summary.md'), markdown);
  return { rows, markdown };
}
