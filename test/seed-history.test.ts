import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceOptionsOf } from '../src/app.ts';
import { generateHistory, HistoryExistsError, type HistoryReport } from '../src/seed/history.ts';
import type { TestApp } from './support/app.ts';
import { buildTestApp } from './support/app.ts';
import { createUser, signIn } from './support/auth.ts';
import { invariantViolations } from './support/invariants.ts';

let t: TestApp;
let history: HistoryReport;

beforeAll(async () => {
  t = await buildTestApp();
  // A week ending at the app's clock, so the dashboard's default window (the last days) shows it.
  history = await generateHistory(t.database.handle, {
    days: 7,
    members: 60,
    seed: 7,
    casesPerMemberYear: 60,
    end: t.clock.now(),
    serviceOptions: serviceOptionsOf(t.config),
  });
}, 240_000);

afterAll(async () => {
  await t?.close();
});

describe('a simulated week (seed --history)', () => {
  it('has members on every channel and cases of several kinds, by night and at weekends', () => {
    const { stats } = history;
    console.log(JSON.stringify({ durationMs: history.durationMs, stats }));
    expect(stats.members.online).toBeGreaterThan(0);
    expect(stats.members.phone).toBeGreaterThan(0);
    expect(stats.members.bank).toBeGreaterThan(0);
    expect(Object.keys(stats.cases).length).toBeGreaterThanOrEqual(4);
    const night = stats.casesByHour.slice(0, 6).reduce((a, b) => a + b, 0);
    const day = stats.casesByHour.slice(9, 21).reduce((a, b) => a + b, 0);
    expect(night).toBeGreaterThan(0);
    expect(day).toBeGreaterThan(night);
    expect(stats.weekendCases).toBeGreaterThan(0);
  });

  it('has offers declined and expired, excesses answered, jobs completed and consultations closed', () => {
    const { stats } = history;
    expect(stats.offers.declined).toBeGreaterThan(0);
    expect(stats.offers.expired).toBeGreaterThan(0);
    expect(stats.offers.accepted).toBeGreaterThan(0);
    expect(stats.excesses.accepted + stats.excesses.declined).toBeGreaterThan(0);
    expect(stats.casesCompleted).toBeGreaterThan(0);
    expect(stats.consultationsClosed).toBeGreaterThan(0);
  });

  it('has daily billing runs with declines and recoveries, a complaint, and a cancellation refunded', () => {
    const { stats } = history;
    expect(stats.billing.runs).toBe(7);
    expect(stats.billing.succeeded).toBeGreaterThan(0);
    expect(stats.billing.declined).toBeGreaterThan(0);
    expect(stats.billing.recovered).toBeGreaterThan(0);
    expect(stats.complaints.filed).toBeGreaterThan(0);
    expect(stats.cancellations.refunded).toBeGreaterThan(0);
  });

  it('leaves a database where every invariant holds', async () => {
    expect(await invariantViolations(t.database.handle.db)).toEqual([]);
  });

  it('shows a real picture on the dashboard, the case board and finance', async () => {
    const supervisor = await signIn(t, await createUser(t, 'supervisor'));
    const finance = await signIn(t, await createUser(t, 'finance'));
    const to = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const report = await t.app.inject({
      method: 'GET',
      url: `/v1/reports/operations?from=${encodeURIComponent(history.from)}&to=${encodeURIComponent(to)}`,
      headers: supervisor.read,
    });
    expect(report.statusCode, report.body).toBe(200);
    const body = report.json();
    // The dashboard counts the cases asked for in the window, except those refused.
    const asked = Object.values(history.stats.cases).reduce((a, b) => a + b, 0);
    expect(body.casesPerHour.total).toBe(asked - history.stats.casesRefused);
    expect(body.casesPerHour.total).toBeGreaterThan(10);
    expect(body.charges.failed).toBeGreaterThan(0);
    expect(body.charges.succeeded).toBeGreaterThan(0);
    expect(body.memberships.total).toBe(60 - history.stats.cancellations.done);
    const board = await t.app.inject({ method: 'GET', url: '/v1/cases', headers: supervisor.read });
    expect(board.statusCode, board.body).toBe(200);
    expect(board.json().data.length).toBeGreaterThan(0);
    const charges = await t.app.inject({
      method: 'GET',
      url: '/v1/charges?status=failed',
      headers: finance.read,
    });
    expect(charges.statusCode, charges.body).toBe(200);
    expect(charges.json().data.length).toBeGreaterThan(0);
  });

  it('makes the same history again from the same seed, on another database', async () => {
    const other = await buildTestApp();
    try {
      const again = await generateHistory(other.database.handle, {
        days: 7,
        members: 60,
        seed: 7,
        casesPerMemberYear: 60,
        end: other.clock.now(),
        serviceOptions: serviceOptionsOf(other.config),
      });
      expect(again.stats).toEqual(history.stats);
      expect(again.members.map((m) => m.person.email)).toEqual(history.members.map((m) => m.person.email));
    } finally {
      await other.close();
    }
  }, 240_000);

  it('refuses to make a second history on the same database', async () => {
    await expect(
      generateHistory(t.database.handle, {
        days: 1,
        members: 5,
        seed: 1,
        end: t.clock.now(),
        serviceOptions: serviceOptionsOf(t.config),
      }),
    ).rejects.toBeInstanceOf(HistoryExistsError);
  });
});
