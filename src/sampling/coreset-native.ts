/**
 * The native k-center (src/native/kcenter.cc, loaded by ../linalg/native): used by ./coreset-parallel for one-part
 * runs where the module is available; picks are the brute force's either way.
 */
import { nativeModule } from '../linalg/native';
import { PickProgress } from './coreset-kcenter';

/** Widest row the native kernel takes (its integer sums stay exact far beyond; wider banks are not k-centered here). */
export const NATIVE_MAX_DIM = 16384;

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
  // A short period: the bench reads the time of a pick off this callback (a progress bar throttles itself anyway).
  const timer = onPick ? setInterval(tell, 5) : null;
  try {
    const r = await mod.kcenter(data, n, d, m, start, progress);
    Atomics.store(progress, 0, m);
    tell();
    return r;
  } finally {
    if (timer) clearInterval(timer);
  }
}
