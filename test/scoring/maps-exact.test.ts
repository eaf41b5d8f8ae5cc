import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anomalyMaps, anomalyMap } from '../../src/scoring/maps';
import { bilinearResize, resizeInto, resizePlan } from '../../src/scoring/upsample';
import { blurInto, blurPlan, gaussianBlur } from '../../src/scoring/gaussian';
import {
  anomalyMapsRef,
  bilinearResizeRef,
  bilinearResizeRef64,
  gaussianBlurRef,
  gaussianBlurRef64,
} from '../../src/scoring/maps-reference';
import { createRng } from '../../src/util/rng';

/**
 * Byte-level equality (distinguishes -0 from 0). A NaN must sit where the reference has one, but its sign and payload
 * are not compared: IEEE, JavaScript and WebAssembly leave them open (x86 returns either operand's NaN, so they follow
 * the JIT's operand order), and predict never blurs a NaN (the models reject non-finite patch scores first).
 */
function sameBytes(a: Float32Array | Float64Array, b: Float32Array | Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  assert.equal(a.BYTES_PER_ELEMENT, b.BYTES_PER_ELEMENT, `${what}: element type`);
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  const e = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < x.length; i++) {
    const v = Math.floor(i / e);
    if (x[i] !== y[i] && !(Number.isNaN(a[v]) && Number.isNaN(b[v])))
      assert.fail(`${what}: value ${v} differs: ${a[v]} vs reference ${b[v]}`);
  }
}

/**
 * The fast blur's float64 sums (before the float32 rounding, which hides most float64 differences), from the
 * WebAssembly kernel where the plan takes it or, with `js`, from the JavaScript loops.
 */
function blur64(src: ArrayLike<number>, h: number, w: number, sigma: number, truncate = 4, js = false): Float64Array {
  const out = new Float64Array(h * w);
  const plan = blurPlan(h, w, sigma, truncate);
  if (js) plan.wasm = false;
  blurInto(plan, Float64Array.from(src), out, 0);
  return out;
}

function resize64(src: ArrayLike<number>, inH: number, inW: number, outH: number, outW: number): Float64Array {
  const out = new Float64Array(outH * outW);
  resizeInto(resizePlan(inH, inW, outH, outW), src, 0, out, false);
  return out;
}

type Fill = (i: number) => number;

function scores(n: number, fill: Fill): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => fill(i));
}

const rng = createRng('maps-exact');
const FILLS: Record<string, Fill> = {
  random: () => rng.uniform(0, 50),
  signed: () => rng.uniform(-3, 3),
  constant: () => 7.25,
  zeros: () => 0,
  negativeZero: () => -0,
  huge: () => (rng.next() < 0.5 ? 3.4e38 : 1e38 * rng.next()),
  tiny: () => (rng.next() < 0.5 ? 1e-45 : 1e-40 * rng.next()),
  mixedScales: () => (rng.next() < 0.2 ? 3e38 : rng.next() < 0.5 ? 1e-44 : rng.uniform(0, 1)),
  sparseSpikes: () => (rng.next() < 0.05 ? 1000 : 0),
  checker: (i) => (i % 2 ? 1e30 : -1e30),
  nonFinite: (i) => [Infinity, 1, -Infinity, NaN, 2][i % 5],
};

// [imageCount, gridH, gridW, inputSize, sigma]
const SHAPES: [number, number, number, number, number][] = [
  [3, 14, 14, 112, 4], // the e2e shape
  [2, 28, 28, 224, 4], // the paper's
  [1, 1, 1, 1, 4],
  [2, 1, 1, 9, 4],
  [2, 3, 5, 17, 4], // non-square grid, odd size
  [2, 7, 2, 13, 1.5],
  [1, 5, 9, 3, 4], // downsampling; kernel far wider than the map
  [2, 4, 4, 7, 0], // sigma 0: upsample only
  [1, 6, 6, 31, 0.3], // radius 1
  [1, 6, 6, 30, 0.1], // radius 0
  [1, 2, 3, 10, 9.7],
  [1, 9, 9, 15, 4],
  // widths that are multiples of 8 (the WebAssembly kernel's), with the odd kernels again
  [2, 3, 5, 16, 4],
  [1, 1, 1, 8, 4],
  [1, 4, 4, 24, 0.3],
  [1, 5, 5, 8, 9.7],
  [1, 3, 3, 40, 0.1],
];

test('the WebAssembly blur kernel loads here (else the byte tests below would only cover the JavaScript loops)', () => {
  assert.equal(blurPlan(8, 16, 4).wasm, true);
  assert.equal(blurPlan(8, 15, 4).wasm, false);
});

test('anomalyMaps equal the reference loops byte for byte (random and adversarial inputs, odd shapes)', () => {
  for (const [name, fill] of Object.entries(FILLS)) {
    for (const [n, gh, gw, size, sigma] of SHAPES) {
      const s = scores(n * gh * gw, fill);
      const what = `${name} ${n}x${gh}x${gw} -> ${size}, sigma ${sigma}`;
      sameBytes(anomalyMaps(s, n, gh, gw, size, sigma), anomalyMapsRef(s, n, gh, gw, size, sigma), what);
      const one = s.subarray(0, gh * gw);
      sameBytes(
        anomalyMap(one, gh, gw, size, sigma),
        anomalyMapsRef(one, 1, gh, gw, size, sigma),
        `anomalyMap ${what}`,
      );
      sameBytes(
        resize64(one, gh, gw, size, size),
        bilinearResizeRef64(one, gh, gw, size, size),
        `float64 resize ${what}`,
      );
      if (sigma > 0) {
        const up = bilinearResizeRef(one, gh, gw, size, size);
        const ref = gaussianBlurRef64(up, size, size, sigma);
        sameBytes(blur64(up, size, size, sigma), ref, `float64 blur ${what}`);
        sameBytes(blur64(up, size, size, sigma, 4, true), ref, `float64 blur (JavaScript loops) ${what}`);
      }
    }
  }
});

test('bilinearResize and gaussianBlur equal the reference loops byte for byte', () => {
  for (const [name, fill] of Object.entries(FILLS)) {
    for (const [inH, inW, outH, outW] of [
      [14, 14, 112, 112],
      [1, 1, 5, 3],
      [3, 8, 2, 21],
      [6, 5, 6, 5],
      [9, 4, 4, 9],
      [5, 16, 7, 9],
      [1, 8, 1, 8],
      [20, 24, 3, 3],
    ]) {
      const s = scores(inH * inW, fill);
      sameBytes(bilinearResize(s, inH, inW, outH, outW), bilinearResizeRef(s, inH, inW, outH, outW), `resize ${name}`);
      // a plain array with values that float32 cannot hold (the reference reads them as doubles too)
      const d = Array.from(s, (v, i) => v + i * 1e-9);
      sameBytes(
        bilinearResize(d, inH, inW, outH, outW),
        bilinearResizeRef(d, inH, inW, outH, outW),
        `resize f64 ${name}`,
      );
      sameBytes(resize64(d, inH, inW, outH, outW), bilinearResizeRef64(d, inH, inW, outH, outW), `resize64 ${name}`);
      for (const sigma of [4, 1, 0.4, 2.5]) {
        for (const truncate of [4, 2]) {
          const what = `blur ${name} ${inH}x${inW} sigma ${sigma} truncate ${truncate}`;
          sameBytes(gaussianBlur(s, inH, inW, sigma, truncate), gaussianBlurRef(s, inH, inW, sigma, truncate), what);
          sameBytes(gaussianBlur(d, inH, inW, sigma, truncate), gaussianBlurRef(d, inH, inW, sigma, truncate), what);
          sameBytes(
            blur64(d, inH, inW, sigma, truncate),
            gaussianBlurRef64(d, inH, inW, sigma, truncate),
            `${what} f64`,
          );
        }
      }
    }
  }
});

test('bilinearResize still writes into a given buffer and checks it', () => {
  const out = new Float32Array(12);
  const r = bilinearResize([1, 2, 3, 4], 2, 2, 3, 4, out);
  assert.equal(r, out);
  sameBytes(out, bilinearResizeRef([1, 2, 3, 4], 2, 2, 3, 4), 'into');
  assert.throws(() => bilinearResize([1, 2, 3, 4], 2, 2, 3, 4, new Float32Array(5)), /output buffer has 5/);
  assert.throws(() => gaussianBlur([1, 2, 3], 1, 3, 0), /sigma/);
  assert.throws(() => gaussianBlur([1, 2, 3], 0, 3), /positive integers/);
});
