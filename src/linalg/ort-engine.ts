/**
 * The onnxruntime-node GEMM engine: loads the runtime lazily (the kit still works, on the JS reference kernels, where
 * it does not load), builds two tiny graphs with our own ONNX encoder and caches one session per graph and setting.
 *
 *   scores  = Gemm(Q, B, ||b||², alpha=-2, beta=1, transB=1)      -> ||q-b||² - ||q||²   (Q x M block)
 *   topk    = TopK(scores, k, axis=1, largest=0)                    -> the k smallest per row, one pass
 *   product = Gemm(A, B, alpha=1, transB=1)                          -> A·Bᵀ block
 *
 * Gemm + TopK in one graph means the Q x M score block never crosses into JS (measured here: 3136 x 16384 x 128 is
 * ~1.5x faster than returning the block or running ArgMin + ReduceMin, two passes over it).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { buildOnnxModel, attr, OnnxValueInfo } from './onnx-builder';
import { OptionError } from '../util/errors';

// Types only: the runtime itself is required lazily so that a missing native binary degrades to the JS engine.
import type * as OrtModule from 'onnxruntime-node';
type Ort = typeof OrtModule;
type Session = OrtModule.InferenceSession;

export interface OrtSettings {
  /** Intra-op threads per session. @default os.availableParallelism() (2 on the project machine) */
  threads?: number;
  /** 'auto' uses CUDA when onnxruntime's CUDA provider library is installed next to the binding, else the CPU. @default 'auto' */
  device?: 'auto' | 'cpu' | 'cuda';
}

let ortModule: Ort | null | undefined;
let loadError = '';

/** The onnxruntime-node module, or null when it cannot be loaded here (the reason goes into the error of engine 'ort'). */
export function loadOrt(): Ort | null {
  if (ortModule !== undefined) return ortModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ortModule = require('onnxruntime-node') as Ort;
  } catch (e) {
    ortModule = null;
    loadError = (e as Error).message;
  }
  return ortModule;
}

/** Whether the CUDA execution provider's library ships with this onnxruntime-node install (its postinstall fetches it). */
export function ortCudaInstalled(): boolean {
  try {
    const bindingDir = join(
      dirname(require.resolve('onnxruntime-node/package.json')),
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
    return existsSync(join(bindingDir, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

let defaultDevice: OrtSettings['device'] | undefined;

/**
 * Sets the device used when a call passes none ('cuda' to put every GEMM kernel on the GPU, 'cpu' to keep it off).
 * `undefined` restores the default: env TAILEDCORE_DEVICE if set, else 'auto'.
 */
export function setDefaultDevice(device: OrtSettings['device'] | undefined): void {
  if (device !== undefined && !['auto', 'cpu', 'cuda'].includes(device))
    throw new OptionError(`device must be 'auto', 'cpu' or 'cuda', got '${device}'`);
  defaultDevice = device;
}

/** Whether `device` (or the default) resolves to CUDA here; throws an OptionError when 'cuda' is asked for but absent. */
export function resolveDevice(device?: OrtSettings['device']): 'cpu' | 'cuda' {
  const d = device ?? defaultDevice ?? (process.env.TAILEDCORE_DEVICE as OrtSettings['device']) ?? 'auto';
  if (!['auto', 'cpu', 'cuda'].includes(d)) throw new OptionError(`device must be 'auto', 'cpu' or 'cuda', got '${d}'`);
  if (d === 'cuda' && !ortCudaInstalled()) {
    throw new OptionError(
      "device 'cuda' was asked for but onnxruntime-node's CUDA provider (libonnxruntime_providers_cuda.so) is not installed; see the README's GPU section, or use device 'cpu'",
    );
  }
  return d === 'cuda' || (d === 'auto' && ortCudaInstalled()) ? 'cuda' : 'cpu';
}

/** Threads and execution providers for a session with these settings (shared with ./quantized-nearest). */
export function resolveSettings(s: OrtSettings): { threads: number; providers: string[] } {
  const threads = s.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1)
    throw new OptionError(`threads must be a positive integer, got ${threads}`);
  const device = s.device ?? defaultDevice ?? (process.env.TAILEDCORE_DEVICE as OrtSettings['device']) ?? 'auto';
  if (!['auto', 'cpu', 'cuda'].includes(device))
    throw new OptionError(`device must be 'auto', 'cpu' or 'cuda', got '${device}'`);
  const cuda = device === 'cuda' || (device === 'auto' && ortCudaInstalled());
  return { threads, providers: cuda ? ['cuda', 'cpu'] : ['cpu'] };
}

const sessions = new Map<string, Promise<Session>>();

async function session(kind: string, s: OrtSettings, build?: () => Uint8Array): Promise<Session> {
  const ort = loadOrt();
  if (!ort)
    throw new OptionError(
      `engine 'ort' was asked for but onnxruntime-node does not load here (${loadError}); use engine: 'js' or 'auto'`,
    );
  const { threads, providers } = resolveSettings(s);
  const key = `${kind}|${threads}|${providers.join(',')}`;
  let p = sessions.get(key);
  if (!p) {
    const model = build ? build() : kind === 'topk' ? topkGraph() : productGraph();
    p = ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionProviders: providers,
      graphOptimizationLevel: 'all',
      // No spinning after a run: onnxruntime's idle threads otherwise keep the cores busy while a worker runs next
      // (the LOF's k-NN after its projection: median 170 -> 132 and 169 -> 138 ms in two e2e A/Bs of 32 runs each).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    }).catch((e: Error) => {
      if (providers.includes('cuda')) {
        throw new OptionError(
          `onnxruntime could not start its CUDA provider (${e.message}); install onnxruntime-node's CUDA files or use device: 'cpu'`,
        );
      }
      throw e;
    });
    p.catch(() => sessions.delete(key));
    sessions.set(key, p);
  }
  return p;
}

/** A cached session for a graph built in another linalg file (one per name, thread count and providers). */
export function ortSession(name: string, build: () => Uint8Array, s: OrtSettings): Promise<Session> {
  return session(name, s, build);
}

/** A float input of `rows` x d (both graphs multiply such a block by the bank block transposed). */
function rowsByD(name: string, rows: string): OnnxValueInfo {
  return { name, elemType: 'float', dims: [rows, 'd'] };
}

function topkGraph(): Uint8Array {
  return buildOnnxModel({
    name: 'blocked_topk_smallest',
    inputs: [
      rowsByD('q', 'nq'),
      rowsByD('b', 'nb'),
      { name: 'bnorm', elemType: 'float', dims: ['nb'] },
      { name: 'k', elemType: 'int64', dims: [1] },
    ],
    outputs: [
      { name: 'values', elemType: 'float', dims: ['nq', 'k'] },
      { name: 'indices', elemType: 'int64', dims: ['nq', 'k'] },
    ],
    nodes: [
      {
        opType: 'Gemm',
        inputs: ['q', 'b', 'bnorm'],
        outputs: ['scores'],
        attributes: { alpha: attr.float(-2), beta: attr.float(1), transB: attr.int(1) },
      },
      {
        opType: 'TopK',
        inputs: ['scores', 'k'],
        outputs: ['values', 'indices'],
        attributes: { axis: attr.int(1), largest: attr.int(0), sorted: attr.int(1) },
      },
    ],
  });
}

function productGraph(): Uint8Array {
  return buildOnnxModel({
    name: 'a_times_b_transposed',
    inputs: [rowsByD('a', 'na'), rowsByD('b', 'nb')],
    outputs: [{ name: 'c', elemType: 'float', dims: ['na', 'nb'] }],
    nodes: [{ opType: 'Gemm', inputs: ['a', 'b'], outputs: ['c'], attributes: { transB: attr.int(1) } }],
  });
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * TopK's int64 indices (positions inside a bank block, so below 2^31) as an Int32Array: the low words on
 * little-endian hosts, instead of a BigInt object per element read.
 */
export function topkIndices(big: BigInt64Array): Int32Array {
  const out = new Int32Array(big.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < out.length; i++) out[i] = Number(big[i]);
    return out;
  }
  const w = new Int32Array(big.buffer, big.byteOffset, 2 * big.length);
  for (let i = 0; i < out.length; i++) {
    if (w[2 * i + 1] !== 0 || w[2 * i] < 0) throw new RangeError(`TopK index ${big[i]} is not a block position`);
    out[i] = w[2 * i];
  }
  return out;
}

/**
 * For each row of the query block, the k smallest values of ||b||² - 2 q·b over the bank block (ascending), with
 * their row indices inside the block. `q` and `b` may be subarray views; onnxruntime honours their offsets.
 */
export async function ortTopkBlock(
  q: Float32Array,
  nq: number,
  b: Float32Array,
  nb: number,
  bnorm: Float32Array,
  d: number,
  k: number,
  s: OrtSettings,
): Promise<{ values: Float32Array; indices: Int32Array }> {
  const ort = loadOrt()!;
  const sess = await session('topk', s);
  const out = await sess.run({
    q: new ort.Tensor('float32', q, [nq, d]),
    b: new ort.Tensor('float32', b, [nb, d]),
    bnorm: new ort.Tensor('float32', bnorm, [nb]),
    k: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
  });
  return { values: out.values.data as Float32Array, indices: topkIndices(out.indices.data as BigInt64Array) };
}

/** A·Bᵀ for one block (na x nb, row-major). */
export async function ortProductBlock(
  a: Float32Array,
  na: number,
  b: Float32Array,
  nb: number,
  d: number,
  s: OrtSettings,
): Promise<Float32Array> {
  const ort = loadOrt()!;
  const sess = await session('product', s);
  const out = await sess.run({ a: new ort.Tensor('float32', a, [na, d]), b: new ort.Tensor('float32', b, [nb, d]) });
  return out.c.data as Float32Array;
}
