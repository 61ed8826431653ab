import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataDirInUseError,
  holderIsAlive,
  LOCK_FILE,
  type LockHolder,
  lockDataDir,
} from './data-dir-lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'libra-lock-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const lockFile = () => path.join(dir, LOCK_FILE);
const holder = (overrides: Partial<LockHolder>): LockHolder => ({
  pid: process.pid,
  startTicks: null,
  host: os.hostname(),
  command: 'libra serve',
  since: new Date().toISOString(),
  ...overrides,
});

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('the embedded database’s lock', () => {
  it('is taken, refused to anyone else while held, and free again once released', async () => {
    const lock = lockDataDir(dir, 'libra serve');
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'libra serve',
    });
    // This very process counts too: nobody opens one DATA_DIR twice.
    let refusal: unknown;
    try {
      lockDataDir(dir, 'libra billing run');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirInUseError);
    expect((refusal as DataDirInUseError).holder).toMatchObject({ pid: process.pid, command: 'libra serve' });
    lock.release();
    await expect(readFile(lockFile())).rejects.toThrow(/ENOENT/);
    lockDataDir(dir, 'libra billing run').release();
  });

  it('takes over the lock of a process that is gone (killed with -9, never released)', async () => {
    await writeFile(lockFile(), JSON.stringify(holder({ pid: deadPid() })));
    const lock = lockDataDir(dir, 'libra serve');
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (started at another time)', async () => {
    const real = lockDataDir(dir, 'x');
    const ticks = real.holder.startTicks;
    real.release();
    // Linux tells start times apart; elsewhere a live pid counts as the holder.
    if (ticks === null) return;
    await writeFile(lockFile(), JSON.stringify(holder({ startTicks: ticks + 1 })));
    expect(holderIsAlive(holder({ startTicks: ticks + 1 }))).toBe(false);
    lockDataDir(dir, 'libra serve').release();
  });

  it('takes over a half-written lock, and counts a lock written on another host as held', async () => {
    await writeFile(lockFile(), '{"pid": 12');
    lockDataDir(dir, 'libra serve').release();
    await writeFile(lockFile(), JSON.stringify(holder({ pid: deadPid(), host: 'another-host' })));
    expect(() => lockDataDir(dir, 'libra serve')).toThrow(DataDirInUseError);
  });

  it('lets exactly one of several processes that find the same stale lock take it', async () => {
    await writeFile(lockFile(), JSON.stringify(holder({ pid: deadPid() })));
    // Each contender that takes the lock keeps it (and its process) until every one has answered.
    const script = `
      import { lockDataDir } from ${JSON.stringify(path.resolve('src/db/data-dir-lock.ts'))};
      try { lockDataDir(${JSON.stringify(dir)}, 'contender'); process.stdout.write('took');
        setInterval(() => {}, 1000); }
      catch (error) { process.stdout.write(error.name); }`;
    const { spawn } = await import('node:child_process');
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const runs = children.map(
      (child) => new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d)))),
    );
    const outcomes = (await Promise.all(runs)).sort();
    for (const child of children) child.kill('SIGKILL');
    expect(outcomes).toEqual(['DataDirInUseError', 'DataDirInUseError', 'DataDirInUseError', 'took']);
  }, 60_000);
});
