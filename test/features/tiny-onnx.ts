/** The tiny WRN-shaped ONNX net of the tests (built in src/features/backbones/tiny-cnn.ts) and a file writer. */
import * as fs from 'node:fs';
import { tinyCnnOnnx } from '../../src/features/backbones/tiny-cnn';

export { tinyCnnOnnx };

/** Writes the tiny CNN to a file and returns its path. */
export function writeTinyCnn(file: string, opts: Parameters<typeof tinyCnnOnnx>[0] = {}): string {
  fs.writeFileSync(file, tinyCnnOnnx(opts));
  return file;
}
