/**
 * Every command the README and docs/ show for a kit tool (npm run X -- ..., npx tsx scripts/X.ts ...) is run with
 * --help, and every flag the docs give it must be in that help: a documented flag that does not exist (issue 19:
 * `npm run synth -- --family lookalike`) fails here. Exit code 3 ("not built yet") may only be documented to users if
 * something throws NotYetError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const scripts = (
  JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The documented commands, continuation lines joined: [doc, tool file, flags]. */
function documentedCommands(): { doc: string; file: string; flags: string[]; text: string }[] {
  const out: { doc: string; file: string; flags: string[]; text: string }[] = [];
  for (const doc of DOCS) {
    const text = fs.readFileSync(path.join(REPO, doc), 'utf8').replace(/\\\n\s*/g, ' ');
    const candidates = [
      ...text.split('\n'), // lines of code blocks
      ...[...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]), // inline code
    ];
    for (const raw of candidates) {
      const line = raw.replace(/#.*$/, '').trim();
      let file: string | undefined;
      const npm = /^npm run ([\w:-]+)/.exec(line);
      // (the npm scripts source scripts/allocator.env first)
      if (npm) file = /^(?:\. \.\/scripts\/allocator\.env && )?tsx (\S+\.ts)$/.exec(scripts[npm[1]] ?? '')?.[1];
      const tsx = /^npx tsx ((?:scripts|bench)\/[\w-]+\.ts)/.exec(line);
      if (tsx) file = tsx[1];
      if (!file) continue;
      const flags = [...line.matchAll(/(?:^|\s|\[)--([a-z][\w-]*)/g)].map((m) => m[1]);
      out.push({ doc, file, flags, text: line });
    }
  }
  return out;
}

test('every documented command of a kit tool exists, and every flag the docs give it is in its --help', () => {
  const commands = documentedCommands();
  assert.ok(commands.length >= 20, `only ${commands.length} documented commands found`);
  const helps = new Map<string, string>();
  const problems: string[] = [];
  for (const c of commands) {
    if (!helps.has(c.file)) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, c.file), '--help'], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (r.status !== 0) problems.push(`${c.file} --help exited ${r.status}: ${r.stderr.slice(0, 300)}`);
      helps.set(c.file, r.stdout);
    }
    const help = helps.get(c.file)!;
    for (const f of c.flags)
      if (!new RegExp(`(^|\\s)--${f}([\\s=]|$)`, 'm').test(help))
        problems.push(`${c.doc}: "${c.text}": --${f} is not a flag of ${c.file}`);
  }
  assert.deepEqual(problems, []);
});

test('exit code 3 ("not built yet") is documented to users only if something throws NotYetError', () => {
  const throws = (dir: string): boolean =>
    fs
      .readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' })
      .some(
        (f) => f.endsWith('.ts') && /throw new NotYetError\(/.test(fs.readFileSync(path.join(REPO, dir, f), 'utf8')),
      );
  if (throws('src') || throws('scripts')) return;
  // User-facing texts: the README, docs/ and every tool's --help epilog.
  const texts = DOCS.filter((d) => d === 'README.md' || d.startsWith('docs/')).map((d) => [
    d,
    fs.readFileSync(path.join(REPO, d), 'utf8'),
  ]);
  for (const f of fs.readdirSync(path.join(REPO, 'scripts')).filter((n) => n.endsWith('.ts')))
    texts.push([
      `scripts/${f}`,
      fs.readFileSync(path.join(REPO, 'scripts', f), 'utf8').match(/epilog:[\s\S]*?\n {2}\w|epilog:[^\n]*/)?.[0] ?? '',
    ]);
  const mention = /exit(?:s| code)?:?[^.\n]{0,40}\b3\b|\b3 not yet/i;
  assert.deepEqual(
    texts.filter(([, t]) => mention.test(t)).map(([d]) => d),
    [],
  );
});
