import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePng } from '../../src/data/images';
import { readAligned } from '../../src/plots/heatmap';

test('readAligned crops like the extractor: a centred square stays centred in the map frame', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-align-'));
  const w = 32,
    h = 40; // portrait: shorter side 32 is kept (resize = 32), crop 28 -> top (40-28)/2 = 6, left 2
  const data = new Uint8Array(w * h * 3);
  for (let y = 16; y < 20; y++) for (let x = 14; x < 18; x++) data.fill(255, 3 * (y * w + x), 3 * (y * w + x) + 3);
  const file = path.join(dir, 'a.png');
  await writePng(file, { data, width: w, height: h });
  const img = await readAligned(file, 28, 28 / 32);
  assert.equal(img.width, 28);
  const white: [number, number][] = [];
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (img.data[3 * (y * 28 + x)] === 255) white.push([y, x]);
  assert.equal(white.length, 16);
  assert.deepEqual(white[0], [10, 12]); // (16 - 6, 14 - 2)
  assert.deepEqual(white[15], [13, 15]);
  fs.rmSync(dir, { recursive: true, force: true });
});
