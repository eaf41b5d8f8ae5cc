/**
 * Fingerprints that tie every committed cell to what produced it: the config (what determines the numbers) and each
 * dataset (the image and mask files the cells read). A resume or a merge compares them, so rows computed on different
 * data or settings are never mixed into one results.csv.
 *
 * A dataset fingerprint has two parts. `id` (recorded with every cell) hashes each file's relative path, size and
 * modification time. `content` hashes each file's relative path and the sha256 of its bytes, so a file rewritten
 * with its size and mtime kept (`touch -d`, a copy tool that restores times) is seen too. Hashing every byte is done
 * once: a file whose size, mtime, ctime and inode are those stored in the run's fingerprint.json keeps its stored
 * hash (any write, rename or restore of times changes the ctime, which no user tool can set back), so a resume only
 * reads the files that were touched.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from './config';
import { sortKeys } from '../util/canonical-json';
import { TAIL_SAMPLER_DEFAULTS } from '../sampling/tail-sampler';

const IMAGE_EXT = /\.(png|jpe?g|bmp|tiff?)$/i;

/**
 * sha256 of the config without what only says where files go (resultsDir, features.cacheDir): a run folder copied
 * elsewhere, or a cache moved to scratch, is the same run.
 */
export function configFingerprint(config: ResolvedConfig): string {
  const { resultsDir: _r, ...rest } = config;
  const features = { ...(config.features ?? {}) };
  delete features.cacheDir;
  // TailSampler's default guard changes what a TailedCore cell computes without any config key: a run made under
  // another default must not be resumed or merged as if it were the same. The paper's rule adds nothing, so the
  // fingerprints of runs made before the guard existed stay as they were.
  const g = TAIL_SAMPLER_DEFAULTS;
  const tailSampler =
    g.guard === 'paper'
      ? {}
      : { tailSamplerGuard: { guard: g.guard, tailBound: g.tailBound, gapRatio: g.gapRatio, gapMin: g.gapMin } };
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(sortKeys({ ...rest, features, ...tailSampler })))
    .digest('hex')
    .slice(0, 16);
}

/**
 * One file of a dataset: path relative to the root (always with "/"), size in bytes, mtime in whole milliseconds; then
 * (run folders written since content hashing) the first 16 hex digits of the sha256 of its bytes, its ctime in whole
 * milliseconds and its inode number, which say when the stored hash can be reused.
 */
export type FileEntry =
  | [rel: string, size: number, mtimeMs: number]
  | [rel: string, size: number, mtimeMs: number, sha: string, ctimeMs: number, ino: number];

export interface DatasetFingerprint {
  /** sha256 over the sorted file list: paths, sizes, mtimes (the value recorded with every cell). */
  id: string;
  /** sha256 over the sorted paths and the sha256 of each file's bytes; absent in run folders of older versions. */
  content?: string;
  root: string;
  files: number;
  bytes: number;
  list: FileEntry[];
}

function walk(root: string, rel: string, out: FileEntry[], known: Map<string, FileEntry>): void {
  const dir = path.join(root, rel);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue; // temporary and hidden files are never read by a cell
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, r, out, known);
    else if (e.isFile() && IMAGE_EXT.test(e.name)) {
      const file = path.join(root, r);
      const st = fs.statSync(file);
      const [mtime, ctime] = [Math.floor(st.mtimeMs), Math.floor(st.ctimeMs)];
      const k = known.get(r);
      const reuse = k && k.length === 6 && k[1] === st.size && k[2] === mtime && k[4] === ctime && k[5] === st.ino;
      const sha = reuse ? k[3] : crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
      out.push([r, st.size, mtime, sha, ctime, st.ino]);
    }
  }
}

/**
 * The fingerprint of a dataset root: every image and mask file below it. `previous` (the run's stored fingerprint of
 * this root) lets files whose size, mtime, ctime and inode are unchanged keep their stored content hash.
 */
export function datasetFingerprint(root: string, previous?: DatasetFingerprint): DatasetFingerprint {
  const list: FileEntry[] = [];
  walk(root, '', list, new Map((previous?.list ?? []).map((f) => [f[0], f] as [string, FileEntry])));
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const h = crypto.createHash('sha256');
  const c = crypto.createHash('sha256');
  for (const [r, s, m, sha] of list) {
    h.update(`${r}\t${s}\t${m}\n`);
    c.update(`${r}\t${sha}\n`);
  }
  return {
    id: h.digest('hex').slice(0, 16),
    content: c.digest('hex').slice(0, 16),
    root,
    files: list.length,
    bytes: list.reduce((a, f) => a + f[1], 0),
    list,
  };
}

/** Same data: same paths, sizes and mtimes, and (when both have it) the same content hash. */
export function sameDataset(before: DatasetFingerprint, now: DatasetFingerprint): boolean {
  return before.id === now.id && (before.content === undefined || before.content === now.content);
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
  const rewritten = now.list
    .filter((f) => {
      const o = old.get(f[0]);
      return o !== undefined && o[1] === f[1] && o[2] === f[2] && o[3] !== undefined && o[3] !== f[3];
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
    ...part(rewritten, 'rewritten (same size and modification time, other content)'),
  ];
  return parts.length ? parts.join('; ') : 'the file list differs';
}
