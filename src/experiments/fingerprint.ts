/**
 * Fingerprints that tie every committed cell to what produced it: the config (what determines the numbers) and each
 * dataset (the image and mask files the cells read: relative path, size and modification time). A resume or a merge
 * compares them, so rows computed on different data or settings are never mixed into one results.csv.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from './config';
import { sortKeys } from '../util/canonical-json';

const IMAGE_EXT = /\.(png|jpe?g|bmp|tiff?)$/i;

/**
 * sha256 of the config without what only says where files go (resultsDir, features.cacheDir): a run folder copied
 * elsewhere, or a cache moved to scratch, is the same run.
 */
export function configFingerprint(config: ResolvedConfig): string {
  const { resultsDir: _r, ...rest } = config;
  const features = { ...(config.features ?? {}) };
  delete features.cacheDir;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(sortKeys({ ...rest, features })))
    .digest('hex')
    .slice(0, 16);
}

/** One file of a dataset: path relative to the root (always with "/"), size in bytes, mtime in whole milliseconds. */
export type FileEntry = [rel: string, size: number, mtimeMs: number];

export interface DatasetFingerprint {
  /** sha256 over the sorted file list (the value recorded with every cell). */
  id: string;
  root: string;
  files: number;
  bytes: number;
  list: FileEntry[];
}

function walk(root: string, rel: string, out: FileEntry[]): void {
  const dir = path.join(root, rel);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue; // temporary and hidden files are never read by a cell
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, r, out);
    else if (e.isFile() && IMAGE_EXT.test(e.name)) {
      const st = fs.statSync(path.join(root, r));
      out.push([r, st.size, Math.floor(st.mtimeMs)]);
    }
  }
}

/** The fingerprint of a dataset root: every image and mask file below it. */
export function datasetFingerprint(root: string): DatasetFingerprint {
  const list: FileEntry[] = [];
  walk(root, '', list);
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const h = crypto.createHash('sha256');
  for (const [r, s, m] of list) h.update(`${r}\t${s}\t${m}\n`);
  return {
    id: h.digest('hex').slice(0, 16),
    root,
    files: list.length,
    bytes: list.reduce((a, f) => a + f[1], 0),
    list,
  };
}

/** What changed between two fingerprints, in words ("2 files added: a/..., b/...; 1 changed (size or time): c/..."). */
export function describeDatasetChange(before: DatasetFingerprint, now: DatasetFingerprint, show = 5): string {
  const old = new Map(before.list.map((f) => [f[0], f] as [string, FileEntry]));
  const cur = new Map(now.list.map((f) => [f[0], f] as [string, FileEntry]));
  const added = now.list.filter((f) => !old.has(f[0])).map((f) => f[0]);
  const removed = before.list.filter((f) => !cur.has(f[0])).map((f) => f[0]);
  const changed = now.list
    .filter((f) => {
      const o = old.get(f[0]);
      return o !== undefined && (o[1] !== f[1] || o[2] !== f[2]);
    })
    .map((f) => f[0]);
  const part = (n: string[], what: string) =>
    n.length === 0
      ? []
      : [
          `${n.length} file${n.length === 1 ? '' : 's'} ${what}: ${n.slice(0, show).join(', ')}${n.length > show ? ', ...' : ''}`,
        ];
  const parts = [
    ...part(added, 'added'),
    ...part(removed, 'removed'),
    ...part(changed, 'changed (size or modification time)'),
  ];
  return parts.length ? parts.join('; ') : 'the file list differs';
}
