/**
 * The few WebAssembly binary encodings the kit's hand-assembled kernels share (src/linalg/wasm-sqdist.ts,
 * wasm-topk.ts, wasm-quantize.ts, src/scoring/blur-wasm.ts): LEB128 numbers, sections, names, the SIMD opcode prefix
 * and the local and constant instructions
 * (https://webassembly.github.io/spec/core/binary/).
 */

/** Unsigned LEB128. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
/** Signed LEB128 for the small non-negative constants the kernels use. */
export const sleb = (n: number): number[] => (n < 64 ? [n] : [0x80 | (n & 0x7f), ...sleb(n >> 7)]);
/** A module section: id, byte length, body. */
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
/** A name (import and export fields). */
export const str = (s: string): number[] => [...uleb(s.length), ...Array.from(Buffer.from(s, 'utf8'))];
/** A SIMD instruction (prefix 0xfd, then its opcode). */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** local.get, local.set, local.tee of local i, and i32.const v (signed LEB128, so any non-negative v). */
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const tee = (i: number): number[] => [0x22, ...uleb(i)];
export const i32c = (v: number): number[] => [0x41, ...sleb(v)];
