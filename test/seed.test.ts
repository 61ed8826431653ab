import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApiKey } from '../src/domains/identity/tokens.ts';
import { USER_ROLES } from '../src/platform/principal.ts';
import { DEMO_ACCOUNTS, seed } from '../src/seed.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, signIn } from './support/auth.ts';
import { freshDatabase, onPostgres } from './support/database.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t?.close());

const whoami = (key: string) => t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(key) });

describe('demo data', () => {
  it('gives one account per role with the demo password, and a partner key', async () => {
    const report = await seed(t.services, { demo: { password: 'libra-demo-2026' } });
    expect(report.demo?.accounts.map((a) => a.role).sort()).toEqual([...USER_ROLES].sort());
    for (const account of DEMO_ACCOUNTS) {
      const session = await signIn(t, { email: account.email, password: 'libra-demo-2026' }, '192.0.2.1');
      const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: session.read });
      expect(me.json().user.role).toBe(account.role);
    }
    const key = report.demo?.apiKey as string;
    expect((await whoami(key)).json()).toMatchObject({ kind: 'api_key', apiKey: { kind: 'partner' } });
    // The demo network, with a week of appointment slots published by the hospitals.
    expect(report.demo?.providers).toBeGreaterThanOrEqual(20);
    const hospital = (await t.services.dispatch.list('specialist-consultation')).find(
      (p) => p.name === 'Hospital Metropolitano del Sur',
    );
    const slots = await t.services.appointments.openSlots(hospital?.id as string, {
      serviceCode: 'specialist-consultation',
      specialty: 'cardiología',
      days: 8,
    });
    expect(slots).toHaveLength(7 * 3);
  });

  it('leaves work for each role on the first start: charges, an offered tow, a doctor call, a complaint', async () => {
    // The first test seeded this database; the demo's work was made then, once.
    const as = async (email: string, url: string) => {
      const session = await signIn(t, { email, password: 'libra-demo-2026' }, '192.0.2.3');
      const res = await t.app.inject({ method: 'GET', url, headers: session.read });
      expect(res.statusCode, url).toBe(200);
      return res.json().data as Record<string, unknown>[];
    };
    const charges = await as('finanzas@demo.libra.mx', '/v1/charges');
    expect(charges.length).toBeGreaterThanOrEqual(2);
    expect(charges.every((c) => c.status === 'succeeded')).toBe(true);
    const cases = await as('agente@demo.libra.mx', '/v1/cases');
    expect(cases.map((c) => c.serviceCode).sort()).toEqual(['online-doctor', 'tow-truck']);
    const offers = await as('proveedor@demo.libra.mx', '/v1/provider/offers');
    expect(offers).toHaveLength(1);
    const queue = await as('medico@demo.libra.mx', '/v1/remote/queue');
    expect(queue).toHaveLength(1);
    const complaints = await as('supervisor@demo.libra.mx', '/v1/complaints');
    expect(complaints).toHaveLength(1);
    // A second start makes none of it again.
    await seed(t.services, { demo: { password: 'libra-demo-2026' } });
    expect(await as('agente@demo.libra.mx', '/v1/cases')).toHaveLength(2);
  });

  it('a second run adds no accounts, follows a new password and replaces the key', async () => {
    const first = await seed(t.services, { demo: { password: 'libra-demo-2026' } });
    const second = await seed(t.services, { demo: { password: 'another demo password' } });
    const users = await t.services.identity.listUsers({ principal: null, requestId: null, ip: null });
    expect(users.filter((u) => u.email.endsWith('@demo.libra.mx'))).toHaveLength(DEMO_ACCOUNTS.length);
    await expect(
      signIn(t, { email: 'agente@demo.libra.mx', password: 'another demo password' }, '192.0.2.2'),
    ).resolves.toBeDefined();
    expect((await whoami(first.demo?.apiKey as string)).statusCode).toBe(401);
    expect((await whoami(second.demo?.apiKey as string)).statusCode).toBe(200);
  });

  it('keeps a fixed LIBRA_DEMO_API_KEY working across starts', async () => {
    const fixed = newApiKey().key;
    const first = await seed(t.services, { demo: { password: 'libra-demo-2026', apiKey: fixed } });
    const second = await seed(t.services, { demo: { password: 'libra-demo-2026', apiKey: fixed } });
    expect(first.demo?.apiKey).toBe(fixed);
    expect(second.demo?.apiKey).toBe(fixed);
    expect((await whoami(fixed)).statusCode).toBe(200);
  });
});

describe('admin CLI', () => {
  it('creates a staff account and an API key for production, printing each secret once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'libra-cli-'));
    const database = onPostgres ? await freshDatabase({ migrate: false }) : undefined;
    await database?.handle.close();
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: dir,
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
    };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
    try {
      const user = run(
        'users',
        'create',
        '--email',
        'Primera.Admin@libra.mx',
        '--name',
        'Primera Admin',
        '--role',
        'admin',
      );
      expect(user.stderr).toBe('');
      expect(user.stdout).toMatch(/created admin primera.admin@libra.mx/);
      expect(user.stdout).toMatch(/password \(shown once\): \S{24}/);

      const key = run(
        'api-keys',
        'create',
        '--name',
        'Banco',
        '--kind',
        'partner',
        '--scopes',
        'memberships:write',
        '--rate-limit-per-minute',
        '1200',
      );
      expect(key.stdout).toMatch(/key \(shown once\): lbr_[a-z0-9]{12}_\S{43}/);
      expect(key.stdout).toMatch(/rate limit: 1200 requests a minute/);

      const bad = run('api-keys', 'create', '--name', 'X', '--kind', 'partner', '--scopes', 'metrics:read');
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/SCOPE_INVALID/);

      const customer = run('users', 'create', '--email', 'c@libra.mx', '--name', 'C', '--role', 'customer');
      expect(customer.status).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await database?.drop().catch(() => {});
    }
    // Four CLI processes in a row, each starting tsx and opening the database: far past the suite's
    // 30 s default on a busy two-core machine, while each one may take up to its own 60 s above.
  }, 180_000);
});
