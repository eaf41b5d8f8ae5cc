/** Reading an experiment config file: JSON, with an optional top-level "$comment" (free text, ignored). */
import * as fs from 'node:fs';
import { InputError } from '../util/errors';
import { resolveConfig, ResolvedConfig } from './config';

export function readConfigFile(file: string, modelNames: readonly string[]): ResolvedConfig {
  if (!fs.existsSync(file)) throw new InputError(`config file not found: ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && '$comment' in raw) {
    const { $comment: _ignored, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  try {
    return resolveConfig(raw, modelNames);
  } catch (e) {
    (e as Error).message = `${file}: ${(e as Error).message}`;
    throw e;
  }
}
