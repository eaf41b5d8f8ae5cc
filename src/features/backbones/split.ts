/** Layout helpers shared by the backbone engines: batch tensors -> per-image HWC maps and pooled embeddings. */
import { Matrix, zeros } from '../../linalg/matrix';
import { BackboneOutput, EmbeddingPool, LayerMap } from '../types';

/** Splits an NHWC batch array into per-image HWC maps (copies, so the batch buffer can be freed). */
export function splitNhwc(data: Float32Array, n: number, h: number, w: number, c: number): LayerMap[] {
  const per = h * w * c;
  const out: LayerMap[] = [];
  for (let i = 0; i < n; i++) out.push({ data: data.slice(i * per, (i + 1) * per), height: h, width: w, channels: c });
  return out;
}

/** Splits an NCHW batch array into per-image HWC maps (transposing). */
export function splitNchw(data: Float32Array, n: number, c: number, h: number, w: number): LayerMap[] {
  const out: LayerMap[] = [];
  const hw = h * w;
  for (let i = 0; i < n; i++) {
    const m = new Float32Array(hw * c);
    const base = i * c * hw;
    for (let ch = 0; ch < c; ch++) {
      const src = base + ch * hw;
      for (let p = 0; p < hw; p++) m[p * c + ch] = data[src + p];
    }
    out.push({ data: m, height: h, width: w, channels: c });
  }
  return out;
}

/** Global average pool of per-image HWC maps -> n x C, accumulated in float64. */
export function globalAvgPool(maps: LayerMap[]): Matrix {
  const c = maps.length ? maps[0].channels : 0;
  const out = zeros(maps.length, c);
  const acc = new Float64Array(c);
  maps.forEach((m, i) => {
    acc.fill(0);
    const hw = m.height * m.width;
    for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) acc[k] += m.data[p * c + k];
    for (let k = 0; k < c; k++) out.data[i * c + k] = acc[k] / hw;
  });
  return out;
}

/** Global max pool of per-image HWC maps -> n x C. */
export function globalMaxPool(maps: LayerMap[]): Matrix {
  const c = maps.length ? maps[0].channels : 0;
  const out = zeros(maps.length, c);
  maps.forEach((m, i) => {
    const row = out.data.subarray(i * c, (i + 1) * c);
    row.fill(-Infinity);
    const hw = m.height * m.width;
    for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) if (m.data[p * c + k] > row[k]) row[k] = m.data[p * c + k];
  });
  return out;
}

/** NHWC -> NCHW for engines that want channels first. */
export function nhwcToNchw(data: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  const hw = h * w;
  for (let i = 0; i < n; i++) {
    const b = i * hw * c;
    for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) out[b + k * hw + p] = data[b + p * c + k];
  }
  return out;
}

/**
 * A backbone's output from its per-layer maps (one LayerMap per image for each layer name): the patch layers per
 * image, and the embedding layer pooled globally (max or average).
 */
export function backboneOutput(
  maps: Map<string, LayerMap[]>,
  n: number,
  patchLayers: readonly string[],
  embeddingLayer: string,
  pool: EmbeddingPool,
): BackboneOutput {
  const layers: Record<string, LayerMap>[] = [];
  for (let i = 0; i < n; i++) {
    const rec: Record<string, LayerMap> = {};
    for (const name of patchLayers) rec[name] = maps.get(name)![i];
    layers.push(rec);
  }
  const e = maps.get(embeddingLayer)!;
  return { layers, embeddings: pool === 'max' ? globalMaxPool(e) : globalAvgPool(e) };
}
