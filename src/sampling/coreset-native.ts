/**
 * The native k-center (src/native/kcenter.cc, built at install by scripts/build-native.js): loaded lazily, used only
 * where it was built, its interface version matches and the CPU has AVX-512 with VNNI; everywhere else the
 * WebAssembly kernel of ./coreset-parallel runs. Picks are the brute force's either way. TAILEDCORE_NATIVE=0 turns it
 * off for the process.
 */
import { join } from 'node:path';
import { PickProgress } from './coreset-kcenter';

interface NativeModule {
  version: number;
  supported(): boolean;
  kcenter(
    bank: Float32Array,
    n: number,
    d: number,
    m: number,
    start: number,
    progress: Int32Array,
  ): Promise<{ picks: Int32Array; candidates: number; exact: number }>;
}

/** The interface version this file speaks (kcenter.cc exports its own). */
const NATIVE_VERSION = 1;
/** Widest row the native kernel takes (its integer sums stay exact far beyond; wider banks are not k-centered here). */
export const NATIVE_MAX_DIM = 16384;

let loaded: NativeModule | null | undefined;
let why = '';

/** The native module, or null (nativeKCenterStatus() says why). */
function nativeModule(): NativeModule | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.TAILEDCORE_NATIVE === '0') {
    why = 'turned off (TAILEDCORE_NATIVE=0)';
    return loaded;
  }
  // src/sampling and dist/sampling both sit two levels below the package root, where node-gyp writes build/.
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

/** Whether the native k-center runs here, and if not, why (for logs and the bench rows). */
export function nativeKCenterStatus(): { available: boolean; reason: string } {
  const m = nativeModule();
  return { available: m !== null, reason: m ? 'native k-center (AVX-512 VNNI)' : why };
}

/**
 * Greedy k-center of `m` picks from `start` on the native kernel, off the calling thread (libuv's pool); onPick is
 * replayed in order from a timer as picks land. Returns null where the module is not available.
 */
export async function nativeKCenter(
  data: Float32Array,
  n: number,
  d: number,
  m: number,
  start: number,
  onPick: PickProgress | undefined,
): Promise<{ picks: Int32Array; candidates: number; exact: number } | null> {
  const mod = nativeModule();
  if (!mod || d > NATIVE_MAX_DIM) return null;
  const progress = new Int32Array(new SharedArrayBuffer(4));
  let told = 1;
  const tell = () => {
    for (const upTo = Atomics.load(progress, 0); told < upTo;) {
      told++;
      onPick?.(told, m);
    }
  };
  const timer = onPick ? setInterval(tell, 200) : null;
  try {
    const r = await mod.kcenter(data, n, d, m, start, progress);
    Atomics.store(progress, 0, m);
    tell();
    return r;
  } finally {
    if (timer) clearInterval(timer);
  }
}
