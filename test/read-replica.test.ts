import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase, rows } from '../src/db/client.ts';
import { ReplicaReads } from '../src/db/read-replica.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { type Cluster, hasPostgresServer, startPrimary, startReplica } from './support/postgres-cluster.ts';
import { freePort, killGroup, type LibraProcess, startNpm } from './support/process.ts';
import { until } from './support/wait.ts';

/**
 * The reports replica (DATABASE_REPLICA_URL) against a real streaming replica: a primary made with
 * initdb and a hot standby made from it with pg_basebackup, on ports of their own. The supervisor's
 * report and finance's export read the replica while it keeps up, the primary when it is behind or
 * down, and the replica again when it comes back. The test makes its own clusters, so it runs in
 * one pass only (the PostgreSQL pass of CI would repeat it for nothing).
 */
const runs = hasPostgresServer && !process.env.TEST_DATABASE_URL;
if (!hasPostgresServer) process.stdout.write('read-replica: no PostgreSQL server binaries; skipped\n');

const START_MS = 240_000;
let primary: Cluster | undefined;
let replica: Cluster | undefined;
const handles: DatabaseHandle[] = [];

beforeAll(async () => {
  if (!runs) return;
  primary = await startPrimary(await freePort());
  await primary.psql('create database reads');
  await primary.psql('create database libra');
  replica = await startReplica(primary, await freePort());
}, 120_000);

afterAll(async () => {
  for (const handle of handles) await handle.close().catch(() => {});
  await replica?.destroy();
  await primary?.destroy();
}, 60_000);

async function open(url: string): Promise<DatabaseHandle> {
  const handle = await openDatabase({ url, maxConnections: 2 });
  handles.push(handle);
  return handle;
}

describe.skipIf(!runs)('reads on a streaming replica', () => {
  it('reads the replica while it keeps up, the primary when it is behind or down, the replica when back', async () => {
    if (!primary || !replica) throw new Error('no clusters');
    const onPrimary = await open(primary.url('reads'));
    const onReplica = await open(replica.url('reads'));
    const changes: string[] = [];
    const reads = new ReplicaReads(onPrimary, onReplica, {
      maxLagSeconds: 1,
      checkEverySeconds: 0,
      onChange: (state) => changes.push(`${state.using}:${state.reason ?? 'ok'}`),
    });
    await primary.psql('create table notes (n int)', 'reads');
    const count = async () => {
      const [row] = await rows<{ n: number }>(
        await reads.reader(),
        sql`select count(*)::int as n from notes`,
      );
      return row?.n;
    };
    await until('the replica has the table', async () => (await count().catch(() => undefined)) === 0);
    expect((await reads.state()).using).toBe('replica');
    // Before the replica replayed the table it may already have been found behind (its last
    // transaction replayed is the base backup's); what follows is what the test makes happen.
    changes.length = 0;

    // Replay paused: the replica falls behind, and once more than a second behind, reads go to
    // the primary, which sees the new row.
    await replica.psql('select pg_wal_replay_pause()');
    await primary.psql('insert into notes values (1)', 'reads');
    await until('the replica is found behind', async () => (await reads.state()).reason === 'behind');
    expect(await count()).toBe(1);
    await replica.psql('select pg_wal_replay_resume()');
    await until('the replica caught up', async () => (await reads.state()).using === 'replica');
    expect(await count()).toBe(1);

    // Down: the primary answers; back up: the replica again.
    await replica.stop();
    expect(await reads.state()).toMatchObject({ using: 'primary', reason: 'down' });
    expect(await count()).toBe(1);
    await replica.start();
    await until('the replica is used again', async () => (await reads.state()).using === 'replica');
    expect(changes).toEqual(['primary:behind', 'replica:ok', 'primary:down', 'replica:ok']);
  }, 120_000);

  describe('through `npm start` with DATABASE_REPLICA_URL', () => {
    let libra: LibraProcess | undefined;
    afterAll(() => killGroup(libra));

    it(
      "serves the supervisor's report and finance's export from the replica, and from the primary when it is down",
      async () => {
        if (!primary || !replica) throw new Error('no clusters');
        const port = await freePort();
        libra = startNpm(
          ['start'],
          {
            DATABASE_URL: primary.url('libra'),
            DATABASE_REPLICA_URL: replica.url('libra'),
            // Behind by any amount is still the replica here: a paused replay shows the report is read there.
            REPLICA_MAX_LAG_SECONDS: '3600',
            LIBRA_SEED_DEMO: 'true',
            PORT: String(port),
            HOST: '127.0.0.1',
            NODE_ENV: 'development',
            LOG_LEVEL: 'warn',
            JOB_WORKERS: undefined,
          },
          port,
        );
        await libra.waitForHealth(START_MS);
        const apiKey = /Demo partner API key \(Authorization: Bearer …\): (\S+)/.exec(libra.output())?.[1];
        expect(apiKey).toBeDefined();
        const signIn = async (email: string) => {
          const res = await fetch(`${libra?.base}/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password: 'libra-demo-2026' }),
          });
          expect(res.status).toBe(200);
          return res.headers
            .getSetCookie()
            .map((line) => line.split(';')[0])
            .join('; ');
        };
        const supervisor = await signIn('supervisor@demo.libra.mx');
        const finance = await signIn('finanzas@demo.libra.mx');
        const members = async () => {
          const res = await fetch(`${libra?.base}/v1/reports/operations`, {
            headers: { cookie: supervisor },
          });
          expect(res.status).toBe(200);
          return ((await res.json()) as { memberships: { total: number } }).memberships.total;
        };
        const onPrimary = async () =>
          Number(await primary?.psql("select count(*) from memberships where state <> 'cancelled'", 'libra'));
        await until('the replica has the demo', async () => (await members()) === (await onPrimary()));
        await libra.waitForOutput(/reports and exports read the replica/, 10_000);
        const before = await members();

        // The bank sells one more while the replica's replay is paused: the report, read on the
        // replica, does not have it yet; once replay resumes, it does.
        await replica.psql('select pg_wal_replay_pause()');
        const token = await fetch(`${libra.base}/v1/sandbox/card-tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ number: '4242424242424242', expMonth: 12, expYear: 2030, cvv: '123' }),
        }).then(async (res) => ((await res.json()) as { token: string }).token);
        const sold = await fetch(`${libra.base}/v1/memberships`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({
            planCode: 'libra-plus',
            titular: {
              fullName: 'Rosa Elena Martínez Soto',
              email: 'rosa.replica@correo.example',
              phone: '55 2345 6789',
              birthDate: '1979-06-02',
            },
            cardToken: token,
            consent: {
              termsVersion: CURRENT_TERMS.version,
              privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version,
            },
          }),
        });
        expect(sold.status).toBe(201);
        expect(await onPrimary()).toBe(before + 1);
        expect(await members()).toBe(before);
        const exported = await fetch(`${libra.base}/v1/charges/export`, { headers: { cookie: finance } });
        expect(exported.status).toBe(200);
        await replica.psql('select pg_wal_replay_resume()');
        await until('the report has the new member', async () => (await members()) === before + 1);

        // The replica down: the same report and export come from the primary, without an error.
        await replica.stop();
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        expect(await members()).toBe(before + 1);
        const fallback = await fetch(`${libra.base}/v1/charges/export`, { headers: { cookie: finance } });
        expect(fallback.status).toBe(200);
        expect((await fallback.text()).split('\n').length).toBeGreaterThan(1);
        await libra.waitForOutput(/reports and exports read the primary: the replica is unreachable/, 10_000);
        await replica.start();
      },
      START_MS + 120_000,
    );
  });
});
