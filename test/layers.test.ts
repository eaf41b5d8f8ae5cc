/**
 * The layer rule, the doors rule and the cycle rule of eslint.config.mjs really fire: an upward import, a script's deep
 * import and an import cycle are lint errors (a resolver or parser misconfiguration would silently turn them into no-ops).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..');

function ruleIds(results: ESLint.LintResult[]): string[] {
  return results.flatMap((r) => r.messages.map((m) => m.ruleId ?? m.message));
}

test('a lower folder importing a higher one is a lint error; a downward import is not', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const up = await eslint.lintText("import { createModel } from '../models';\nexport const f = createModel;\n", {
    filePath: path.join(ROOT, 'src', 'util', 'layer-probe.ts'),
  });
  assert.ok(ruleIds(up).includes('import-x/no-restricted-paths'), JSON.stringify(ruleIds(up)));
  const down = await eslint.lintText("import { createRng } from '../util/rng';\nexport const f = createRng;\n", {
    filePath: path.join(ROOT, 'src', 'models', 'layer-probe.ts'),
  });
  assert.deepEqual(ruleIds(down), []);
});

test('a script importing a file inside a src folder is a lint error; the public API and a folder barrel are not', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (spec: string) =>
    ruleIds(
      await eslint.lintText(`import { x } from '${spec}';\nexport const f = x;\n`, {
        filePath: path.join(ROOT, 'scripts', 'door-probe.ts'),
      }),
    );
  assert.deepEqual(await lint('../src/models/factory'), ['no-restricted-imports']);
  assert.deepEqual(await lint('../src/data/splits/build'), ['no-restricted-imports']);
  assert.deepEqual(await lint('../src'), []);
  assert.deepEqual(await lint('../src/models'), []);
  assert.deepEqual(await lint('../src/data/splits'), []);
});

test('an import cycle is a lint error', async () => {
  const dir = fs.mkdtempSync(path.join(ROOT, 'test', 'cycle-probe-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): unknown => b;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): unknown => a;\n");
    const results = await new ESLint({ cwd: ROOT }).lintFiles([path.join(dir, 'a.ts')]);
    assert.ok(ruleIds(results).includes('import-x/no-cycle'), JSON.stringify(ruleIds(results)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
