import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkMvtecLayout } from '../../src/experiments/layout';
import { loadDataset } from '../../src/data/mvtec';
import { IMAGE_EXTENSIONS } from '../../src/data/layout';

function dataset(ext: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-layout-'));
  for (const dir of ['a/train/good', 'a/test/good']) fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, 'a/train/good', `000${ext}`), 'x');
  fs.writeFileSync(path.join(root, 'a/test/good', `000${ext}`), 'x');
  return root;
}

test('the runner preflight and the loader accept the same image extensions (one list)', () => {
  for (const ext of [...IMAGE_EXTENSIONS, '.WEBP', '.JPG']) {
    const root = dataset(ext);
    assert.deepEqual(checkMvtecLayout(root), ['a'], ext);
    assert.equal(loadDataset(root).classes[0].train.length, 1, ext);
  }
  const root = dataset('.txt');
  assert.throws(() => checkMvtecLayout(root), /class "a" has no images in train\/good/);
  assert.throws(() => loadDataset(root), /not an image file/);
});
