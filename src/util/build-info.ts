/**
 * Is the compiled kit in dist/ the build of the current src/? The notebooks import `../dist` (tslab cannot compile
 * files outside the notebook folder), so a stale dist/ would silently run old code. `npm run build` writes the hash of
 * every src/ file into dist/build-info.json; the dist barrel checks it when it loads and refuses to run when src/ has
 * changed since. Loaded from src/ (tests, scripts through tsx) the check does nothing.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BUILD_INFO_FILE = 'build-info.json';

function sourceFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...sourceFiles(dir, r));
    else if (e.name.endsWith('.ts')) out.push(r);
  }
  return out;
}

/** sha256 over the relative path and bytes of every .ts file under `srcDir`, in a fixed order. */
export function sourceHash(srcDir: string): string {
  const h = crypto.createHash('sha256');
  for (const f of sourceFiles(srcDir))
    h.update(f)
      .update('\0')
      .update(fs.readFileSync(path.join(srcDir, f)))
      .update('\0');
  return h.digest('hex');
}

/**
 * Writes dist/build-info.json for the sources in `srcDir`. Called by scripts/build.js after tsc, from the compiled
 * dist/util/build-info.js (the barrel would refuse the not-yet-stamped build), which the dead-code check cannot see.
 * @public
 */
export function writeBuildInfo(distDir: string, srcDir: string): void {
  fs.writeFileSync(
    path.join(distDir, BUILD_INFO_FILE),
    JSON.stringify({ sourceHash: sourceHash(srcDir), builtAt: new Date().toISOString() }, null, 2) + '\n',
  );
}

/**
 * Throws when `moduleDir` is a dist/ folder next to a src/ folder whose sources differ from the ones it was built from
 * (or when it has no build-info.json). Does nothing for any other folder, or when there is no src/ beside it.
 */
export function assertFreshBuild(moduleDir: string): void {
  if (path.basename(moduleDir) !== 'dist') return;
  const srcDir = path.join(path.dirname(moduleDir), 'src');
  if (!fs.existsSync(srcDir)) return;
  const infoFile = path.join(moduleDir, BUILD_INFO_FILE);
  const built = fs.existsSync(infoFile)
    ? (JSON.parse(fs.readFileSync(infoFile, 'utf8')) as { sourceHash?: string }).sourceHash
    : undefined;
  if (built !== sourceHash(srcDir)) {
    throw new Error(
      `${moduleDir} is ${built ? 'older than' : 'not a recorded build of'} ${srcDir}: the kit's sources changed since the last build, ` +
        'so this would run old code. Run `npm run build` (or `npm run notebooks`, which builds first), then restart the kernel.',
    );
  }
}
