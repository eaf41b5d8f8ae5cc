/**
 * `--emit` on a run that already has parts: the job files must use the run's number of shards, or every fits task
 * would be refused (after the whole features array had run).
 */
import { OptionError } from '../util/errors';
import type { ResolvedConfig } from './config';
import { runDir } from './preflight';
import { listParts } from './run-folder';
import { partName } from './shards';

export function checkEmitShardLayout(config: ResolvedConfig, shards: number): void {
  const other = listParts(runDir(config)).find((p) => p.count !== shards);
  if (other)
    throw new OptionError(
      `run "${config.run}" is already split into ${other.count} shard(s) (parts/${partName(other)}); jobs for --shards ${shards} would all be refused. ` +
        `Emit with --shards ${other.count}, or set a new "run" name to shard it differently`,
    );
}
