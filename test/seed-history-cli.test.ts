import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { invariantViolations, tableCounts } from './support/invariants.ts';
import { killGroup, type LibraProcess, startNpm } from './support/process.ts';

/**
 * `npm run libra -- seed --history 3d --members 20` as an operator types it, on a fresh DATA_DIR:
 * what it prints, what it left in the database, and the refusal of a second run there. Always on
 * the embedded database (a DATA_DIR), whatever TEST_DATABASE_URL says.
 */
const started: LibraProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of started.splice(0)) killGroup(p);
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function libra(args: string[], env: Record<string, string | undefined>) {
  const p = startNpm(
    ['run', '-s', 'libra', '--', ...args],
    {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: undefined,
      SMTP_URL: undefined,
      SMPP_URL: undefined,
      ...env,
    },
    0,
  );
  started.push(p);
  const { code } = await p.exited;
  return { code, output: p.output() };
}

describe('libra seed --history (through the CLI)', () => {
  it('makes a past of members, cases and charges once, and refuses a second one on the same database', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'libra-history-'));
    dirs.push(dir);
    const first = await libra(['seed', '--history', '3d', '--members', '20', '--seed', '5'], {
      DATA_DIR: dir,
    });
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/Simulating 3 days of operation for 20 members \(seed 5\)/);
    expect(first.output).toMatch(/members: +20 \(online \d+, phone \d+, bank \d+\)/);
    expect(first.output).toMatch(/billing: +3 daily runs, [1-9]\d* charges paid/);
    expect(first.output).toMatch(/cases: +\d+/);

    const again = await libra(['seed', '--history', '3d', '--members', '20'], { DATA_DIR: dir });
    expect(again.code, again.output).toBe(1);
    expect(again.output).toMatch(/already has a simulated history/);

    const bad = await libra(['seed', '--history', 'ninety days'], { DATA_DIR: dir });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/--history must be a period like 90d/);

    // What it left: the history's memberships (and the demo's), every invariant holding.
    const database = await openDatabase({ dataDir: dir, command: 'test' });
    try {
      const counts = await tableCounts(database.db);
      expect(counts.memberships).toBeGreaterThanOrEqual(20);
      expect(counts.charges).toBeGreaterThan(0);
      expect(await invariantViolations(database.db)).toEqual([]);
    } finally {
      await database.close();
    }
  }, 400_000);
});
