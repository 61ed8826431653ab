import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildServices, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { seed } from '../src/seed.ts';
import type { TestApp } from './support/app.ts';
import { type BuiltMembership, buildMembership } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';
import { ROOT } from './support/process.ts';

/**
 * `libra debits export|import` and `libra export …` as their own processes on an embedded database
 * whose members were contracted and billed through the product (DIRECT_DEBIT=file) beforehand.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'libra-debits-'));
const dataDir = path.join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = '2026-11-25';
let paid: BuiltMembership;
let declined: BuiltMembership;
let credit: BuiltMembership;

/** The app on the data directory, the work done, then closed so a child process may open it. */
async function withApp<T>(work: (t: TestApp) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ dataDir, command: 'debits-cli test' });
  await migrateDatabase(handle);
  const config = loadConfig({ NODE_ENV: 'test', JOB_WORKERS: 'false', DIRECT_DEBIT: 'file' });
  const clock = new ManualClock(mexicoCityTime(`${DAY}T10:00`).toISOString());
  const services = buildServices(handle, clock, serviceOptionsOf(config));
  const app = await buildApp({ config, database: handle, clock, services });
  await app.ready();
  const t: TestApp = {
    app,
    services,
    database: { handle, url: undefined, drop: async () => {} } as unknown as TestApp['database'],
    clock,
    config,
    close: async () => {},
  };
  try {
    return await work(t);
  } finally {
    await app.close();
    await handle.close();
  }
}

function libra(args: string[]) {
  const { DATABASE_URL: _url, ...inherited } = process.env;
  return spawnSync('npm', ['run', '-s', 'libra', '--', ...args], {
    cwd: ROOT,
    env: {
      ...inherited,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      LIBRA_SEED_DEMO: 'false',
      NODE_ENV: 'development',
    },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

beforeAll(async () => {
  await withApp(async (t) => {
    await seed(t.services, { demo: false });
    paid = await buildMembership(t, { card: TEST_CARD.visaDebit });
    declined = await buildMembership(t, { card: TEST_CARD.visaDebit });
    credit = await buildMembership(t, { card: TEST_CARD.visaCredit });
    await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });
  });
}, 180_000);

describe('libra debits', () => {
  const out = path.join(dir, 'cobranza.csv');

  it('exports the day’s collection file to a file, with progress, twice the same', () => {
    const first = libra(['debits', 'export', '--date', DAY, '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('debits export: 0/2 lines (0 %)');
    expect(first.stdout).toContain(`collection file ${DAY}: 2 lines, 436.00 MXN`);
    const file = readFileSync(out, 'utf8');
    expect(file.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(file).toContain(`${paid.number}-202611-1,${DAY},${paid.number},`);
    expect(file).not.toContain(credit.number);
    const again = libra(['debits', 'export', '--date', DAY]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(file);
  }, 240_000);

  it('imports the bank’s answer file once: a bad line is reported and refused, the rest applied', async () => {
    const answers = path.join(dir, 'respuesta.csv');
    const report = path.join(dir, 'reporte.csv');
    writeFileSync(
      answers,
      [
        'referencia,resultado,motivo',
        `${paid.number}-202611-1,aprobado,`,
        `${declined.number}-202611-1,rechazado,02`,
        'LM-26-999999-202611-1,aprobado,',
        '',
      ].join('\r\n'),
    );
    const first = libra(['debits', 'import', answers, '--report', report]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(2);
    expect(first.stdout).toContain('3 lines — 1 approved, 1 rejected, 0 already applied, 1 refused');
    expect(first.stdout).toContain('línea 4 (LM-26-999999-202611-1): Referencia desconocida');
    expect(readFileSync(report, 'utf8')).toContain('4,LM-26-999999-202611-1,unknown_reference,');

    const again = libra(['debits', 'import', answers]);
    expect(again.stdout).toContain('3 lines — 0 approved, 0 rejected, 2 already applied, 1 refused');

    await withApp(async (t) => {
      const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, paid.id);
      expect(charge?.status).toBe('succeeded');
      const [refused] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, declined.id);
      expect(refused).toMatchObject({ status: 'failed', declineCode: 'bank_02' });
      expect(refused?.attempts).toHaveLength(1);
    });
  }, 300_000);
});

describe('libra export', () => {
  it('writes an export with the console’s filters, counting its rows; refuses options it does not take', () => {
    const out = path.join(dir, 'membresias.csv');
    const run = libra([
      'export',
      'memberships',
      '--channel',
      'phone',
      '--from',
      DAY,
      '--to',
      DAY,
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`export memberships: 3 rows → ${out}`);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith('\uFEFFMembresía,Estado,Plan,')).toBe(true);
    for (const m of [paid, declined, credit]) expect(csv).toContain(`${m.number},`);
    expect(csv).not.toContain(credit.body.cardToken);

    const charges = libra([
      'export',
      'charges',
      '--membership-number',
      credit.number,
      '--out',
      path.join(dir, 'cobros.csv'),
    ]);
    expect(charges.status).toBe(0);
    expect(charges.stdout).toContain('export charges: 1 rows');

    const wrong = libra(['export', 'refunds', '--channel', 'bank', '--out', path.join(dir, 'x.csv')]);
    expect(wrong.status, wrong.stdout + wrong.stderr).toBe(1);
    expect(wrong.stderr).toContain('--channel does not apply to refunds');
    const badDay = libra(['export', 'cases', '--from', '2026-02-30', '--out', path.join(dir, 'x.csv')]);
    expect(badDay.status, badDay.stdout + badDay.stderr).toBe(1);
  }, 300_000);
});
