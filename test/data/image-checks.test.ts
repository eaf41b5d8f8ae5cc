import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import realFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataset } from '../../src/data/validate';
import { loadDataset } from '../../src/data/mvtec';
import { truncationProblem } from '../../src/data/image-trailer';
import { InputError } from '../../src/util/errors';
import { MVTEC_FIXTURE_DEFECTS, writeFixtureDataset } from './official-fixture';

async function fixture(): Promise<string> {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tc-img-')), 'd');
  await writeFixtureDataset(root, {
    defects: { bottle: MVTEC_FIXTURE_DEFECTS.bottle },
    train: 3,
    perDefect: 1,
    size: 32,
  });
  return root;
}

test('a truncated PNG fails when the dataset is opened (header check), not at extraction', async () => {
  const root = await fixture();
  const img = path.join(root, 'bottle', 'train', 'good', '001.png');
  assert.equal(truncationProblem(img), null);
  const bytes = fs.readFileSync(img);
  fs.writeFileSync(img, bytes.subarray(0, bytes.length - 40));
  await assert.rejects(
    openDataset(root),
    (e: unknown) =>
      e instanceof InputError &&
      /1 bad file\(s\): image bottle\/train\/good\/001\.png cannot be decoded \(a PNG without its end \(IEND\) chunk: the file is cut short\)/.test(
        e.message,
      ),
  );
  // A JPEG without its end marker, too.
  const jpg = path.join(root, 'x.jpg');
  fs.writeFileSync(jpg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]));
  assert.match(truncationProblem(jpg)!, /JPEG without its end marker/);
});

test('an unreadable image is reported as a permission problem; an unreadable folder in one line', async () => {
  const root = await fixture();
  const img = path.join(root, 'bottle', 'train', 'good', '002.png');
  const denied = (p: unknown) =>
    Object.assign(new Error(`EACCES: permission denied, open '${String(p)}'`), { code: 'EACCES', path: String(p) });
  const openSync = realFs.openSync;
  mock.method(realFs, 'openSync', (p: fs.PathLike, ...rest: unknown[]) => {
    if (String(p) === img) throw denied(p);
    return (openSync as (...a: unknown[]) => number)(p, ...rest);
  });
  try {
    await assert.rejects(openDataset(root), (e: Error) =>
      /image bottle\/train\/good\/002\.png: permission denied \(EACCES\)\. Fix the permissions of these files/.test(
        e.message,
      ),
    );
  } finally {
    mock.restoreAll();
  }
  const cls = path.join(root, 'bottle', 'test');
  const readdirSync = realFs.readdirSync;
  mock.method(realFs, 'readdirSync', (p: fs.PathLike, ...rest: unknown[]) => {
    if (String(p) === cls) throw denied(p);
    return (readdirSync as (...a: unknown[]) => unknown)(p, ...rest);
  });
  try {
    assert.throws(
      () => loadDataset(root),
      (e: unknown) =>
        e instanceof InputError &&
        e.message ===
          `cannot read dataset folder ${cls}: permission denied (EACCES); fix its permissions or choose another folder`,
    );
  } finally {
    mock.restoreAll();
  }
});
