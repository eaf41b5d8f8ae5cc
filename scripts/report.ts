/**
 * npm run report -- --run results/<run> [--sections a,b] [--map-splits one-per-setting|all]
 * Writes <run>/report.html, the run's self-contained interactive report, from an existing run folder.
 */
import { writeReport, SECTION_NAMES, SectionName } from '../src/report';
import { CliSpec, requiredFlag, runCli, stringFlag, valueFlag } from '../src/util';
import { OptionError } from '../src/util';

const SPEC: CliSpec = {
  command: 'npm run report --',
  summary:
    'Writes <run>/report.html: one self-contained HTML file (no network) with the run header, summary, interactive trade-off and per-class charts, TailSampler per split and anomaly maps.',
  flags: {
    run: valueFlag('DIR', 'run folder holding results.csv (results/<run>); required'),
    sections: valueFlag('LIST', `comma-separated sections, in order (${SECTION_NAMES.join(', ')})`, 'all'),
    'map-splits': valueFlag(
      'WHICH',
      'anomaly maps of one-per-setting (lowest seed, noise nearest 10 %) or all splits',
      'one-per-setting',
    ),
  },
  epilog: 'Exit codes: 0 ok, 1 bug, 2 bad input (no run folder, no results.csv, a flag).',
};

runCli(SPEC, async (p) => {
  const dir = requiredFlag(p, SPEC, 'run');
  const list = stringFlag(p, 'sections');
  const sections = list?.split(',').map((s) => s.trim()) as SectionName[] | undefined;
  const which = stringFlag(p, 'map-splits') ?? 'one-per-setting';
  if (which !== 'one-per-setting' && which !== 'all')
    throw new OptionError(`--map-splits must be one-per-setting or all, got "${which}"`);
  const r = writeReport(dir, { sections, mapSplits: which });
  console.log(`wrote ${r.file} (${(r.bytes / 1024).toFixed(0)} KiB)`);
});
