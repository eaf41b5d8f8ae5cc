/**
 * A render worker of the synthetic generator (started by ./render-pool): builds the seed's noise tables once, then
 * renders each job it is sent and posts the pixels back (their buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { renderJob, RenderJob, synthNoise } from './render-job';
import type { SynthFamily } from './families';

const { family, seed, size } = workerData as { family: SynthFamily; seed: number; size: number };
const noise = synthNoise(seed);
parentPort!.on('message', (msg: { id: number; job: RenderJob }) => {
  try {
    const s = renderJob(family, seed, size, noise, msg.job);
    const transfer = s.mask ? [s.rgb.buffer, s.mask.buffer] : [s.rgb.buffer];
    parentPort!.postMessage({ id: msg.id, rgb: s.rgb, mask: s.mask }, transfer as ArrayBuffer[]);
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: String((e as Error)?.stack ?? e) });
  }
});
