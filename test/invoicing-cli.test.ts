import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** `libra invoices …` as its own process on a fresh embedded database, and the issuer checked at start. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'libra-invoices-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function libra(args: string[], env: Record<string, string> = {}) {
  const { DATABASE_URL: _url, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'silent', LIBRA_SEED_DEMO: 'false', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

describe('libra invoices', () => {
  it('issues a month’s global invoice by hand: nothing to invoice in a month without charges, twice', () => {
    for (let i = 0; i < 2; i++) {
      const run = libra(['invoices', 'global', '--period', '2020-01']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('no paid charge is left to put in a global invoice for that month');
    }
  }, 240_000);

  it('refuses a period that is not a month', () => {
    const run = libra(['invoices', 'global', '--period', '2020-13']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--period must be a month like 2026-11');
  }, 120_000);

  it('stops at start on an issuer whose CSD password is wrong, saying which check failed', () => {
    const csd = (name: string) => path.join(ROOT, 'src/domains/invoicing/sat/csd-test', name);
    const run = libra(['invoices', 'stamp'], {
      ISSUER_RFC: 'EKU9003173C9',
      ISSUER_NAME: 'ESCUELA KEMPER URGATE',
      ISSUER_FISCAL_REGIME: '601',
      ISSUER_POSTAL_CODE: '42501',
      CSD_CERTIFICATE_PATH: csd('EKU9003173C9.cer'),
      CSD_KEY_PATH: csd('EKU9003173C9.key'),
      CSD_PASSWORD: 'no-es-la-contraseña',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('CSD_PASSWORD_WRONG');
  }, 120_000);
});
