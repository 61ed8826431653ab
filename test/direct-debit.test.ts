import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { ChargeView } from '../src/domains/billing/views.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { type BuiltMembership, buildMembership } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';

/**
 * Direct debit with the bank's files (DIRECT_DEBIT=file): the run sends no debit card to the
 * processor; the day's collection file goes to the bank; its answer file settles the charges once.
 */
let t: TestApp;
let clock: ManualClock;
let finance: Session;
let financeUser: { email: string; password: string };
let agent: Session;
let approved: BuiltMembership;
let rejected: BuiltMembership;
let unanswered: BuiltMembership;
let credit: BuiltMembership;

const DAY = '2026-11-25';

beforeAll(async () => {
  t = await buildTestApp({ env: { DIRECT_DEBIT: 'file' } });
  clock = t.clock as ManualClock;
  clock.set(mexicoCityTime(`${DAY}T10:00`));
  approved = await buildMembership(t, { card: TEST_CARD.visaDebit });
  rejected = await buildMembership(t, { card: TEST_CARD.visaDebit });
  unanswered = await buildMembership(t, { card: TEST_CARD.visaDebit });
  credit = await buildMembership(t, { card: TEST_CARD.visaCredit });
  financeUser = await createUser(t, 'finance');
  finance = await signIn(t, financeUser);
  agent = await signIn(t, await createUser(t, 'agent'));
}, 120_000);
afterAll(async () => t.close());

async function chargeOf(m: BuiltMembership): Promise<ChargeView> {
  const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, m.id);
  if (!charge) throw new Error('no charge');
  return charge;
}

async function stateOf(m: BuiltMembership): Promise<string> {
  const [row] = await rows<{ state: string }>(
    t.database.handle.db,
    sql`select state from memberships where id = ${m.id}`,
  );
  return row?.state ?? '';
}

async function eventsOf(m: BuiltMembership): Promise<{ type: string; data: Record<string, unknown> }[]> {
  return rows(
    t.database.handle.db,
    sql`select type, data from events where membership_id = ${m.id} and type like 'charge.%' or (membership_id = ${m.id} and type = 'membership.state_changed') order by txid, position`,
  );
}

const exportFile = (date: string, session: Session = finance) =>
  t.app.inject({ method: 'GET', url: `/v1/direct-debits/${date}/file`, headers: session.read });

const importAnswers = (body: string, session: Session = finance) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/imports/direct-debit-answers',
    headers: { ...session.write, 'content-type': 'text/csv' },
    payload: body,
  });

function referenceOf(file: string, number: string): string {
  const line = file.split('\r\n').find((l) => l.includes(`,${number},`));
  if (!line) throw new Error(`${number} is not in the file`);
  return line.split(',')[0] as string;
}

describe('direct debit by file', () => {
  let file = '';

  it('the run charges credit cards at the processor and leaves debit cards collecting', async () => {
    const summary = await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    expect(summary.collecting).toBe(3);
    expect(summary.succeeded).toBe(1);
    expect((await chargeOf(credit)).status).toBe('succeeded');
    for (const m of [approved, rejected, unanswered]) {
      const charge = await chargeOf(m);
      expect(charge).toMatchObject({ status: 'collecting', method: 'direct_debit', attempts: [] });
      expect(charge.statusLabel.es).toBe('En cobro por domiciliación');
    }
    // A second run changes nothing: one charge per period, still collecting.
    const again = await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    expect(again.collecting).toBe(0);
  });

  it('exports the day’s collection file, the same file every time', async () => {
    const res = await exportFile(DAY);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    file = res.body;
    const lines = file.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      'referencia,fecha_cobro,membresia,token_tarjeta,importe_centavos,moneda,periodo,intento',
    );
    expect(lines).toHaveLength(4);
    const mine = lines.find((l) => l.includes(approved.number))?.split(',') ?? [];
    expect(mine).toEqual([
      `${approved.number}-202611-1`,
      DAY,
      approved.number,
      approved.body.cardToken,
      '21800',
      'MXN',
      '2026-11',
      '1',
    ]);
    expect(file).not.toContain(credit.number);
    expect(res.headers['x-libra-lines']).toBe('3');
    expect(res.headers['x-libra-amount-centavos']).toBe('65400');
    expect((await exportFile(DAY)).body).toBe(file);
  });

  it('refuses a future day, a day that does not exist, and anyone but finance', async () => {
    const future = await exportFile('2026-11-26');
    expect(future.statusCode).toBe(422);
    expect(future.json().code).toBe('DIRECT_DEBIT_DATE_IN_FUTURE');
    expect((await exportFile('2026-02-30')).statusCode).toBe(400);
    expect((await exportFile(DAY, agent)).statusCode).toBe(403);
    expect((await importAnswers('referencia,resultado,motivo\n', agent)).statusCode).toBe(403);
  });

  it('applies the answer file: approvals pay, rejections decline; bad lines reported, nothing half-applied', async () => {
    const answers = [
      'referencia,resultado,motivo',
      `${referenceOf(file, approved.number)},aprobado,`,
      `${referenceOf(file, rejected.number)},rechazado,03`,
      'LP-26-999999-202611-1,aprobado,',
      `${referenceOf(file, unanswered.number)},quizá,`,
      `${referenceOf(file, unanswered.number)},rechazado,77`,
      '',
    ].join('\r\n');
    const res = await importAnswers(answers);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ lines: 5, approved: 1, rejected: 1, alreadyApplied: 0, problems: 3 });
    expect(report.issues.map((i: { line: number; kind: string }) => [i.line, i.kind])).toEqual([
      [4, 'unknown_reference'],
      [5, 'malformed'],
      [6, 'malformed'],
    ]);
    expect(report.issues[0].message.es).toContain('Referencia desconocida');
    expect(report.issues[2].message.es).toContain('"77"');

    const paid = await chargeOf(approved);
    expect(paid.status).toBe('succeeded');
    expect(paid.receipt?.folio).toMatch(/^REC-2026-/);
    expect(paid.attempts).toMatchObject([{ number: 1, status: 'succeeded' }]);
    const declined = await chargeOf(rejected);
    expect(declined).toMatchObject({ status: 'failed', declineCode: 'bank_03' });
    expect(declined.declineLabel?.es).toBe('Fondos insuficientes');
    expect(declined.retryAt).toBe(mexicoCityTime('2026-11-26T00:00').toISOString());
    expect(await stateOf(rejected)).toBe('past_due');
    expect((await chargeOf(unanswered)).status).toBe('collecting');

    expect((await eventsOf(approved)).map((e) => e.type)).toEqual(['charge.succeeded']);
    expect((await eventsOf(rejected)).map((e) => e.type)).toEqual([
      'charge.failed',
      'membership.state_changed',
    ]);
    expect((await eventsOf(unanswered)).map((e) => e.type)).toEqual([]);
  });

  it('the same answer file again changes nothing: its lines are reported as already applied', async () => {
    const before = await Promise.all(
      [approved, rejected].map(async (m) => [await chargeOf(m), await eventsOf(m)]),
    );
    const answers = [
      'referencia,resultado,motivo',
      `${referenceOf(file, approved.number)},aprobado,`,
      `${referenceOf(file, rejected.number)},rechazado,03`,
      `${referenceOf(file, approved.number)},rechazado,01`,
    ].join('\n');
    const report = (await importAnswers(answers)).json();
    expect(report).toMatchObject({ approved: 0, rejected: 0, alreadyApplied: 2, problems: 1 });
    expect(report.issues.map((i: { line: number; kind: string }) => [i.line, i.kind])).toEqual([
      [2, 'already_applied'],
      [3, 'already_applied'],
      [4, 'duplicate'],
    ]);
    const after = await Promise.all(
      [approved, rejected].map(async (m) => [await chargeOf(m), await eventsOf(m)]),
    );
    expect(after).toEqual(before);
    // Another answer for an answered reference is a conflict, never applied.
    const conflict = (
      await importAnswers(`referencia,resultado,motivo\n${referenceOf(file, approved.number)},rechazado,01\n`)
    ).json();
    expect(conflict.issues).toMatchObject([{ line: 2, kind: 'conflict' }]);
    expect((await chargeOf(approved)).status).toBe('succeeded');
  });

  it('refuses a file without its header, applying nothing', async () => {
    const res = await importAnswers(`${referenceOf(file, unanswered.number)},aprobado,\n`);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('DIRECT_DEBIT_ANSWER_HEADER');
    expect((await chargeOf(unanswered)).status).toBe('collecting');
  });

  it('two imports of the same answer at once apply it once', async () => {
    const answer = `referencia,resultado,motivo\n${referenceOf(file, unanswered.number)},aprobado,\n`;
    const [a, b] = await Promise.all([importAnswers(answer), importAnswers(answer)]);
    const reports = [a.json(), b.json()];
    expect(reports.map((r) => r.approved).sort()).toEqual([0, 1]);
    expect(reports.map((r) => r.alreadyApplied).sort()).toEqual([0, 1]);
    expect((await eventsOf(unanswered)).map((e) => e.type)).toEqual(['charge.succeeded']);
    expect((await chargeOf(unanswered)).attempts).toHaveLength(1);
  });

  it('a rejection is retried through the next day’s file, under a new reference', async () => {
    clock.set(mexicoCityTime('2026-11-26T10:00'));
    finance = await signIn(t, financeUser);
    const summary = await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    expect(summary).toMatchObject({ retried: 1, collecting: 1 });
    expect((await chargeOf(rejected)).status).toBe('collecting');
    const next = (await exportFile('2026-11-26')).body;
    expect(next).toContain(`${rejected.number}-202611-2,2026-11-26,`);
    expect(next).not.toContain(unanswered.number);
    expect(next).not.toContain(approved.number);
    const report = (
      await importAnswers(`referencia,resultado,motivo\n${rejected.number}-202611-2,aprobado,\n`)
    ).json();
    expect(report).toMatchObject({ approved: 1, problems: 0 });
    expect(await stateOf(rejected)).toBe('active');
    expect((await chargeOf(rejected)).attempts.map((a) => a.status)).toEqual(['declined', 'succeeded']);
    // The first day's file is as it was.
    expect((await exportFile(DAY)).body).toBe(file);
  });
});
