/**
 * Reuse of the k-center's shared WebAssembly memories (./wasm-sqdist) from one run to the next: a fit runs two
 * (head and tail coresets), a grid of cells or a notebook many more. A new memory is new pages, and the first touch
 * of a page is a kernel page fault; on this project's VM that cost up to tens of µs a page (filling a new 21 MB buffer
 * took up to 165 ms in bench/fresh-memory.ts, mostly system time; docs/speed.md "Fresh memory"). A released memory keeps its pages mapped; it is zeroed
 * whole before it is handed out again, so a caller sees exactly what a new memory holds.
 */
import { newSharedMemory, SharedWasmMemory, WASM_MAX_PAGES } from './wasm-sqdist';

const PAGE = 65536;

/** Released memories are kept up to this many bytes in all; past it a released memory is left to the collector. */
export const POOL_MAX_BYTES = 256 * 1024 * 1024;

export interface PooledMemory {
  mem: SharedWasmMemory;
  /** Its size (initial = maximum) in 64 KiB pages: the module's import must declare exactly this. */
  pages: number;
}

const idle: PooledMemory[] = [];
const lent = new WeakSet<SharedWasmMemory>();
let idleBytes = 0;

/** `pages` rounded up to one of 8 sizes per octave (at most 12.5 % more), so that banks of nearly one size share. */
export function roundPages(pages: number): number {
  if (!Number.isInteger(pages) || pages < 1) throw new RangeError(`memory pool: ${pages} pages`);
  const step = 2 ** Math.max(0, Math.floor(Math.log2(pages)) - 3);
  return Math.min(WASM_MAX_PAGES, Math.ceil(pages / step) * step);
}

/**
 * A zeroed shared memory of at least `pages` pages: the smallest idle one of at most twice that size (zeroing a much
 * larger one would cost more than the faults it saves), else a new one of roundPages(pages).
 */
export function acquireSharedMemory(pages: number): PooledMemory {
  const want = roundPages(pages);
  let best = -1;
  for (let i = 0; i < idle.length; i++) {
    const p = idle[i].pages;
    if (p >= want && p <= 2 * want && (best < 0 || p < idle[best].pages)) best = i;
  }
  let got: PooledMemory;
  if (best >= 0) {
    got = idle.splice(best, 1)[0];
    idleBytes -= got.pages * PAGE;
    // 8 bytes a store: a byte-wise fill of shared memory ran ~8x slower here (15.7 MB: 4 ms against 0.55)
    new Float64Array(got.mem.buffer).fill(0);
  } else got = { mem: newSharedMemory(want), pages: want };
  lent.add(got.mem);
  return got;
}

/** Gives a memory from acquireSharedMemory back (once; later calls for it are ignored). Nothing may use it after. */
export function releaseSharedMemory(m: PooledMemory | null): void {
  if (!m || !lent.has(m.mem)) return;
  lent.delete(m.mem);
  const bytes = m.pages * PAGE;
  if (idleBytes + bytes > POOL_MAX_BYTES) return;
  idle.push(m);
  idleBytes += bytes;
}

/** Idle memories and their bytes (tests). */
export function sharedMemoryPoolStats(): { idle: number; bytes: number } {
  return { idle: idle.length, bytes: idleBytes };
}
