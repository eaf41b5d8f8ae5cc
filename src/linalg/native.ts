/**
 * The kit's native module (src/native, built at install by scripts/build-native.js): loaded lazily and used only where
 * it was built, its interface version matches and the CPU has AVX-512 with VNNI. Everywhere else the WebAssembly and
 * onnxruntime paths run, with the same results. TAILEDCORE_NATIVE=0 turns it off for the process.
 */
import { join } from 'node:path';

export interface NativeModule {
  version: number;
  supported(): boolean;
  /** Exact greedy k-center (src/native/kcenter.cc; ../sampling/coreset-native.ts wraps it). */
  kcenter(
    bank: Float32Array,
    n: number,
    d: number,
    m: number,
    start: number,
    progress: Int32Array,
  ): Promise<{ picks: Int32Array; candidates: number; exact: number }>;
  /** A quantised bank block in the int8 kernel's panel layout, with each row's sum (src/native/int8-topk.cc). */
  packBank(rows: Int8Array, nb: number, d: number): { packed: Int8Array; sums: Int32Array };
  /** The k smallest int8 scores per query (./quantized-nearest.ts's int8TopkBlock wraps it). */
  int8Topk(
    qa: Uint8Array,
    nq: number,
    d: number,
    zero: number,
    aScale: number,
    packed: Int8Array,
    sums: Int32Array,
    nb: number,
    scaleNeg2: Float32Array,
    bias: Float32Array,
    k: number,
    threads: number,
  ): Promise<{ values: Float32Array; indices: Int32Array }>;
  /** The largest |value| of x, NaN when x holds a NaN (src/native/scan.cc). */
  maxAbs(x: Float32Array): number;
  /** Each row's smallest and largest value, 0 included, NaN left out, into lo and hi (src/native/scan.cc). */
  rowRanges(x: Float32Array, rows: number, d: number, lo: Float32Array, hi: Float32Array): void;
}

/** The interface version this file speaks (src/native/addon.cc exports its own). */
const NATIVE_VERSION = 3;

let loaded: NativeModule | null | undefined;
let why = '';

/** The native module, or null (nativeStatus() says why). */
export function nativeModule(): NativeModule | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.TAILEDCORE_NATIVE === '0') {
    why = 'turned off (TAILEDCORE_NATIVE=0)';
    return loaded;
  }
  // src/linalg and dist/linalg both sit two levels below the package root, where node-gyp writes build/.
  const file = join(__dirname, '..', '..', 'build', 'Release', 'tailedcore_native.node');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as NativeModule;
    if (mod.version !== NATIVE_VERSION)
      why = `stale build (interface ${mod.version}, want ${NATIVE_VERSION}): run npm run build:native`;
    else if (!mod.supported()) why = 'this CPU lacks AVX-512 with VNNI';
    else loaded = mod;
  } catch (e) {
    why = `not built (${(e as Error).message.split('\n')[0]}): run npm run build:native`;
  }
  return loaded;
}

/** Whether the native kernels run here, and if not, why (for logs and the bench rows). */
export function nativeStatus(): { available: boolean; reason: string } {
  const m = nativeModule();
  return { available: m !== null, reason: m ? 'native kernels (AVX-512 VNNI)' : why };
}
