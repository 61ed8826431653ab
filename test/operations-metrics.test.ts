import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFER_EXPIRY_QUEUE } from '../src/domains/dispatch/service.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from './support/auth.ts';
import { signedInProvider } from './support/dispatch.ts';
import { buildCase, buildMembership } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';
import { startSmtpServer, type TestSmtpServer } from './support/smtp.ts';
import { until } from './support/wait.ts';

/**
 * The operation's metrics in /metrics (src/domains/reports/metrics.ts), each family checked against
 * what the product just did through its API and services: a declined charge shows as
 * `libra_charges{outcome="failed"} 1`, an accepted offer as `libra_offers{status="accepted"}`, and so
 * on. A family that cannot be read leaves the rest of the scrape whole.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let scraper: Record<string, string>;
let agent: Session;
const clock = () => t.clock as ManualClock;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'avisos@libra.test' } });
  scraper = bearer((await createApiKey(t, 'metrics', ['metrics:read'])).key);
  agent = await signIn(t, await createUser(t, 'agent'));
  await t.services.cases.setSlaTarget(SYSTEM_ACTOR, 'tow-truck', { dispatchMinutes: 15, arrivalMinutes: 60 });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

type Scrape = { text: string; value(name: string, labels?: Record<string, string>): number | undefined };

async function scrape(): Promise<Scrape> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: scraper });
  expect(res.statusCode).toBe(200);
  const text = res.body;
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)]
      .map(([, k, v]) => `${k}=${v}`)
      .sort()
      .join(',');
    samples.set(`${match[1]}{${labels}}`, Number(match[3]));
  }
  return {
    text,
    value: (name, labels = {}) => {
      const key = Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .sort()
        .join(',');
      return samples.get(`${name}{${key}}`);
    },
  };
}

const FAMILIES = [
  'libra_charges',
  'libra_billing_backlog',
  'libra_billing_run_last_start_timestamp_seconds',
  'libra_offers',
  'libra_cases',
  'libra_cases_overdue',
  'libra_complaints_overdue',
  'libra_messages',
  'libra_job_queue_depth',
];

describe('operations metrics', () => {
  it('has every family from the first scrape, zeros where nothing happened yet', async () => {
    const m = await scrape();
    for (const family of FAMILIES) {
      expect(m.text, family).toContain(`# TYPE ${family} gauge`);
      expect(m.value('libra_metrics_family_up', { family }), family).toBe(1);
    }
    expect(m.text).toContain('# TYPE libra_billing_run_duration_seconds histogram');
    expect(m.value('libra_charges', { outcome: 'failed' })).toBe(0);
    expect(m.value('libra_offers', { status: 'accepted' })).toBe(0);
    expect(m.value('libra_cases', { state: 'requested' })).toBe(0);
    expect(m.value('libra_cases_overdue', { target: 'dispatch' })).toBe(0);
    expect(m.value('libra_complaints_overdue', { status: 'open' })).toBe(0);
    expect(m.value('libra_sse_streams', { stream: 'case' })).toBe(0);
    expect(m.value('libra_job_queue_depth', { queue: OFFER_EXPIRY_QUEUE, when: 'ready' })).toBe(0);
  });

  it('counts charges by outcome, the billing backlog and the run’s duration and start', async () => {
    await buildMembership(t, { card: TEST_CARD.alwaysDeclined });
    await buildMembership(t);
    let m = await scrape();
    expect(m.value('libra_billing_backlog', { kind: 'due' }), 'two first periods due').toBe(2);

    const run = await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });
    expect(run.declined).toBe(1);
    m = await scrape();
    expect(m.value('libra_charges', { outcome: 'failed' })).toBe(1);
    expect(m.value('libra_charges', { outcome: 'succeeded' })).toBe(1);
    expect(m.value('libra_charges', { outcome: 'pending' })).toBe(0);
    expect(m.value('libra_billing_backlog', { kind: 'due' })).toBe(0);
    expect(m.value('libra_billing_backlog', { kind: 'unanswered' })).toBe(0);
    expect(
      m.value('libra_billing_run_duration_seconds_count', { status: 'completed', trigger: 'test' }),
    ).toBe(1);
    expect(m.value('libra_billing_run_last_start_timestamp_seconds', { status: 'completed' })).toBe(
      t.clock.now().getTime() / 1000,
    );

    // The declined charge's retry day comes: it is billing's backlog until a run retries it.
    clock().advance({ days: 1, minutes: 1 });
    try {
      m = await scrape();
      expect(m.value('libra_billing_backlog', { kind: 'retry' })).toBe(1);
    } finally {
      clock().advance({ days: -1, minutes: -1 });
    }
  });

  it('counts messages sent, failed and still pending', async () => {
    let m = await scrape();
    const before = {
      pending: m.value('libra_messages', { status: 'pending' }) ?? 0,
      sent: m.value('libra_messages', { status: 'sent' }) ?? 0,
      failed: m.value('libra_messages', { status: 'failed' }) ?? 0,
    };
    expect(before.pending, 'the welcomes and the receipt wait in the outbox').toBeGreaterThan(0);
    const drained = await t.services.outbox.drain();
    expect(drained.sent).toBeGreaterThan(0);
    m = await scrape();
    expect(m.value('libra_messages', { status: 'pending' })).toBe(0);
    expect(m.value('libra_messages', { status: 'sent' })).toBe(before.sent + drained.sent);

    // The mail server refuses the next recipient for good: the new member's welcome.
    smtp.refuseNext(550);
    await buildMembership(t, { by: agent.write });
    m = await scrape();
    expect(m.value('libra_messages', { status: 'pending' })).toBeGreaterThan(0);
    expect(m.value('libra_billing_backlog', { kind: 'due' }), 'its first period').toBe(1);
    const refused = await t.services.outbox.drain();
    expect(refused.failed).toBe(1);
    m = await scrape();
    expect(m.value('libra_messages', { status: 'failed' })).toBe(before.failed + 1);
    expect(m.value('libra_messages', { status: 'sent' })).toBe(before.sent + drained.sent + refused.sent);
    expect(m.value('libra_messages', { status: 'pending' })).toBe(0);
  });

  it('counts offers, open cases by state, cases past their SLA, the job queue and live streams', async () => {
    const provider = await signedInProvider(t, { kmNorth: 1, capacity: 5 });
    const membershipId = (await buildMembership(t, { by: agent.write })).id;
    const first = await buildCase(t, { membershipId, by: agent.write });
    let m = await scrape();
    expect(m.value('libra_cases', { state: 'requested' })).toBe(1);
    expect(m.value('libra_offers', { status: 'pending' })).toBe(1);
    const expiries = (s: Scrape) =>
      (s.value('libra_job_queue_depth', { queue: OFFER_EXPIRY_QUEUE, when: 'ready' }) ?? 0) +
      (s.value('libra_job_queue_depth', { queue: OFFER_EXPIRY_QUEUE, when: 'scheduled' }) ?? 0);
    expect(expiries(m), 'the offer’s expiry job waits (no workers in tests)').toBe(1);

    const [offer] = await t.services.dispatch.offersOfJob(t.database.handle.db, first.id);
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/v1/offers/${offer?.id}/accept`,
      headers: provider.session.write,
      payload: { quoteCentavos: 80_000 },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    m = await scrape();
    expect(m.value('libra_cases', { state: 'requested' })).toBe(0);
    expect(m.value('libra_cases', { state: 'dispatched' })).toBe(1);
    expect(m.value('libra_offers', { status: 'accepted' })).toBe(1);
    expect(m.value('libra_offers', { status: 'pending' })).toBe(0);

    // A second case whose offer nobody answers: it expires.
    const second = await buildCase(t, { membershipId, by: agent.write });
    const [unanswered] = await t.services.dispatch.offersOfJob(t.database.handle.db, second.id);
    clock().advance({ minutes: 3 });
    await t.services.onsite.expireOffer(unanswered?.id as string);
    m = await scrape();
    expect(m.value('libra_offers', { status: 'expired' })).toBe(1);
    expect(expiries(m)).toBe(2);

    // Someone follows the second case live, over a real connection, then goes away.
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const controller = new AbortController();
    const stream = await fetch(`http://127.0.0.1:${port}/v1/cases/${second.id}/events`, {
      headers: agent.read,
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect((await scrape()).value('libra_sse_streams', { stream: 'case' })).toBe(1);
    controller.abort();
    await until(
      'the stream is closed',
      async () => (await scrape()).value('libra_sse_streams', { stream: 'case' }) === 0,
    );

    // Past the dispatch target: the metric says what each case's own view says.
    clock().advance({ minutes: 20 });
    const breached = { dispatch: 0, arrival: 0 };
    for (const id of [first.id, second.id]) {
      const view = (
        await t.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: agent.read })
      ).json();
      for (const target of view.sla.breached as ('dispatch' | 'arrival')[]) breached[target]++;
    }
    expect(breached.dispatch, 'the second case was never dispatched').toBe(1);
    m = await scrape();
    expect(m.value('libra_cases_overdue', { target: 'dispatch' })).toBe(breached.dispatch);
    expect(m.value('libra_cases_overdue', { target: 'arrival' })).toBe(breached.arrival);
  });

  it('counts complaints past their due date', async () => {
    const membershipId = (await buildMembership(t, { by: agent.write })).id;
    const filed = await t.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: agent.write,
      payload: { membershipId, category: 'other', text: 'La grúa nunca llegó y nadie me llamó.' },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    expect((await scrape()).value('libra_complaints_overdue', { status: 'open' })).toBe(0);
    clock().advance({ days: 15 });
    expect((await scrape()).value('libra_complaints_overdue', { status: 'open' })).toBe(1);
  });

  it('answers the rest of the scrape when one family cannot be read', async () => {
    const db = t.database.handle.db;
    await db.execute(sql`alter table complaints rename to complaints_away`);
    try {
      const m = await scrape();
      expect(m.value('libra_metrics_family_up', { family: 'libra_complaints_overdue' })).toBe(0);
      expect(m.value('libra_complaints_overdue', { status: 'open' })).toBeUndefined();
      expect(m.text).toContain('# TYPE libra_complaints_overdue gauge');
      expect(m.value('libra_metrics_family_up', { family: 'libra_charges' })).toBe(1);
      expect(m.value('libra_charges', { outcome: 'failed' })).toBeDefined();
    } finally {
      await db.execute(sql`alter table complaints_away rename to complaints`);
    }
    expect((await scrape()).value('libra_metrics_family_up', { family: 'libra_complaints_overdue' })).toBe(1);
  });
});
