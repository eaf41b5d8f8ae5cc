/**
 * The kit's one CSV helper (RFC 4180 quoting), for results.csv, summary.csv and VisA's split file. Lines are split
 * by the callers (each file has its own rules for a torn or blank last line); a field may not span lines.
 */

/** Splits one CSV line into its fields: commas separate, double quotes enclose, "" inside quotes is one quote. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch !== '"') cur += ch;
      else if (line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** One field as written: quoted (with inner quotes doubled) only when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
