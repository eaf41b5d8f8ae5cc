/**
 * Picks the tfjs backend at run time: `tensorflow` (native libtensorflow, a user's GPU box) when
 * @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node really registers it, else `wasm` (SIMD, single-threaded
 * in Node), else `cpu`. A successful require is not enough: in this repo node_modules/@tensorflow/tfjs-node is
 * plain tfjs installed under that name by an npm override, so only the registered backend counts.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../util/errors';
import { checkOneOf } from '../util/options';

export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';
export type TfBackendChoice = 'auto' | TfBackendName;
export const TF_BACKEND_CHOICES: readonly TfBackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface SelectTfBackendOptions {
  /** Which backend; 'auto' means tensorflow > wasm > cpu. Env TAILEDCORE_TF_BACKEND overrides 'auto' only. @default 'auto' */
  backend?: TfBackendChoice;
  /** Do not log the chosen backend. @default false */
  quiet?: boolean;
}

export interface TfBackendInfo {
  /** The backend tfjs now runs on. */
  backend: TfBackendName;
  /** How it was chosen: 'option', 'env' or 'auto'. */
  chosenBy: 'option' | 'env' | 'auto';
  /** Native package that provided `tensorflow`, when that is the backend. */
  nativePackage?: string;
  /** Why better backends were skipped (for logs and run metadata). */
  skipped: string[];
}

let active: TfBackendInfo | null = null;

/** The backend chosen by the last selectTfBackend call, or null (for run metadata). */
export function activeTfBackend(): TfBackendInfo | null {
  return active;
}

/** Folder holding the tfjs-backend-wasm .wasm binaries. */
export function wasmDistDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

function hasBackendFactory(name: string): boolean {
  return tf.findBackendFactory(name) != null;
}

/** Tries the native packages; true when one of them registered the `tensorflow` backend on our tfjs instance. */
function tryNative(skipped: string[]): string | undefined {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(pkg);
    } catch (e) {
      skipped.push(`${pkg}: not loadable (${((e as Error).message || '').split('\n')[0]})`);
      continue;
    }
    if (hasBackendFactory('tensorflow')) return pkg;
    skipped.push(`${pkg}: loads but registers no 'tensorflow' backend (plain tfjs under that name?)`);
  }
  return undefined;
}

let wasmRegistered = false;
function registerWasm(): void {
  if (wasmRegistered) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const dir = wasmDistDir();
  // A path map (not a prefix) so that the multithreaded binary, which fails in Node, is never fetched by name.
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': path.join(dir, 'tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': path.join(dir, 'tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm'),
  });
  wasmRegistered = true;
}

/**
 * The process-wide handlers a backend's start adds. tfjs-backend-wasm's Emscripten glue adds an 'uncaughtException'
 * listener that rethrows and an 'unhandledRejection' one that throws: Node then prints the glue's minified source line
 * (about 20 KB) above any later error of the user's own code, and a notebook kernel loses its own handling of
 * rejections. They serve only Emscripten's exit(), which tfjs never calls, so they are removed once it has started.
 */
const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

function withoutAddedHandlers<T>(run: () => Promise<T>): Promise<T> {
  const emitter: NodeJS.EventEmitter = process;
  const before = PROCESS_EVENTS.map((e) => new Set(emitter.listeners(e)));
  const restore = () =>
    PROCESS_EVENTS.forEach((e, i) => {
      for (const l of emitter.listeners(e)) if (!before[i].has(l)) emitter.removeListener(e, l as () => void);
    });
  return run().finally(restore);
}

async function trySet(name: TfBackendName): Promise<string | null> {
  try {
    return await withoutAddedHandlers(async () => {
      if (name === 'wasm') registerWasm();
      const ok = await tf.setBackend(name);
      if (!ok || tf.getBackend() !== name) return `setBackend('${name}') returned false`;
      await tf.ready();
      return null;
    });
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

/**
 * Selects and activates a tfjs backend; returns what is active and logs it once (stderr) unless quiet.
 * An explicitly requested backend that cannot start is an OptionError naming what to install.
 */
export async function selectTfBackend(opts: SelectTfBackendOptions = {}): Promise<TfBackendInfo> {
  let choice: string = opts.backend ?? 'auto';
  checkOneOf('backend', choice, TF_BACKEND_CHOICES);
  let chosenBy: TfBackendInfo['chosenBy'] = opts.backend && opts.backend !== 'auto' ? 'option' : 'auto';
  const env = process.env.TAILEDCORE_TF_BACKEND;
  if (choice === 'auto' && env) {
    checkOneOf('TAILEDCORE_TF_BACKEND (environment variable)', env, TF_BACKEND_CHOICES);
    choice = env;
    if (env !== 'auto') chosenBy = 'env';
  }
  const skipped: string[] = [];
  let info: TfBackendInfo | null = null;
  if (choice === 'tensorflow' || choice === 'auto') {
    const pkg = tryNative(skipped);
    if (pkg) {
      const err = await trySet('tensorflow');
      if (err === null) info = { backend: 'tensorflow', chosenBy, nativePackage: pkg, skipped };
      else skipped.push(`tensorflow: ${err}`);
    }
    if (!info && choice === 'tensorflow') {
      throw new OptionError(
        `backend 'tensorflow' requested (${chosenBy === 'env' ? 'TAILEDCORE_TF_BACKEND' : 'option backend'}) but unavailable: ${skipped.join('; ')}. ` +
          `Install @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu 4.22 (needs libtensorflow), or use backend 'wasm'.`,
      );
    }
  }
  if (!info && (choice === 'wasm' || choice === 'auto')) {
    const err = await trySet('wasm');
    if (err === null) info = { backend: 'wasm', chosenBy, skipped };
    else {
      skipped.push(`wasm: ${err}`);
      if (choice === 'wasm')
        throw new OptionError(
          `backend 'wasm' requested but it failed to start: ${err}. Reinstall @tensorflow/tfjs-backend-wasm 4.22 or use backend 'cpu'.`,
        );
    }
  }
  if (!info) {
    const err = await trySet('cpu');
    if (err !== null) throw new Error(`tfjs cpu backend failed to start: ${err}`);
    info = { backend: 'cpu', chosenBy, skipped };
  }
  const changed = !active || active.backend !== info.backend;
  active = info;
  if (!opts.quiet && changed && process.env.TAILEDCORE_QUIET !== '1') {
    process.stderr.write(
      `tfjs backend: ${info.backend} (${info.chosenBy}${info.nativePackage ? `, from ${info.nativePackage}` : ''})\n`,
    );
  }
  return info;
}
