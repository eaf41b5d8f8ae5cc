/**
 * npm run experiment -- --config FILE [--summary-only]
 * Runs (or resumes) an experiment grid, then writes summary.csv, summary.md and the figures beside results.csv.
 */
import { readConfigFile, experimentHelp, runExperiment, runDir } from '../src/experiments';
import { kitPipeline } from '../src/experiments/kit-pipeline';
import { writeRunOutputs } from '../src/experiments/outputs';
import { MODEL_NAMES } from '../src/models';
import { InputError, OptionError, NotYetError } from '../src/util/errors';

const USAGE = `Usage: npm run experiment -- --config FILE [--summary-only]
  --config FILE    experiment config (JSON); see configs/synthetic-benchmark.json and configs/paper-mvtec.json
  --summary-only   do not run cells; only rewrite summary.csv, summary.md and figures from results.csv
  --help           this text and every config key with its default
A top-level "$comment" key in the config is free text and ignored; any other unknown key is an error.`;

function parseArgs(argv: string[]): { config?: string; summaryOnly: boolean; help: boolean } {
  const out = { config: undefined as string | undefined, summaryOnly: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--summary-only') out.summaryOnly = true;
    else if (a === '--config') { out.config = argv[++i]; if (!out.config) throw new OptionError('--config needs a file path'); }
    else if (a.startsWith('--config=')) out.config = a.slice(9);
    else throw new OptionError(`unknown argument "${a}"\n${USAGE}`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) { console.log(`${USAGE}\n\n${experimentHelp(MODEL_NAMES)}`); return; }
  if (!args.config) throw new OptionError(`--config FILE is required\n${USAGE}`);
  const config = readConfigFile(args.config, MODEL_NAMES);
  const t0 = Date.now();
  if (!args.summaryOnly) {
    const s = await runExperiment(config, kitPipeline());
    console.error(`ran ${s.ranCells} cells (${s.skippedCells} were done before) in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
  }
  const outs = await writeRunOutputs(runDir(config));
  console.log(outs.summaryMarkdown);
  console.log(`results: ${runDir(config)}/results.csv\nsummary: ${runDir(config)}/summary.csv, summary.md\nfigures: ${outs.figures.join(', ')}`);
}

main().catch((e: Error) => {
  const known = e instanceof InputError || e instanceof OptionError || e instanceof NotYetError;
  console.error(known ? `error: ${e.message}` : e.stack ?? String(e));
  process.exit(known ? 2 : 1);
});
