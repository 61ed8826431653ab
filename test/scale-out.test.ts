import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase, rows } from '../src/db/client.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { createPostgresDatabase, TEST_DATABASE_URL } from './support/database.ts';
import { freePort, killGroup, type LibraProcess, startNpm } from './support/process.ts';
import { parse, startSmtpServer, type TestSmtpServer } from './support/smtp.ts';
import { until, waitFor } from './support/wait.ts';

/**
 * Scale-out: three `npm start` processes (the real entry point, child processes, each with job
 * workers) on one fresh PostgreSQL database, as three instances behind a load balancer. Over HTTP
 * it proves what must hold whichever process a request or a job lands on: an Idempotency-Key
 * replays across processes, a case's event reaches its live streams on every process, an offer
 * expires once, and scheduled work (the billing run, the outbox) runs once.
 *
 * The database: TEST_DATABASE_URL's server when set (CI's PostgreSQL pass); otherwise the local
 * server at postgres://postgres@127.0.0.1:5432 when it answers; otherwise skipped, saying why. The
 * web must be built (`npm run build`): a stale build would be rebuilt by each of the three.
 */
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const adminUrl = TEST_DATABASE_URL ?? ((await answers(LOCAL_SERVER)) ? LOCAL_SERVER : undefined);
if (!adminUrl)
  process.stdout.write(
    `scale-out: no PostgreSQL (TEST_DATABASE_URL unset and nothing answers at ${LOCAL_SERVER}); skipped\n`,
  );

const START_MS = 240_000;
const PASSWORD = 'libra-demo-2026';
/** Short enough that a chain of offers expires in seconds; long enough to be a real timeout. */
const OFFER_TIMEOUT_SECONDS = 3;
const MONTERREY = { lat: 25.6866, lng: -100.3161 };
const ZOCALO = { lat: 19.4326, lng: -99.1332 };

let database: { url: string; drop(): Promise<void> } | undefined;
let reader: DatabaseHandle | undefined;
let smtp: TestSmtpServer | undefined;
let dataDir: string | undefined;
const libra: LibraProcess[] = [];

beforeAll(async () => {
  if (!adminUrl) return;
  database = await createPostgresDatabase(adminUrl, TEST_DATABASE_URL ? undefined : 'libra_scaleout');
  smtp = await startSmtpServer();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'libra-scaleout-'));
  const env = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    DATABASE_REPLICA_URL: undefined,
    LIBRA_SEED_DEMO: 'true',
    LIBRA_DEMO_API_KEY: undefined,
    LIBRA_DEMO_PASSWORD: undefined,
    DATA_DIR: dataDir,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'avisos@demo.libra.mx',
    JOB_WORKERS: 'true',
    JOB_POLL_SECONDS: '1',
    OFFER_TIMEOUT_SECONDS: String(OFFER_TIMEOUT_SECONDS),
    // Every minute, so that a test sees the schedule fire; the daily run's cron works the same way.
    BILLING_SCHEDULE: '* * * * *',
  };
  // All three at once on the empty database: each migrates and seeds, whichever comes first.
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    libra.push(startNpm(['start'], { ...env, PORT: String(port) }, port));
  }
  await Promise.all(libra.map((p) => p.waitForHealth(START_MS)));
  reader = await openDatabase({ url: database.url, maxConnections: 2 });
}, START_MS + 30_000);

afterAll(async () => {
  await Promise.all(
    libra.map(async (p) => {
      p.signal('SIGTERM');
      const ended = await Promise.race([p.exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (!ended) killGroup(p);
    }),
  );
  await reader?.close().catch(() => {});
  await database?.drop();
  await smtp?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  if (!reader) throw new Error('no database');
  return rows<T>(reader.db, statement);
}

interface Staff {
  read: Record<string, string>;
  write: Record<string, string>;
}

async function signIn(p: LibraProcess, email: string): Promise<Staff> {
  const res = await fetch(`${p.base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status, `${email} signs in`).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    read: { cookie },
    write: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
  };
}

async function post(
  p: LibraProcess,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; replayed: boolean; body: Record<string, unknown> }> {
  const res = await fetch(`${p.base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** A phone sale by the supervisor (through the second process), with a sandbox card. */
async function contract(staff: Staff): Promise<string> {
  const token = await post(
    libra[0] as LibraProcess,
    '/v1/sandbox/card-tokens',
    {},
    {
      number: '4242424242424242',
      expMonth: 12,
      expYear: 2030,
      cvv: '123',
    },
  );
  expect(token.status).toBe(201);
  const sold = await post(libra[1] as LibraProcess, '/v1/memberships', staff.write, {
    planCode: 'libra-plus',
    titular: {
      fullName: 'Rosa Elena Martínez Soto',
      email: `rosa.${randomUUID().slice(0, 8)}@correo.example`,
      phone: '55 2345 6789',
      birthDate: '1979-06-02',
    },
    cardToken: token.body.token,
    consent: { termsVersion: CURRENT_TERMS.version, privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version },
  });
  expect(sold.status, JSON.stringify(sold.body)).toBe(201);
  return sold.body.id as string;
}

function tow(membershipId: string, where: { lat: number; lng: number }, stateCode: string, address: string) {
  return {
    membershipId,
    personId: 'titular',
    serviceCode: 'tow-truck',
    place: { address, ...where, stateCode },
    description: 'El coche no arranca; necesito grúa al taller.',
    details: { vehicle: { make: 'Nissan', model: 'Versa', year: 2019, plates: 'ABC-123-D' } },
  };
}

interface StreamEvent {
  id: number;
  type: string;
}

/** `GET /v1/cases/{id}/events` on one process, read in the background until closed. */
function follow(p: LibraProcess, caseId: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const events: StreamEvent[] = [];
  let failure: unknown;
  const reading = (async () => {
    const res = await fetch(`${p.base}/v1/cases/${caseId}/events`, { headers, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        const type = /^event: (.+)$/m.exec(block)?.[1];
        if (id && type) events.push({ id: Number(id), type });
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) failure = error;
  });
  return {
    events,
    until: (what: string, check: (seen: StreamEvent[]) => boolean) =>
      until(
        `${what} on ${p.base}`,
        async () => {
          if (failure) throw failure;
          return check(events);
        },
        { timeoutMs: 30_000, everyMs: 100 },
      ),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe.skipIf(!adminUrl)('three server processes on one PostgreSQL database', () => {
  let supervisor: Staff;
  let membershipId: string;
  let followed: string;

  beforeAll(async () => {
    supervisor = await signIn(libra[0] as LibraProcess, 'supervisor@demo.libra.mx');
    membershipId = await contract(supervisor);
  });

  it('replays an Idempotency-Key on another process, and makes one case when all three get it at once', async () => {
    const [one, two, three] = libra as [LibraProcess, LibraProcess, LibraProcess];
    const request = tow(membershipId, ZOCALO, 'CMX', 'Plaza de la Constitución s/n, Centro, CDMX');
    const casesOfMembership = async () =>
      (
        await query<{ n: number }>(
          sql`select count(*)::int as n from cases where membership_id = ${membershipId}`,
        )
      )[0]?.n;

    // One process, then another: the second answers the first's answer, and makes nothing.
    const key = `scaleout-${randomUUID()}`;
    const first = await post(one, '/v1/cases', { ...supervisor.write, 'idempotency-key': key }, request);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.replayed).toBe(false);
    const again = await post(two, '/v1/cases', { ...supervisor.write, 'idempotency-key': key }, request);
    expect(again).toEqual({ status: 201, replayed: true, body: first.body });
    expect(await casesOfMembership()).toBe(1);
    // The same key with another body, on the third: refused, not a second case.
    const other = await post(
      three,
      '/v1/cases',
      { ...supervisor.write, 'idempotency-key': key },
      { ...request, description: 'Otra cosa' },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    followed = first.body.id as string;

    // All three at once with a new key: one of them does the work, the others wait and replay it.
    const together = `scaleout-${randomUUID()}`;
    const answers = await Promise.all(
      [one, two, three].map((p) =>
        post(p, '/v1/cases', { ...supervisor.write, 'idempotency-key': together }, request),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
    expect(answers[0]?.body.id).not.toBe(followed);
    expect(await casesOfMembership()).toBe(2);
  }, 60_000);

  it("delivers a case's new event to its live streams on every process", async () => {
    expect(followed).toBeDefined();
    const streams = libra.map((p) => follow(p, followed, supervisor.read));
    try {
      // Each stream has the timeline so far (the request, at least) before the case changes.
      for (const stream of streams)
        await stream.until('the timeline so far', (seen) => seen.some((e) => e.type === 'requested'));
      const cancelled = await post(
        libra[0] as LibraProcess,
        `/v1/cases/${followed}/cancel`,
        supervisor.write,
        { reason: 'El cliente ya resolvió por su cuenta' },
      );
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      for (const stream of streams)
        await stream.until('the cancellation', (seen) => seen.some((e) => e.type === 'cancelled'));
      // Every process sent the same timeline, in order, without a gap or a repeat.
      const timeline = await query<{ seq: number; type: string }>(
        sql`select seq, type from case_events where case_id = ${followed} order by seq`,
      );
      for (const stream of streams) {
        const upToCancel = stream.events.slice(0, stream.events.findIndex((e) => e.type === 'cancelled') + 1);
        expect(upToCancel).toEqual(
          timeline.map((e) => ({ id: e.seq, type: e.type })).slice(0, upToCancel.length),
        );
      }
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  }, 60_000);

  it('expires each unanswered offer once, with three processes running the expiry jobs', async () => {
    // In Monterrey two tow companies cover the place: each is offered the case in turn, neither
    // answers, and the case is left for an agent.
    const opened = await post(
      libra[2] as LibraProcess,
      '/v1/cases',
      supervisor.write,
      tow(membershipId, MONTERREY, 'NLE', 'Av. Constitución 100, Centro, Monterrey, N.L.'),
    );
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const caseId = opened.body.id as string;
    const types = async () =>
      (
        await query<{ type: string }>(
          sql`select type from case_events where case_id = ${caseId} order by seq`,
        )
      ).map((e) => e.type);
    await until(
      'every offer of the Monterrey case to expire',
      async () => (await types()).includes('no_provider_available'),
      { timeoutMs: 60_000, everyMs: 250 },
    );
    expect(await types()).toEqual([
      'requested',
      'offered',
      'offer_expired',
      'offered',
      'offer_expired',
      'no_provider_available',
    ]);
    const offers = await query<{ status: string }>(
      sql`select status from dispatch_offers where case_id = ${caseId} order by attempt`,
    );
    expect(offers.map((o) => o.status)).toEqual(['expired', 'expired']);

    // And across every case the three processes dispatched (the demo's, the Zócalo one): no offer
    // expired twice, and each expired offer has its one event.
    const twice = await query<{ offer: string; n: number }>(
      sql`select data->>'offerId' as offer, count(*)::int as n from case_events
          where type = 'offer_expired' group by 1 having count(*) > 1`,
    );
    expect(twice).toEqual([]);
    const [tally] = await query<{ expired: number; events: number }>(
      sql`select (select count(*)::int from dispatch_offers where status = 'expired') as expired,
                 (select count(*)::int from case_events where type = 'offer_expired') as events`,
    );
    expect(tally?.events).toBe(tally?.expired);
  }, 90_000);

  it('runs scheduled work once: each message sent once, one billing run per tick of its schedule', async () => {
    const mail = smtp as TestSmtpServer;
    // The outbox (a queue every process works): every email is sent, and the server got each once.
    const sent = await waitFor(
      'every email to be sent',
      async () => {
        const [row] = await query<{ n: number; unsent: number }>(
          sql`select count(*)::int as n, count(*) filter (where status <> 'sent')::int as unsent
              from notifications where channel = 'email'`,
        );
        return row && row.n > 0 && row.unsent === 0 && mail.received.length >= row.n ? row.n : undefined;
      },
      { timeoutMs: 90_000, everyMs: 500 },
    );
    expect(mail.received.length).toBe(sent);
    const ids = await Promise.all(mail.received.map(async (m) => (await parse(m)).messageId));
    expect(new Set(ids).size, 'no message was delivered twice').toBe(ids.length);

    // The billing run's cron (every minute here) fires in every process with workers; pg-boss
    // turns each tick into one job, which one process runs. Two ticks seen, each ran once.
    const runs = await waitFor(
      'two scheduled billing runs',
      async () => {
        const found = await query<{ minute: string; n: number; completed: number }>(
          sql`select date_trunc('minute', started_at)::text as minute, count(*)::int as n,
                count(*) filter (where status = 'completed')::int as completed
              from billing_runs where trigger = 'schedule' group by 1 order by 1`,
        );
        return found.length >= 2 && found.every((r) => r.completed === r.n) ? found : undefined;
      },
      { timeoutMs: 180_000, everyMs: 1_000 },
    );
    expect(runs.map((r) => r.n)).toEqual(runs.map(() => 1));
  }, 300_000);
});
