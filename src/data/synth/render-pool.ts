/**
 * Renders the generator's jobs on worker threads (./render-worker), so pixel work runs on every core while sharp
 * encodes on its own threads. Each job's pixels depend only on the job (./render-job), so which thread renders it
 * changes no byte. Started from TypeScript sources (tsx), a worker registers tsx's require hook first; from the
 * compiled dist it loads the .js twin.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Sample } from './render';
import type { RenderJob } from './render-job';
import type { SynthFamily } from './families';

export interface RenderPool {
  render(job: RenderJob): Promise<Sample>;
  close(): Promise<void>;
}

function workerSource(): string {
  const file = path.join(__dirname, `render-worker${path.extname(__filename)}`);
  const hook = file.endsWith('.ts') ? `require(${JSON.stringify(require.resolve('tsx/cjs'))});` : '';
  return `${hook}require(${JSON.stringify(file)});`;
}

/** `threads` workers for one generator run; jobs go to the worker with the fewest in flight. */
export function startRenderPool(
  threads: number,
  init: { family: SynthFamily; seed: number; size: number },
): RenderPool {
  const src = workerSource();
  const waiting = new Map<number, { resolve: (s: Sample) => void; reject: (e: Error) => void }>();
  const load: number[] = [];
  let failure: Error | null = null;
  let next = 0;
  const workers = Array.from({ length: threads }, (_, w) => {
    const worker = new Worker(src, { eval: true, workerData: init });
    load.push(0);
    worker.on('message', (m: { id: number; rgb?: Uint8Array; mask?: Uint8Array | null; error?: string }) => {
      const p = waiting.get(m.id);
      if (!p) return;
      waiting.delete(m.id);
      load[w]--;
      if (m.error !== undefined) p.reject(new Error(`synthetic render worker: ${m.error}`));
      else p.resolve({ rgb: m.rgb!, mask: m.mask ?? null });
    });
    const fail = (e: Error) => {
      failure = failure ?? e;
      for (const p of waiting.values()) p.reject(failure);
      waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (waiting.size) fail(new Error(`synthetic render worker exited (code ${code}) with jobs pending`));
    });
    return worker;
  });
  return {
    render(job) {
      if (failure) return Promise.reject(failure);
      let w = 0;
      for (let i = 1; i < threads; i++) if (load[i] < load[w]) w = i;
      const id = next++;
      load[w]++;
      return new Promise<Sample>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[w].postMessage({ id, job });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
