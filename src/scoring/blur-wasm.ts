/**
 * The two passes of the Gaussian blur (./gaussian) as a WebAssembly SIMD kernel: each output is the same float64 sum
 * as the JavaScript loops compute, term for term and in the same tap order, two outputs per f64x2 lane pair.
 * WebAssembly forbids fusing the multiply and the add and its float64 arithmetic is IEEE, so the results are
 * bit-identical (the tests compare them). Assembled here from its instructions (no toolchain or binary in the repo).
 *
 * Exports, all pointers byte offsets into the module's memory, widths in 8-column groups (w a multiple of 8):
 *   v(src, tmp, h, groups, wBytes, k, K, off):  tmp[y, x] = Σ_t k[t] · src[off[y·K + t] + x]   (off: row byte offsets)
 *   h(tmp, out, h, groups, wBytes, k, K, padIdx, P, pad): per row y, pad[j] = tmp[y, padIdx[j]] (byte offsets),
 *     then out[y, x] = Σ_t k[t] · pad[x + t]
 * Every loop runs at least once (h, groups, K and P are >= 1; the caller guarantees it).
 */

import { uleb, sleb, section, str, simd } from '../linalg/wasm-asm';

const I32 = 0x7f,
  V128 = 0x7b;
const GET = 0x20,
  SET = 0x21,
  CONST = 0x41,
  ADD = 0x6a,
  MUL = 0x6c,
  LTU = 0x49,
  LOAD = [0x28, 2],
  F64LOAD = [0x2b, 3],
  F64STORE = [0x39, 3],
  LOOP = [0x03, 0x40],
  BRIF0 = [0x0d, 0],
  END = 0x0b;
const VLOAD = (offset: number) => [...simd(0), 3, ...uleb(offset)];
const VSTORE = (offset: number) => [...simd(11), 3, ...uleb(offset)];
const VZERO = [...simd(12), ...new Array<number>(16).fill(0)];
const SPLAT = simd(20);
const FADD = simd(240),
  FMUL = simd(242);

/** a = a + kv · load(p + offset), for the four accumulators (locals acc..acc+3) and kv in local `kv`. */
function madd4(acc: number, kv: number, p: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push(GET, acc + i, GET, kv, GET, p, ...VLOAD(16 * i), ...FMUL, ...FADD, SET, acc + i);
  return out;
}
function zero4(acc: number): number[] {
  return [0, 1, 2, 3].flatMap((i) => [...VZERO, SET, acc + i]);
}
function store4(acc: number, ptr: () => number[]): number[] {
  return [0, 1, 2, 3].flatMap((i) => [...ptr(), GET, acc + i, ...VSTORE(16 * i)]);
}
/** local += c */
const inc = (l: number, c: number) => [GET, l, CONST, ...sleb(c), ADD, SET, l];
/** br_if 0 while local < limit local */
const whileLt = (l: number, lim: number) => [GET, l, GET, lim, LTU, ...BRIF0];

function vBody(): number[] {
  // params 0 src, 1 tmp, 2 h, 3 groups, 4 wBytes, 5 k, 6 K, 7 off; i32 locals 8 y, 9 g, 10 t, 11 kp, 12 op, 13 p,
  // 14 dst, 15 xb; v128 locals 16-19 a0..a3, 20 kv
  return [
    2,
    8,
    I32,
    5,
    V128,
    ...LOOP, // y
    ...[GET, 1, GET, 8, GET, 4, MUL, ADD, SET, 14],
    ...[CONST, 0, SET, 15, CONST, 0, SET, 9],
    ...LOOP, // groups
    ...zero4(16),
    ...[GET, 5, SET, 11, GET, 7, GET, 8, GET, 6, MUL, CONST, 4, MUL, ADD, SET, 12, CONST, 0, SET, 10],
    ...LOOP, // taps
    ...[GET, 11, ...F64LOAD, 0, ...SPLAT, SET, 20],
    ...[GET, 0, GET, 12, ...LOAD, 0, ADD, GET, 15, ADD, SET, 13],
    ...madd4(16, 20, 13),
    ...inc(11, 8),
    ...inc(12, 4),
    ...inc(10, 1),
    ...whileLt(10, 6),
    END,
    ...store4(16, () => [GET, 14, GET, 15, ADD]),
    ...inc(15, 64),
    ...inc(9, 1),
    ...whileLt(9, 3),
    END,
    ...inc(8, 1),
    ...whileLt(8, 2),
    END,
    END,
  ];
}

function hBody(): number[] {
  // params 0 tmp, 1 out, 2 h, 3 groups, 4 wBytes, 5 k, 6 K, 7 padIdx, 8 P, 9 pad; i32 locals 10 y, 11 row, 12 j,
  // 13 g, 14 xb, 15 kp, 16 p, 17 t, 18 dst; v128 locals 19-22 a0..a3, 23 kv
  return [
    2,
    9,
    I32,
    5,
    V128,
    ...LOOP, // y
    ...[GET, 0, GET, 10, GET, 4, MUL, ADD, SET, 11, CONST, 0, SET, 12],
    ...LOOP, // pad[j] = row[padIdx[j]]
    ...[GET, 9, GET, 12, CONST, 8, MUL, ADD],
    ...[GET, 11, GET, 7, GET, 12, CONST, 4, MUL, ADD, ...LOAD, 0, ADD, ...F64LOAD, 0],
    ...[...F64STORE, 0],
    ...inc(12, 1),
    ...whileLt(12, 8),
    END,
    ...[GET, 1, GET, 10, GET, 4, MUL, ADD, SET, 18, CONST, 0, SET, 14, CONST, 0, SET, 13],
    ...LOOP, // groups
    ...zero4(19),
    ...[GET, 5, SET, 15, GET, 9, GET, 14, ADD, SET, 16, CONST, 0, SET, 17],
    ...LOOP, // taps
    ...[GET, 15, ...F64LOAD, 0, ...SPLAT, SET, 23],
    ...madd4(19, 23, 16),
    ...inc(15, 8),
    ...inc(16, 8),
    ...inc(17, 1),
    ...whileLt(17, 6),
    END,
    ...store4(19, () => [GET, 18, GET, 14, ADD]),
    ...inc(14, 64),
    ...inc(13, 1),
    ...whileLt(13, 3),
    END,
    ...inc(10, 1),
    ...whileLt(10, 2),
    END,
    END,
  ];
}

function moduleBytes(): Uint8Array {
  const v = vBody(),
    h = hBody();
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [2, 0x60, 8, ...new Array<number>(8).fill(I32), 0, 0x60, 10, ...new Array<number>(10).fill(I32), 0]),
    ...section(2, [1, ...str('e'), ...str('m'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...str('v'), 0x00, 0, ...str('h'), 0x00, 1]),
    ...section(10, [2, ...uleb(v.length), ...v, ...uleb(h.length), ...h]),
  ]);
}

/** The few WebAssembly globals used (the project's TypeScript lib has no WebAssembly declarations). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (m: unknown, imports: unknown) => { exports: Record<string, (...a: number[]) => void> };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The tables and buffers of one blur shape inside the kernel's memory (byte offsets). */
interface Layout {
  k: number;
  off: number;
  padIdx: number;
  pad: number;
  src: number;
  tmp: number;
  out: number;
  end: number;
}

/** One kernel instance with its memory; `load` writes a shape's tables once, `run` blurs one map. */
export class WasmBlur {
  private readonly mem: WasmMemory;
  private readonly fn: Record<string, (...a: number[]) => void>;
  private loaded: unknown = null;
  private lay: Layout | null = null;

  private constructor() {
    if (!WA) throw new Error('WebAssembly is not available in this runtime');
    this.mem = new WA.Memory({ initial: 1 });
    this.fn = new WA.Instance(new WA.Module(moduleBytes()), { e: { m: this.mem } }).exports;
  }

  private static shared: WasmBlur | null | undefined;
  /** The process's kernel, or null where WebAssembly SIMD is missing (the JavaScript loops then run). */
  static get(): WasmBlur | null {
    if (WasmBlur.shared === undefined) {
      try {
        WasmBlur.shared = new WasmBlur();
      } catch {
        WasmBlur.shared = null;
      }
    }
    return WasmBlur.shared;
  }

  /** Writes the kernel, the row offsets and the padded column indices of a shape (once per plan). */
  load(plan: object, h: number, w: number, k: Float64Array, rowOff: Int32Array, padIdx: Int32Array): void {
    if (this.loaded === plan) return;
    const a16 = (n: number) => Math.ceil(n / 16) * 16;
    const K = k.length,
      P = padIdx.length;
    const lay: Layout = { k: 0, off: 0, padIdx: 0, pad: 0, src: 0, tmp: 0, out: 0, end: 0 };
    lay.off = a16(K * 8);
    lay.padIdx = lay.off + a16(h * K * 4);
    lay.pad = lay.padIdx + a16(P * 4);
    lay.src = lay.pad + a16(P * 8);
    lay.tmp = lay.src + a16(h * w * 8);
    lay.out = lay.tmp + a16(h * w * 8);
    lay.end = lay.out + a16(h * w * 8);
    const need = Math.ceil(lay.end / 65536) - this.mem.buffer.byteLength / 65536;
    if (need > 0) this.mem.grow(need);
    const buf = this.mem.buffer;
    new Float64Array(buf, lay.k, K).set(k);
    const off = new Int32Array(buf, lay.off, h * K);
    for (let i = 0; i < off.length; i++) off[i] = rowOff[i] * 8;
    const pi = new Int32Array(buf, lay.padIdx, P);
    for (let i = 0; i < P; i++) pi[i] = padIdx[i] * 8;
    this.loaded = plan;
    this.lay = lay;
  }

  /** Blurs src (h*w, w a multiple of 8) with the loaded shape into out from offset. */
  run(
    h: number,
    w: number,
    K: number,
    P: number,
    src: Float64Array,
    out: Float32Array | Float64Array,
    offset: number,
  ): void {
    const l = this.lay!;
    const buf = this.mem.buffer;
    new Float64Array(buf, l.src, h * w).set(src.subarray(0, h * w));
    this.fn.v(l.src, l.tmp, h, w / 8, w * 8, l.k, K, l.off);
    this.fn.h(l.tmp, l.out, h, w / 8, w * 8, l.k, K, l.padIdx, P, l.pad);
    out.set(new Float64Array(buf, l.out, h * w), offset);
  }
}
