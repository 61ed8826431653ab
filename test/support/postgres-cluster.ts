import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * PostgreSQL clusters of the test's own (Debian's PostgreSQL 15 binaries): a primary made with
 * initdb and a streaming replica made from it with pg_basebackup, each on a port of its own and
 * stopped at the end. The server refuses to run as root, so as root they run as `postgres`.
 */
const run = promisify(execFile);

function binDir(): string | undefined {
  for (const version of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_basebackup'))) return dir;
  }
  return undefined;
}

export const POSTGRES_BIN = binDir();
export const hasPostgresServer = POSTGRES_BIN !== undefined;
const asRoot = process.getuid?.() === 0;

async function pg(tool: string, args: string[]): Promise<string> {
  if (!POSTGRES_BIN) throw new Error('no PostgreSQL server binaries');
  const command = path.join(POSTGRES_BIN, tool);
  const { stdout } = asRoot
    ? await run('runuser', ['-u', 'postgres', '--', command, ...args], { cwd: os.tmpdir() })
    : await run(command, args);
  return stdout;
}

export interface Cluster {
  dir: string;
  port: number;
  url(database?: string): string;
  /** Runs one statement with psql and answers its text output. */
  psql(statement: string, database?: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  destroy(): Promise<void>;
}

async function ownedDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  return dir;
}

function clusterAt(dir: string, port: number, root: string): Cluster {
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    dir,
    port,
    url,
    psql: (statement, database = 'postgres') =>
      pg('psql', [
        '-X',
        '-A',
        '-t',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        database,
        '-c',
        statement,
      ]).then((out) => out.trim()),
    start: async () => {
      await pg('pg_ctl', ['-D', dir, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    },
    stop: async () => {
      await pg('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']).catch(() => {});
    },
    destroy: async () => {
      await pg('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

// Settings for a throwaway cluster: loopback only, its socket in its own directory, no fsync.
function settings(dir: string, port: number): string {
  return [
    '',
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 60',
    'shared_buffers = 32MB',
    '',
  ].join('\n');
}

/** A new primary (wal_level replica, trust on loopback for connections and replication). */
export async function startPrimary(port: number): Promise<Cluster> {
  const dir = await ownedDir('libra-primary-');
  const data = path.join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  await appendFile(
    path.join(data, 'postgresql.conf'),
    `${settings(dir, port)}wal_level = replica\nmax_wal_senders = 5\n`,
  );
  const cluster = clusterAt(data, port, dir);
  await cluster.start();
  return cluster;
}

/** A hot standby of `primary`, streaming from it (pg_basebackup -R writes the connection). */
export async function startReplica(primary: Cluster, port: number): Promise<Cluster> {
  const dir = await ownedDir('libra-replica-');
  const data = path.join(dir, 'data');
  await pg('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    data,
    '-R',
    '-X',
    'stream',
    // A fast checkpoint: the default spreads it over minutes.
    '--checkpoint=fast',
    '--no-sync',
  ]);
  await appendFile(path.join(data, 'postgresql.conf'), `${settings(dir, port)}hot_standby = on\n`);
  const cluster = clusterAt(data, port, dir);
  await cluster.start();
  return cluster;
}
