import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalAvgPool, globalMaxPool, splitNchw, nhwcToNchw } from '../../src/features/backbones/split';

test('global average and max pooling of HWC maps (hand-computed), and the NCHW <-> HWC round trip', () => {
  // 2x2 map, 2 channels: channel 0 = 1, 2, 3, 6; channel 1 = -1, -2, -3, -4
  const m = { data: Float32Array.from([1, -1, 2, -2, 3, -3, 6, -4]), height: 2, width: 2, channels: 2 };
  assert.deepEqual([...globalAvgPool([m, m]).data], [3, -2.5, 3, -2.5]);
  assert.deepEqual([...globalMaxPool([m]).data], [6, -1]);
  const nchw = nhwcToNchw(m.data, 1, 2, 2, 2);
  assert.deepEqual([...nchw], [1, 2, 3, 6, -1, -2, -3, -4]);
  assert.deepEqual(splitNchw(nchw, 1, 2, 2, 2)[0].data, m.data);
});
