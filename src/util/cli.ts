/**
 * One way to build a command-line tool: node:util parseArgs, one --help format, one exit-code convention.
 *   0  success
 *   1  a bug (unexpected exception; the stack is printed)
 *   2  bad input: an InputError or OptionError (a file, a folder, a config key, a flag); one line, no stack
 *   3  a part that is not built yet (NotYetError)
 */
import { parseArgs } from 'node:util';
import { InputError, NotYetError, OptionError } from './errors';

export const EXIT_CODES = { ok: 0, bug: 1, input: 2, notYet: 3 } as const;

/** One flag: its parseArgs type, a one-line description and an optional default shown in --help. */
export interface CliFlag {
  type: 'string' | 'boolean';
  description: string;
  /** Shown as "(default X)"; the value itself is applied by the caller's own options defaults. */
  default?: string | boolean;
  short?: string;
  multiple?: boolean;
  /** Placeholder for the value in --help, e.g. FILE. @default VALUE */
  value?: string;
}

/** `--data DIR`, the required flag of the tools that read a dataset in the MVTec layout. */
export const DATA_FLAG: CliFlag = {
  type: 'string',
  value: 'DIR',
  description: 'dataset root in the MVTec layout (e.g. from npm run synth); required',
};

export interface CliSpec {
  /** npm script or file name, e.g. "npm run split --". */
  command: string;
  /** One or two sentences: what the tool does. */
  summary: string;
  flags: Record<string, CliFlag>;
  /** Names of positionals shown in the usage line; none allowed when absent. */
  positionals?: string[];
  /** Extra text after the flag table. */
  epilog?: string;
}

/** A flag that takes a value: `valueFlag('N', 'seed of the split', '0')`. */
export function valueFlag(value: string, description: string, defaultValue?: string): CliFlag {
  return { type: 'string', value, description, ...(defaultValue !== undefined ? { default: defaultValue } : {}) };
}

/** The --help text of a tool, in the one format every CLI of the kit uses. */
export function helpText(spec: CliSpec): string {
  const flagNames = Object.keys(spec.flags);
  const usage = [`usage: ${spec.command}`, ...(spec.positionals ?? []).map((p) => p.toUpperCase()), '[options]'].join(
    ' ',
  );
  const rows = flagNames.map((name) => {
    const f = spec.flags[name];
    const left = `  --${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const def = f.default !== undefined ? ` (default ${String(f.default)})` : '';
    return `${left.padEnd(26)} ${f.description}${def}`;
  });
  rows.push(`${'  --help'.padEnd(26)} this text`);
  return [usage, spec.summary, '', ...rows, ...(spec.epilog ? ['', spec.epilog] : [])].join('\n');
}

export interface ParsedCli {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  help: boolean;
}

/** Parses argv against the spec; an unknown flag or a missing value is an OptionError that names it. */
export function parseCli(spec: CliSpec, argv: string[] = process.argv.slice(2)): ParsedCli {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  options.help = { type: 'boolean', short: 'h' };
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(spec, argv),
      options,
      allowPositionals: (spec.positionals?.length ?? 0) > 0,
      strict: true,
    });
    const help = values.help === true;
    delete (values as Record<string, unknown>).help;
    return { values: values as ParsedCli['values'], positionals, help };
  } catch (e) {
    throw new OptionError(`${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}\n\n${helpText(spec)}`);
  }
}

/**
 * `--seed -3` as `--seed=-3`: parseArgs refuses a value that starts with "-" after a flag as ambiguous, so a
 * negative number (or a shard such as `-1/2`) given as a separate argument of a string flag is joined to its flag,
 * and then gets the flag's own range check, as the `=` form does.
 */
function joinNegativeValues(spec: CliSpec, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)$/.exec(argv[i]);
    const next = argv[i + 1];
    if (m && spec.flags[m[1]]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** A string flag's value, or undefined. */
export function stringFlag(p: ParsedCli, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string flag that must be present. */
export function requiredFlag(p: ParsedCli, spec: CliSpec, name: string): string {
  const v = stringFlag(p, name);
  if (v === undefined || v === '') throw new OptionError(`--${name} is required\n\n${helpText(spec)}`);
  return v;
}

/** An integer flag within [min, max]; the error names the flag. */
export function intFlag(p: ParsedCli, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const s = stringFlag(p, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionError(`--${name} must be an integer${range_(range.min, range.max, min, max)}, got "${s}"`);
  }
  return n;
}

/** A number flag within [min, max]; the error names the flag. */
export function numberFlag(p: ParsedCli, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const s = stringFlag(p, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  const min = range.min ?? -Infinity;
  const max = range.max ?? Infinity;
  if (s.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new OptionError(`--${name} must be a number${range_(range.min, range.max, min, max)}, got "${s}"`);
  }
  return n;
}

/**
 * Runs `fn` and re-issues an OptionError about a library option under the flag the user typed, so a range check
 * kept in one place (the library) still names the flag: `{ targetDim: '--dim' }` turns "option targetDim must be
 * ..." into "option --dim must be ...".
 */
export async function withFlagNames<T>(flags: Record<string, string>, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof OptionError && e.key !== undefined && Object.prototype.hasOwnProperty.call(flags, e.key))
      throw e.withKey(flags[e.key]);
    throw e;
  }
}

/** " in [min, max]" when a bound was given (the other one shown as its default), "" for none. */
function range_(min: number | undefined, max: number | undefined, lo: number, hi: number): string {
  if (min === undefined && max === undefined) return '';
  return ` in [${min ?? lo}, ${max ?? hi}]`;
}

/** Exit code for an error, by the convention above. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof InputError || e instanceof OptionError) return EXIT_CODES.input;
  if (e instanceof NotYetError) return EXIT_CODES.notYet;
  return EXIT_CODES.bug;
}

/**
 * Runs a CLI's main: --help prints the help and exits 0; known errors print one line `<tool>: error: ...` and exit
 * 2 (or 3); anything else prints its stack and exits 1.
 */
export function runCli(
  spec: CliSpec,
  main: (p: ParsedCli) => Promise<void> | void,
  argv: string[] = process.argv.slice(2),
): void {
  const tool = spec.command.replace(/^npm run /, '').replace(/ --$/, '');
  Promise.resolve()
    .then(() => {
      const p = parseCli(spec, argv);
      if (p.help) {
        console.log(helpText(spec));
        return;
      }
      return main(p);
    })
    .then(
      () => {
        process.exitCode = process.exitCode ?? EXIT_CODES.ok;
      },
      (e: unknown) => {
        const code = exitCodeFor(e);
        console.error(
          code === EXIT_CODES.bug ? ((e as Error)?.stack ?? String(e)) : `${tool}: error: ${(e as Error).message}`,
        );
        process.exit(code);
      },
    );
}
