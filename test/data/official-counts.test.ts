import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOfficialManifest, loadOfficialSplit } from '../../src/data/official';
import { InputError } from '../../src/util/errors';
import { fakeClass } from './fake';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tc-offc-'));
const ds = () => ({
  root: '/fake',
  classes: [
    fakeClass('bottle', 10, 4, 2, ['broken_large']),
    fakeClass('grid', 10, 4, 2, ['bent']),
    fakeClass('zipper', 10, 4, 2, ['squeezed_teeth']),
  ],
});
const pruneAllBut = (cls: string, keep: number) =>
  Array.from({ length: 10 - keep }, (_, i) => `${cls}/train/good/${String(9 - i).padStart(3, '0')}.png`);

function write(dir: string, prune: string | string[], inject: string | string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const text = (x: string | string[]) => (typeof x === 'string' ? x : x.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'prune_good.txt'), text(prune));
  fs.writeFileSync(path.join(dir, 'inject_defects.txt'), text(inject));
  return dir;
}

const inject = ['grid/train/good/bent_000.png', 'zipper/train/good/squeezed_teeth_000.png'];

test('an empty (0-byte) prune_good.txt is refused for step K=1 and Pareto, instead of running with no tail class', () => {
  const root = tmp();
  write(path.join(root, 'step_k1', 'seed01'), '', inject);
  write(path.join(root, 'pareto', 'seed01'), '', inject);
  for (const cell of [
    { tail: 'step' as const, k: 1, seed: 1 },
    { tail: 'pareto' as const, k: null, seed: 1 },
  ]) {
    assert.throws(
      () => loadOfficialSplit(root, ds(), cell),
      (e: unknown) =>
        e instanceof InputError &&
        /prune_good\.txt removes no training image, so no class is a tail class/.test(e.message),
    );
  }
  // Both files empty (noise 0): still no tail, still refused.
  const both = write(path.join(root, 'b', 'step_k1', 'seed01'), '', '');
  assert.throws(() => loadOfficialManifest(both, ds()), /removes no training image/);
});

test('a cut prune_good.txt (a tail class keeps 3 in a step K=1 manifest) is refused, naming the class', () => {
  const root = tmp();
  const dir = write(
    path.join(root, 'step_k1', 'seed01'),
    [...pruneAllBut('bottle', 1), ...pruneAllBut('grid', 3)],
    ['zipper/train/good/squeezed_teeth_000.png'],
  );
  assert.throws(
    () => loadOfficialManifest(dir, ds()),
    (e: unknown) =>
      e instanceof InputError &&
      /every tail class must keep exactly 1 training image\(s\), but "grid" keeps 3 of 10/.test(e.message),
  );
  // The whole file: accepted.
  write(dir, [...pruneAllBut('bottle', 1), ...pruneAllBut('grid', 1)], ['zipper/train/good/squeezed_teeth_000.png']);
  assert.deepEqual(
    loadOfficialManifest(dir, ds()).classes.map((c) => c.trainGood.length),
    [1, 1, 10],
  );
});
