import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../src/db/client.ts';
import { DEMO_ACCOUNTS } from '../src/seed.ts';
import { sessionCookieFrom } from './support/auth.ts';
import { freshDatabase, onPostgres, type TestDatabase } from './support/database.ts';
import { freePort, killGroup, type LibraProcess, startNpm } from './support/process.ts';
import { mailboxOf, parse, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';
import { until } from './support/wait.ts';

/**
 * What a newcomer does: `npm start` (the real entry point, a child process) on a fresh data
 * directory or database, then the README's demo through HTTP, then Ctrl+C. Limits are sized for a
 * loaded two-core machine: a first start builds the web when it is missing.
 */
const START_MS = 240_000;
const PASSWORD = 'libra-demo-2026';

const started: LibraProcess[] = [];
const dirs: string[] = [];
let smtp: TestSmtpServer | undefined;
afterEach(() => {
  for (const p of started.splice(0)) killGroup(p);
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  await smtp?.close();
});

/** A real SMTP server on loopback that the started processes send the demo's email through. */
async function mailServer(): Promise<TestSmtpServer> {
  smtp ??= await startSmtpServer();
  return smtp;
}

/**
 * The demo's first-start activity went through the outbox: the families got their welcome, the
 * paying ones their receipt, the online one the acknowledgement of its complaint — each message
 * once, whatever processes delivered it.
 */
async function demoMailArrived(server: TestSmtpServer): Promise<void> {
  const subjects = async (email: string) => (await mailboxOf(server, email)).map((m) => m.subject);
  const expected: [string, string[]][] = [
    ['cliente@demo.libra.mx', ['Bienvenida a Asistencia Libra Plus', 'Recibimos tu queja']],
    ['roberto.sanchez@demo.libra.mx', ['Bienvenida a Asistencia Libra Plus', 'Recibimos tu pago']],
    ['guadalupe.hernandez@demo.libra.mx', ['Bienvenida a Asistencia Libra Plus', 'Recibimos tu pago']],
  ];
  for (const [email, wanted] of expected)
    await until(
      `${email} receives ${wanted.join(', ')}`,
      async () => {
        const got = await subjects(email);
        return wanted.every((subject) => got.includes(subject));
      },
      { timeoutMs: 90_000, everyMs: 500 },
    );
  const ids = await Promise.all(server.received.map(async (m) => (await parse(m)).messageId));
  expect(new Set(ids).size, 'no message was delivered twice').toBe(ids.length);
}

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'libra-start-'));
  dirs.push(dir);
  return dir;
}

async function start(env: Record<string, string | undefined>): Promise<LibraProcess> {
  const port = await freePort();
  const p = startNpm(
    ['start'],
    {
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: undefined,
      LIBRA_DEMO_API_KEY: undefined,
      LIBRA_DEMO_PASSWORD: undefined,
      ...env,
    },
    port,
  );
  started.push(p);
  return p;
}

async function signIn(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status, `${email} signs in`).toBe(200);
  const token = sessionCookieFrom(res.headers.getSetCookie());
  expect(token, `${email} gets a session`).toBeDefined();
  return res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
}

async function list(base: string, cookie: string, url: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${base}${url}`, { headers: { cookie } });
  expect(res.status, url).toBe(200);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

/** Every demo account signs in, and each finds the README's demo work waiting, exactly once. */
async function tourTheDemo(p: LibraProcess): Promise<void> {
  const cookies = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) cookies.set(account.email, await signIn(p.base, account.email));
  const as = (email: string, url: string) => list(p.base, cookies.get(email) as string, url);

  const charges = await as('finanzas@demo.libra.mx', '/v1/charges');
  expect(charges.length, 'the month’s charges of the two families that pay from the start').toBe(2);
  expect(charges.every((c) => c.status === 'succeeded')).toBe(true);
  const cases = await as('agente@demo.libra.mx', '/v1/cases');
  expect(cases.map((c) => c.serviceCode).sort()).toEqual(['online-doctor', 'tow-truck']);
  const offers = await as('proveedor@demo.libra.mx', '/v1/provider/offers');
  expect(offers, 'Grúas Reforma’s offer for the demo tow').toHaveLength(1);
  expect((await as('medico@demo.libra.mx', '/v1/remote/queue')).length, 'the doctor call').toBe(1);
  expect(await as('supervisor@demo.libra.mx', '/v1/complaints'), 'the complaint').toHaveLength(1);
  const mine = await as('cliente@demo.libra.mx', '/v1/me/memberships');
  expect(mine).toHaveLength(1);
  const families = await as('agente@demo.libra.mx', '/v1/memberships?q=demo.libra.mx');
  expect(families.length, 'one family per sales channel').toBe(3);

  // The partner key it printed works.
  const key = /Demo partner API key.*?: (lbr_\S+)/.exec(p.output())?.[1];
  expect(key, p.output()).toBeDefined();
  const me = await fetch(`${p.base}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
  expect(me.status).toBe(200);
}

async function stopCleanly(p: LibraProcess): Promise<void> {
  p.signal('SIGTERM');
  expect(await p.exited, p.output()).toEqual({ code: 0, signal: null });
  expect(p.output()).toMatch(/Libra stopped \(SIGTERM\)/);
}

describe.runIf(!onPostgres)('npm start on the embedded database', () => {
  it('serves the whole demo on a fresh DATA_DIR, refuses a second process, and stops on SIGTERM with 0', async () => {
    const dataDir = await freshDataDir();
    const mail = await mailServer();
    const server = await start({ DATA_DIR: dataDir, SMTP_URL: mail.url, MAIL_FROM: 'avisos@demo.libra.mx' });
    await server.waitForHealth(START_MS);
    await tourTheDemo(server);
    await demoMailArrived(mail);
    const delivered = mail.received.length;

    // A second process on the same files is refused at once, saying who holds them and what to do.
    const second = await start({ DATA_DIR: dataDir });
    expect(await second.exited).toEqual({ code: 75, signal: null });
    expect(second.output()).toMatch(/in use by another Libra process/);
    expect(second.output()).toContain(`libra serve (pid `);
    const billing = startNpm(['run', 'libra', '--', 'billing', 'run'], { DATA_DIR: dataDir }, 0);
    started.push(billing);
    expect(await billing.exited).toEqual({ code: 75, signal: null });
    expect(billing.output()).toMatch(/POST \/v1\/billing\/runs/);
    // The first one never noticed.
    expect((await fetch(`${server.base}/health`)).status).toBe(200);
    await stopCleanly(server);

    // The next start finds everything made and makes nothing again — nor sends anything again.
    const again = await start({ DATA_DIR: dataDir, SMTP_URL: mail.url, MAIL_FROM: 'avisos@demo.libra.mx' });
    await again.waitForHealth(START_MS);
    expect(again.output()).toMatch(/Demo families \(one per sales channel\): 0 added now/);
    await tourTheDemo(again);
    await stopCleanly(again);
    expect(mail.received.length).toBe(delivered);
  }, 600_000);

  it('completes the demo on the next start after a start killed with -9 in the middle of seeding', async () => {
    const dataDir = await freshDataDir();
    // Killed as the families are being made, then as the activity is: each next start goes on.
    for (const step of [/preparing the database: demo families/, /preparing the database: demo activity/]) {
      const doomed = await start({ DATA_DIR: dataDir });
      await doomed.waitForOutput(step, START_MS);
      doomed.signal('SIGKILL');
      expect((await doomed.exited).signal).toBe('SIGKILL');
    }
    // The lock the killed process left is taken over, and the demo is whole.
    const server = await start({ DATA_DIR: dataDir });
    await server.waitForHealth(START_MS);
    await tourTheDemo(server);
    await stopCleanly(server);
  }, 600_000);

  it('stops with 0 when SIGINT comes while it is still starting', async () => {
    const server = await start({ DATA_DIR: await freshDataDir() });
    await server.waitForOutput(/preparing the database: demo accounts/, START_MS);
    server.signal('SIGINT');
    expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/Libra stopped \(SIGINT\)/);
  }, 300_000);
});

describe.runIf(onPostgres)('npm start on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  afterAll(async () => database?.drop());

  it('serves the whole demo from two processes started together on one fresh database', async () => {
    database = await freshDatabase({ migrate: false });
    await database.handle.close();
    const mail = await mailServer();
    mail.received.length = 0;
    const env = {
      DATABASE_URL: database.url,
      LIBRA_SEED_DEMO: 'true',
      DATA_DIR: await freshDataDir(),
      SMTP_URL: mail.url,
      MAIL_FROM: 'avisos@demo.libra.mx',
    };
    const [one, two] = [await start(env), await start(env)];
    await Promise.all([one.waitForHealth(START_MS), two.waitForHealth(START_MS)]);
    // Whichever started second found everything made, and both print the same working key.
    await tourTheDemo(one);
    await tourTheDemo(two);
    // Both processes deliver; each message went out once.
    await demoMailArrived(mail);
    const reader = await openDatabase({ url: database.url });
    const [sent] = await rows<{ n: number; unsent: number }>(
      reader.db,
      sql`select count(*)::int as n, count(*) filter (where status <> 'sent')::int as unsent
          from notifications where channel = 'email'`,
    ).finally(() => reader.close());
    expect(sent?.unsent).toBe(0);
    expect(mail.received.length).toBe(sent?.n);
    await Promise.all([stopCleanly(one), stopCleanly(two)]);
  }, 600_000);

  it('completes the demo on the next start after a start killed with -9 in the middle of seeding', async () => {
    const fresh = await freshDatabase({ migrate: false });
    await fresh.handle.close();
    try {
      const env = { DATABASE_URL: fresh.url, LIBRA_SEED_DEMO: 'true', DATA_DIR: await freshDataDir() };
      const doomed = await start(env);
      await doomed.waitForOutput(/preparing the database: demo families/, START_MS);
      doomed.signal('SIGKILL');
      await doomed.exited;
      const server = await start(env);
      await server.waitForHealth(START_MS);
      await tourTheDemo(server);
      await stopCleanly(server);
    } finally {
      await fresh.drop();
    }
  }, 600_000);
});
