/**
 * A one-node SLURM cluster for tests: munged, slurmctld and slurmd started with their own key, socket, config,
 * state and logs in a temporary folder (nothing system-wide is touched), and stopped by their pid files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as crypto from 'node:crypto';

const TOOLS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'sinfo'];

function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const p = path.join(dir, tool);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Why a local SLURM cannot run here, or null when it can. */
export function slurmUnavailable(): string | null {
  const missing = TOOLS.filter((t) => which(t) === null);
  if (missing.length)
    return `SLURM is not installed (missing ${missing.join(', ')}); install it with: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge (.ci/run does)`;
  if (process.getuid?.() !== 0)
    return 'the local SLURM test runs slurmd as root (SlurmdUser=root); run it as root (CI does)';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  dir: string;
  /** Environment for sbatch/squeue/scontrol (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  /** Stops the daemons (SIGTERM by their pid files), waits until they have exited, and removes the folder. */
  stop(): Promise<void>;
  log(): string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function startCluster(): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-slurm-'));
  const m = path.join(dir, 'munge');
  fs.mkdirSync(m, { mode: 0o700 });
  fs.mkdirSync(path.join(dir, 'state'));
  fs.mkdirSync(path.join(dir, 'spool'));
  fs.writeFileSync(path.join(m, 'munge.key'), crypto.randomBytes(1024), { mode: 0o400 });
  const socket = path.join(m, 'munge.sock');
  const host = os.hostname().split('.')[0];
  const mem = Math.floor(os.totalmem() / 1024 / 1024 / 2);
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(
    conf,
    [
      'ClusterName=tailedcore-test',
      `SlurmctldHost=${host}(127.0.0.1)`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'ReturnToService=2',
      'MpiDefault=none',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${os.cpus().length} RealMemory=${mem} State=UNKNOWN`,
      'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  for (const k of Object.keys(env)) if (k.startsWith('SLURM_') && k !== 'SLURM_CONF') delete env[k];
  const pidFiles = [path.join(dir, 'slurmd.pid'), path.join(dir, 'slurmctld.pid'), path.join(m, 'munged.pid')];
  const cluster: Cluster = {
    dir,
    env,
    async stop() {
      spawnSync('scancel', ['--user=root'], { env, stdio: 'ignore' });
      const pids: number[] = [];
      for (const f of pidFiles) {
        try {
          const pid = Number(fs.readFileSync(f, 'utf8').trim());
          process.kill(pid, 'SIGTERM');
          pids.push(pid);
        } catch {
          /* not running */
        }
      }
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 100 && pids.some(alive); i++) await sleep(100);
      if (pids.some(alive)) throw new Error(`SLURM test daemons did not stop: pids ${pids.filter(alive).join(', ')}`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log() {
      return ['slurmctld.log', 'slurmd.log']
        .map((f) => {
          try {
            return `--- ${f}\n` + fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(-15).join('\n');
          } catch {
            return '';
          }
        })
        .join('\n');
    },
  };
  try {
    execFileSync(
      'munged',
      [
        '--force',
        `--socket=${socket}`,
        `--key-file=${path.join(m, 'munge.key')}`,
        `--pid-file=${pidFiles[2]}`,
        `--log-file=${path.join(m, 'munged.log')}`,
        `--seed-file=${path.join(m, 'munged.seed')}`,
      ],
      { stdio: 'pipe' },
    );
    execFileSync('slurmctld', ['-f', conf], { env, stdio: 'pipe' });
    execFileSync('slurmd', ['-f', conf], { env, stdio: 'pipe' });
    for (let i = 0; ; i++) {
      const r = spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' });
      if (r.status === 0 && /^idle/m.test(r.stdout)) break;
      if (i > 150)
        throw new Error(
          `the test SLURM node did not come up: sinfo says ${JSON.stringify(r.stdout + r.stderr)}\n${cluster.log()}`,
        );
      await sleep(200);
    }
  } catch (e) {
    await cluster.stop().catch(() => {});
    throw e;
  }
  return cluster;
}

/** A job's state from scontrol (COMPLETED, FAILED, PENDING, ...) and its pending reason. */
export function jobState(cluster: Cluster, id: string): { states: string[]; reasons: string[] } {
  const r = spawnSync('scontrol', ['show', 'job', id], { env: cluster.env, encoding: 'utf8' });
  return {
    states: [...r.stdout.matchAll(/JobState=(\w+)/g)].map((x) => x[1]),
    reasons: [...r.stdout.matchAll(/Reason=(\S+)/g)].map((x) => x[1]),
  };
}
