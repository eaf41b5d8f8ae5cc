// Dead-code check (`npm run deadcode`; `npm test` runs it): unused files, dependencies and exports.
// The notebooks count as users: their code cells are read (imports of '../dist' mapped to '../src'), so an export
// that only a notebook calls is not reported. src/index.ts (the public API) and the folder barrels (src/**/index.ts,
// the documented doors to each folder's internals for scripts and bench) are entries: what they export is the API.
// An export of any other file that no barrel, script, bench, test or notebook uses is reported.
import type { KnipConfig } from 'knip';

const notebookCells = (text: string): string => {
  const nb = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
    .join('\n')
    .replace(
      /(['"])\.\.\/dist(\/[^'"]*)?\1/g,
      (_m, q: string, rest: string | undefined) => `${q}../src${rest ?? ''}${q}`,
    );
};

const config: KnipConfig = {
  // The synthetic generator's render worker is started by file name (src/data/synth/render-pool.ts), never imported.
  entry: [
    'src/**/index.ts',
    'src/data/synth/render-worker.ts',
    'scripts/*.{ts,js}',
    'bench/*.ts',
    'test/**/*.test.ts',
    'notebooks/*.ipynb',
  ],
  project: ['src/**/*.ts', 'scripts/**/*.{ts,js}', 'bench/**/*.ts', 'test/**/*.ts', 'notebooks/*.ipynb'],
  compilers: { ipynb: notebookCells },
  ignoreExportsUsedInFile: true,
  // Read from disk (its browser build), not imported: src/report/html-report.ts inlines it into report.html.
  ignoreDependencies: ['vega-embed'],
  // System programs that the tests and the run lock start (Jupyter, SLURM and munge come from apt in .ci/run), not npm packages.
  ignoreBinaries: [
    'jupyter',
    'flock',
    'munged',
    'slurmctld',
    'slurmd',
    'sinfo',
    'scontrol',
    'scancel',
    'mount',
    'umount',
  ],
};

export default config;
