/**
 * On-disk feature cache: one file per (image content, view) under <cacheDir>/<2 hex>/<key>.f32.
 * Layout (little-endian): 64-byte header [magic "TCF\0" | version u32 | gridH u32 | gridW u32 | dim u32 |
 * embedDim u32 | sha256 of the payload (32 bytes) | 8 reserved], then float32 patches (gridH*gridW*dim) and
 * float32 embedding (embedDim). Written atomically (util/atomic: a temporary name unique per host, process and call,
 * then rename), so concurrent writers, also on a shared file system, never mix their bytes: the last rename wins
 * and every version of an entry is whole. No fsync per entry (it cost more than computing the entry's features): an
 * entry that a crash left empty or torn fails the checksum on its next read and is recomputed, like any corrupt one. A read checks magic, version, shape, size and checksum; anything wrong is
 * reported once, deleted and recomputed by the caller, never used. Opening a cache removes the temporary files that
 * killed writers left behind (see removeStaleTemps); a folder that cannot be used is one InputError line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { ensureDir, removeStaleTemps, StaleTempOptions, writeFileAtomic, writeFileAtomicAsync } from '../util/atomic';
import { sortKeys } from '../util/canonical-json';

export const CACHE_MAGIC = 0x00464354; // "TCF\0" read as little-endian u32
export const CACHE_VERSION = 1;
export const CACHE_HEADER_BYTES = 64;

export interface CacheShape {
  gridH: number;
  gridW: number;
  dim: number;
  /** 0 for augmentation views (patches only). */
  embedDim: number;
}

/** sha256 of a file's bytes, streamed in chunks (images can be large). */
export function sha256File(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** The cache key: sha256 over the image hash and everything that changes the numbers. */
export function cacheKey(imageSha256: string, config: Record<string, unknown>, view: string): string {
  const canonical = JSON.stringify({ image: imageSha256, view, config: sortKeys(config), format: CACHE_VERSION });
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

export type ReadResult = 'hit' | 'miss' | 'corrupt';

export class FeatureCache {
  /** Entries that were found bad (and deleted) during this object's life. */
  corrupt = 0;
  private readonly warn: (msg: string) => void;

  constructor(
    readonly dir: string,
    opts: { warn?: (msg: string) => void; staleTemps?: StaleTempOptions } = {},
  ) {
    this.warn = opts.warn ?? ((m) => process.stderr.write(m + '\n'));
    ensureDir(dir, 'feature cache folder');
    const removed = this.removeStaleTemps(opts.staleTemps);
    if (removed > 0) this.warn(`feature cache: removed ${removed} temporary file(s) left by killed writers in ${dir}`);
  }

  /** Removes temporary files of dead writers in every shard folder of the cache; returns how many. */
  removeStaleTemps(opts?: StaleTempOptions): number {
    let removed = 0;
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (/^[0-9a-f]{2}$/.test(name)) removed += removeStaleTemps(path.join(this.dir, name), opts);
    }
    return removed;
  }

  pathFor(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.f32`);
  }

  /**
   * Reads an entry straight into the given destinations (views into preallocated arrays). 'miss' when absent;
   * 'corrupt' when present but unusable (then it is deleted, reported, and the destinations must be recomputed).
   */
  read(key: string, shape: CacheShape, patchesDst: Float32Array, embeddingDst?: Float32Array): ReadResult {
    const file = this.pathFor(key);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return 'miss';
    }
    let problem: string | null = null;
    let ino: number;
    try {
      const st = fs.fstatSync(fd);
      const size = st.size;
      ino = st.ino;
      const header = Buffer.alloc(CACHE_HEADER_BYTES);
      const payloadFloats = shape.gridH * shape.gridW * shape.dim + shape.embedDim;
      if (fs.readSync(fd, header, 0, CACHE_HEADER_BYTES, 0) !== CACHE_HEADER_BYTES) problem = 'truncated header';
      else if (header.readUInt32LE(0) !== CACHE_MAGIC) problem = 'bad magic';
      else if (header.readUInt32LE(4) !== CACHE_VERSION)
        problem = `format version ${header.readUInt32LE(4)}, expected ${CACHE_VERSION}`;
      else if (
        header.readUInt32LE(8) !== shape.gridH ||
        header.readUInt32LE(12) !== shape.gridW ||
        header.readUInt32LE(16) !== shape.dim ||
        header.readUInt32LE(20) !== shape.embedDim
      ) {
        problem = 'shape differs from the request';
      } else if (size !== CACHE_HEADER_BYTES + 4 * payloadFloats)
        problem = `size ${size} bytes, expected ${CACHE_HEADER_BYTES + 4 * payloadFloats}`;
      else {
        const np = shape.gridH * shape.gridW * shape.dim;
        if (patchesDst.length !== np)
          throw new Error(`cache read: destination holds ${patchesDst.length} floats, entry has ${np}`);
        const hash = crypto.createHash('sha256');
        const pBytes = Buffer.from(patchesDst.buffer, patchesDst.byteOffset, patchesDst.byteLength);
        if (fs.readSync(fd, pBytes, 0, pBytes.length, CACHE_HEADER_BYTES) !== pBytes.length) problem = 'short read';
        hash.update(pBytes);
        if (!problem && shape.embedDim > 0) {
          if (!embeddingDst || embeddingDst.length !== shape.embedDim)
            throw new Error('cache read: embedding destination missing or of the wrong length');
          const eBytes = Buffer.from(embeddingDst.buffer, embeddingDst.byteOffset, embeddingDst.byteLength);
          if (fs.readSync(fd, eBytes, 0, eBytes.length, CACHE_HEADER_BYTES + pBytes.length) !== eBytes.length)
            problem = 'short read';
          hash.update(eBytes);
        }
        if (!problem && !hash.digest().equals(header.subarray(24, 56))) problem = 'checksum mismatch';
      }
    } finally {
      fs.closeSync(fd);
    }
    if (problem === null) return 'hit';
    this.corrupt++;
    this.warn(`feature cache: entry ${file} is unusable (${problem}); deleted, recomputing`);
    // Delete only the file that was read: another process may have renamed a fresh entry over it meanwhile.
    try {
      if (fs.statSync(file).ino === ino) fs.rmSync(file, { force: true });
    } catch {
      /* already gone */
    }
    return 'corrupt';
  }

  /** Writes an entry atomically. */
  write(key: string, shape: CacheShape, patches: Float32Array, embedding?: Float32Array): void {
    writeFileAtomic(this.pathFor(key), entryBytes(shape, patches, embedding), 'feature cache entry', { fsync: false });
  }

  /**
   * write() without blocking the calling thread on the file system: the entry's bytes are taken now (the arrays may be
   * reused at once), the file is written on libuv's threads. Await the promise before relying on the entry.
   */
  async writeAsync(key: string, shape: CacheShape, patches: Float32Array, embedding?: Float32Array): Promise<void> {
    const buf = entryBytes(shape, patches, embedding);
    await writeFileAtomicAsync(this.pathFor(key), buf, 'feature cache entry', { fsync: false });
  }
}

/** An entry's file bytes: header (with the payload's sha256), patches, embedding. */
function entryBytes(shape: CacheShape, patches: Float32Array, embedding?: Float32Array): Buffer {
  const np = shape.gridH * shape.gridW * shape.dim;
  if (patches.length !== np) throw new Error(`cache write: ${patches.length} patch floats, shape needs ${np}`);
  if ((embedding?.length ?? 0) !== shape.embedDim)
    throw new Error(`cache write: embedding length ${embedding?.length ?? 0}, shape needs ${shape.embedDim}`);
  const buf = Buffer.alloc(CACHE_HEADER_BYTES + 4 * (np + shape.embedDim));
  buf.writeUInt32LE(CACHE_MAGIC, 0);
  buf.writeUInt32LE(CACHE_VERSION, 4);
  buf.writeUInt32LE(shape.gridH, 8);
  buf.writeUInt32LE(shape.gridW, 12);
  buf.writeUInt32LE(shape.dim, 16);
  buf.writeUInt32LE(shape.embedDim, 20);
  const pBytes = Buffer.from(patches.buffer, patches.byteOffset, patches.byteLength);
  pBytes.copy(buf, CACHE_HEADER_BYTES);
  const hash = crypto.createHash('sha256').update(pBytes);
  if (embedding && shape.embedDim > 0) {
    const eBytes = Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength);
    eBytes.copy(buf, CACHE_HEADER_BYTES + pBytes.length);
    hash.update(eBytes);
  }
  hash.digest().copy(buf, 24);
  return buf;
}
