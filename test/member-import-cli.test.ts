import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices, serviceOptionsOf } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { SALE_COLUMNS } from '../src/domains/imports/members-layout.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { mexicoCityDate, systemClock } from '../src/lib/clock.ts';
import { seed } from '../src/seed.ts';
import { ROOT } from './support/process.ts';

/**
 * `libra import members FILE --report errors.csv` as its own process on a real file, on a fresh
 * embedded database: the summary line, the report written, and the same file again making nothing.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'libra-import-'));
const dataDir = path.join(dir, 'data');
const file = path.join(dir, 'ventas.csv');
const reportFile = path.join(dir, 'errores.csv');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function libra(args: string[]) {
  const { DATABASE_URL: _url, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'silent', LIBRA_SEED_DEMO: 'false' },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

beforeAll(async () => {
  // The catalog and a card token, made through the product in the same data directory first.
  const database = await openDatabase({ dataDir, command: 'member-import-cli test' });
  let token: string;
  try {
    await migrateDatabase(database);
    const services = buildServices(database, systemClock, {
      ...serviceOptionsOf(loadConfig({ NODE_ENV: 'test', JOB_WORKERS: 'false' })),
      jobWorkers: false,
    });
    await seed(services, { demo: false });
    token = (
      await services.payments.tokenize({
        number: '5555555555554444',
        expMonth: 12,
        expYear: 2030,
        cvv: '123',
      })
    ).token;
  } finally {
    await database.close();
  }
  const today = mexicoCityDate(new Date());
  const line = (values: Record<string, string>) => SALE_COLUMNS.map((c) => values[c.name] ?? '').join(',');
  const good = (n: number) =>
    line({
      bank_reference: `CLI-${n}`,
      plan_code: 'libra-one',
      titular_full_name: 'Luis Alberto Chávez Soto',
      titular_birth_date: '1979-09-09',
      titular_email: `cli-${n}@example.com`,
      titular_phone: '33 1234 5678',
      card_token: token,
      terms_version: CURRENT_TERMS.version,
      privacy_notice_version: CURRENT_PRIVACY_NOTICE.version,
      contracted_on: today,
    });
  writeFileSync(
    file,
    [
      SALE_COLUMNS.map((c) => c.name).join(','),
      good(1),
      // A card number in the token's column.
      good(2).replace(token, '5555555555554444'),
      good(3),
      '',
    ].join('\n'),
  );
}, 180_000);

describe('libra import members', () => {
  it('imports a file, writes its error report, and makes nothing the second time', () => {
    const first = libra(['import', 'members', file, '--report', reportFile]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/imported 2 \/ already imported 0 \/ rejected 1 \(3 rows/);
    expect(first.stdout).toContain(`error report: ${reportFile}`);
    const report = readFileSync(reportFile, 'utf8');
    expect(report.replace(/^\uFEFF/, '').split('\r\n')[1]).toMatch(
      /^3,card_token,CARD_NUMBER_NOT_ALLOWED,.*,CLI-2$/,
    );
    expect(report).not.toContain('5555555555554444');

    const again = libra(['import', 'members', file]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/imported 0 \/ already imported 2 \/ rejected 1 \(3 rows/);
  }, 240_000);

  it('refuses a file whose header is not the layout, saying which columns', () => {
    const bad = path.join(dir, 'malo.csv');
    writeFileSync(bad, 'referencia,plan\nX,libra-one\n');
    const run = libra(['import', 'members', bad]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('refused: IMPORT_HEADER_INVALID');
    expect(run.stdout).toContain('bank_reference');
  }, 120_000);
});
