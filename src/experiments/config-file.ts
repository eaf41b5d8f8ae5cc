/**
 * Reading an experiment config file: JSON, with an optional top-level "$comment" (free text, ignored). A UTF-8 byte
 * order mark (Windows editors write one) is skipped; any other invisible character is named in the JSON error.
 */
import * as fs from 'node:fs';
import { ioError } from '../util/atomic';
import { InputError } from '../util/errors';
import { resolveConfig, ResolvedConfig } from './config';

export function readConfigFile(file: string, modelNames: readonly string[]): ResolvedConfig {
  if (!fs.existsSync(file)) throw new InputError(`config file not found: ${file}`);
  if (fs.statSync(file).isDirectory()) throw new InputError(`config file ${file} is a folder; give the JSON file`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw ioError(e, file, 'read config file');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const odd = /[\u200b-\u200f\u2028\u2029\u00a0\ufeff]/.exec(text);
    const hint = odd
      ? ` (it holds the invisible character U+${odd[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at offset ${odd.index}; remove it)`
      : '';
    throw new InputError(`config file ${file} is not valid JSON: ${(e as Error).message}${hint}`);
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
