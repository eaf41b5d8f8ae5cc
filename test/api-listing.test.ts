/**
 * The public API's listing in docs/architecture.md is src/index.ts's: the same names with the same one-line docs, and
 * every name of src/index.ts has its doc line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** name -> doc of every `/** doc *\/ name,` inside the export lists of src/index.ts. */
function indexDocs(): Map<string, string> {
  const src = fs.readFileSync(path.join(ROOT, 'src', 'index.ts'), 'utf8');
  const out = new Map<string, string>();
  for (const list of src.matchAll(/export (?:type )?\{([^}]*)\} from/g)) {
    const body = list[1];
    const names = body
      .replace(/\/\*\*[\s\S]*?\*\//g, '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    for (const n of names) {
      const doc = new RegExp(`/\\*\\* (.*?) \\*/\\s*${n},`).exec(body);
      assert.ok(doc, `src/index.ts: ${n} has no one-line /** doc */ above it`);
      out.set(n, doc[1]);
    }
  }
  return out;
}

function listedDocs(): Map<string, string> {
  const md = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const section = /<!-- api:start -->([\s\S]*)<!-- api:end -->/.exec(md);
  assert.ok(section, 'docs/architecture.md has no <!-- api:start --> ... <!-- api:end --> section');
  return new Map([...section[1].matchAll(/^\| `(\w+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]));
}

test('docs/architecture.md lists exactly the names and docs of src/index.ts', () => {
  const code = indexDocs();
  const docs = listedDocs();
  assert.ok(code.size > 40, `only ${code.size} names found in src/index.ts`);
  const missing = [...code.keys()].filter((n) => !docs.has(n));
  const extra = [...docs.keys()].filter((n) => !code.has(n));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'names differ (docs/architecture.md "Public API")');
  for (const [n, d] of code) assert.equal(docs.get(n), d, `doc of ${n} differs`);
});

test('every name listed is really exported by the compiled entry (no doc line without its export)', async () => {
  const api: Record<string, unknown> = await import('../src');
  const values = [...indexDocs().keys()].filter((n) => n in api);
  // Types vanish at run time; the values must all be there.
  assert.ok(values.includes('openSession') && values.includes('createModel') && values.includes('buildSplit'));
  for (const n of values) assert.notEqual(api[n], undefined, n);
});
