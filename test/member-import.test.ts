import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from './support/auth.ts';
import { tokenize } from './support/factories.ts';

/**
 * The bank's members file (issue 25): a file of good and bad rows gives an exact error report and
 * fully real memberships; the same file again makes nothing; a card number is refused and never
 * stored; the API takes the file as a stream. The clock reads 2026-11-25 14:05 in Mexico City.
 */

const HEADER = [
  'bank_reference',
  'plan_code',
  'titular_full_name',
  'titular_birth_date',
  'titular_email',
  'titular_phone',
  'titular_curp',
  'titular_rfc',
  'card_token',
  'terms_version',
  'privacy_notice_version',
  'contracted_on',
  'beneficiary_1_kind',
  'beneficiary_1_full_name',
  'beneficiary_1_birth_date',
  'beneficiary_1_card_last4',
  'beneficiary_2_kind',
  'beneficiary_2_full_name',
  'beneficiary_2_birth_date',
  'beneficiary_2_card_last4',
].join(',');

let t: TestApp;
let finance: Session;
let token: string;
let run = 0;

beforeAll(async () => {
  t = await buildTestApp();
  finance = await signIn(t, await createUser(t, 'finance'));
  token = await tokenize(t);
});
afterAll(async () => t?.close());

/** A row of the layout; every value can be replaced. Emails are unique per file. */
function row(values: Partial<Record<string, string>>): string {
  const base: Record<string, string> = {
    bank_reference: '',
    plan_code: 'libra-plus',
    titular_full_name: 'Rosa María Treviño Garza',
    titular_birth_date: '1980-06-01',
    titular_email: '',
    titular_phone: '81 1234 5678',
    titular_curp: '',
    titular_rfc: '',
    card_token: token,
    terms_version: CURRENT_TERMS.version,
    privacy_notice_version: CURRENT_PRIVACY_NOTICE.version,
    contracted_on: '2026-11-24',
  };
  const all = { ...base, ...values };
  return HEADER.split(',')
    .map((name) => {
      const value = all[name] ?? '';
      return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
    })
    .join(',');
}

function theFile() {
  run++;
  const email = (n: number) => `banco-${run}-${n}@example.com`;
  const ref = (n: number) => `BNX-${run}-${n}`;
  const lines = [
    HEADER,
    // 2: good, with a spouse and a child.
    row({
      bank_reference: ref(1),
      titular_email: email(1),
      beneficiary_1_kind: 'spouse',
      beneficiary_1_full_name: 'Jorge Luis Garza Peña',
      beneficiary_2_kind: 'child',
      beneficiary_2_full_name: 'Sofía Garza Treviño',
      beneficiary_2_birth_date: '2015-02-03',
    }),
    // 3: a phone that is no phone.
    row({ bank_reference: ref(2), titular_email: email(2), titular_phone: '123' }),
    // 4: a card number where the token goes.
    row({ bank_reference: ref(3), titular_email: email(3), card_token: '4242 4242 4242 4242' }),
    // 5: a token the processor does not know.
    row({ bank_reference: ref(4), titular_email: email(4), card_token: 'tok_sandbox_no_such_token' }),
    // 6–7: a name over two lines (quoted): the next row starts on line 8.
    row({ bank_reference: ref(5), titular_email: email(5), titular_full_name: 'Ana\nLópez 2' }),
    // 8: a titular under 18.
    row({ bank_reference: ref(6), titular_email: email(6), titular_birth_date: '2010-01-01' }),
    // 9: a "child" of 25.
    row({
      bank_reference: ref(7),
      titular_email: email(7),
      beneficiary_1_kind: 'child',
      beneficiary_1_full_name: 'Pedro Garza Treviño',
      beneficiary_1_birth_date: '2001-01-01',
    }),
    // 10: no email.
    row({ bank_reference: ref(8) }),
    // 11: a value short.
    'BNX-short,libra-plus,Nadie',
    // 12: good, no beneficiaries.
    row({ bank_reference: ref(9), titular_email: email(9) }),
    // 13: the titular of line 2 again, under another sale.
    row({ bank_reference: ref(10), titular_email: email(1) }),
    // 14: a sale dated tomorrow.
    row({ bank_reference: ref(11), titular_email: email(11), contracted_on: '2026-11-26' }),
    // 15: line 2's sale sent twice.
    row({ bank_reference: ref(1), titular_email: email(1) }),
  ];
  return { text: `${lines.join('\r\n')}\r\n`, ref, email };
}

async function upload(text: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/imports/members?filename=ventas.csv',
    headers: { ...finance.write, 'content-type': 'text/csv; charset=utf-8', ...headers },
    payload: text,
  });
}

async function report(id: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/imports/${id}/errors.csv`,
    headers: finance.read,
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/csv');
  return res.body;
}

/** The report's lines without the reasons: line, column, code, reference. */
function reportRows(csv: string): string[] {
  return csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => {
      const fields = line.split(',');
      return [fields[0], fields[1], fields[2], fields[fields.length - 1]].join(',');
    });
}

describe('importing the bank’s members file', () => {
  it('imports the good rows, reports the bad ones exactly, and makes real memberships', async () => {
    const file = theFile();
    const res = await upload(file.text);
    expect(res.statusCode).toBe(201);
    const summary = res.json();
    expect(summary).toMatchObject({
      status: 'completed',
      source: 'api',
      fileName: 'ventas.csv',
      rows: 13,
      imported: 2,
      alreadyImported: 1,
      rejected: 10,
      stop: null,
    });
    expect(res.headers.location).toBe(`/v1/imports/${summary.id}`);

    const csv = await report(summary.id);
    expect(reportRows(csv)).toEqual([
      'linea,columna,codigo,referencia',
      `3,titular_phone,PHONE_INVALID,${file.ref(2)}`,
      `4,card_token,CARD_NUMBER_NOT_ALLOWED,${file.ref(3)}`,
      `5,card_token,CARD_TOKEN_UNKNOWN,${file.ref(4)}`,
      `6,titular_full_name,NAME_INVALID,${file.ref(5)}`,
      `8,titular_birth_date,TITULAR_UNDERAGE,${file.ref(6)}`,
      `9,beneficiary_1_birth_date,BENEFICIARY_NOT_ELIGIBLE,${file.ref(7)}`,
      `10,titular_email,VALUE_REQUIRED,${file.ref(8)}`,
      '11,,ROW_FIELD_COUNT,BNX-short',
      `13,titular_email,MEMBERSHIP_ALREADY_EXISTS,${file.ref(10)}`,
      `14,contracted_on,SALE_DATE_INVALID,${file.ref(11)}`,
    ]);
    // Reasons in Spanish, then English.
    expect(csv).toContain(
      'La fecha de contratación no puede ser futura.,The contracting date cannot be in the future.',
    );
    // The card number is nowhere: not in the report, not in the database.
    expect(csv).not.toMatch(/4242/);
    const stored = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from import_errors where reason_es like '%4242%' or reference like '%4242%'`,
    );
    expect(stored[0]?.n).toBe(0);

    // The imported sale is a whole membership: bank channel, active, its people, its schedule, its
    // history, its audit entry, its partner event and its welcome.
    const [m] = await rows<{
      id: string;
      channel: string;
      state: string;
      contracted_at: Date;
      billing_day: number;
      next_charge_at: Date | null;
    }>(
      t.database.handle.db,
      sql`select m.id, m.channel, m.state, m.contracted_at, m.billing_day, s.next_charge_at
          from memberships m join billing_schedule s on s.membership_id = m.id
          where m.bank_reference = ${file.ref(1)}`,
    );
    expect(m).toMatchObject({ channel: 'bank', state: 'active', billing_day: 24 });
    expect(m?.contracted_at.toISOString()).toBe('2026-11-24T06:00:00.000Z');
    expect(m?.next_charge_at?.toISOString()).toBe('2026-11-24T06:00:00.000Z');
    const id = m?.id as string;
    const [counts] = await rows<Record<string, number>>(
      t.database.handle.db,
      sql`select
        (select count(*)::int from beneficiaries where membership_id = ${id}) as people,
        (select count(*)::int from consents where membership_id = ${id}) as consents,
        (select count(*)::int from membership_events where membership_id = ${id} and type = 'contracted') as history,
        (select count(*)::int from audit_log where record_id = ${id} and action = 'membership.create') as audit,
        (select count(*)::int from notifications where membership_id = ${id} and kind = 'membership_welcome') as welcomes`,
    );
    expect(counts).toMatchObject({ people: 2, consents: 2, history: 1, audit: 1 });
    expect(counts?.welcomes).toBeGreaterThan(0);
    const partner = await createApiKey(t, 'partner', ['events:read']);
    const events = await t.app.inject({
      method: 'GET',
      url: '/v1/events?type=membership.created&limit=500',
      headers: bearer(partner.key),
    });
    expect(events.statusCode).toBe(200);
    const created = events
      .json()
      .data.filter((e: { data: { membershipId: string } }) => e.data.membershipId === id);
    expect(created).toHaveLength(1);
    expect(created[0].data).toMatchObject({ channel: 'bank', state: 'active', plan: 'libra-plus' });
    // The membership answers as any other does (plan, state, people).
    const agent = await signIn(t, await createUser(t, 'supervisor'));
    const view = await t.app.inject({ method: 'GET', url: `/v1/memberships/${id}`, headers: agent.read });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ state: 'active', channel: 'bank' });
    // The upload is audited as a staff action.
    const audit = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from audit_log where action = 'import.members' and record_id = ${summary.id}`,
    );
    expect(audit[0]?.n).toBe(1);
  });

  it('makes nothing the second time: the imported rows are already imported, not errors', async () => {
    const file = theFile();
    const first = (await upload(file.text)).json();
    expect(first.imported).toBe(2);
    const before = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from memberships`,
    );
    const again = await upload(file.text);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ rows: 13, imported: 0, alreadyImported: 3, rejected: 10 });
    const after = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from memberships`,
    );
    expect(after[0]?.n).toBe(before[0]?.n);
    const csv = await report(again.json().id);
    expect(csv).not.toContain(`,${file.ref(1)}\r\n`);
    expect(csv).not.toContain(`,${file.ref(9)}\r\n`);
    expect(csv).toContain(`,${file.ref(10)}\r\n`);
  });

  it('refuses a header that is not the layout, recording nothing', async () => {
    const before = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from import_runs`,
    );
    const res = await upload('bank_reference,plan,titular_full_name\r\nX,libra-plus,Ana López\r\n');
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('IMPORT_HEADER_INVALID');
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('plan');
    expect(fields).toContain('card_token');
    const after = await rows<{ n: number }>(
      t.database.handle.db,
      sql`select count(*)::int as n from import_runs`,
    );
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('takes only CSV, and only from finance', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/v1/imports/members',
      headers: finance.write,
      payload: { rows: [] },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('IMPORT_CONTENT_TYPE');
    const agent = await signIn(t, await createUser(t, 'agent'));
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/imports/members',
      headers: { ...agent.write, 'content-type': 'text/csv' },
      payload: `${HEADER}\r\n`,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('stops at bytes that are not UTF-8, keeping the rows before them', async () => {
    const file = theFile();
    const good = row({ bank_reference: file.ref(1), titular_email: file.email(1) });
    const body = Buffer.concat([
      Buffer.from(`${HEADER}\r\n${good}\r\n`),
      Buffer.from([0x42, 0xff, 0x0d, 0x0a]),
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/imports/members',
      headers: { ...finance.write, 'content-type': 'text/csv' },
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'stopped',
      stop: { code: 'IMPORT_FILE_NOT_UTF8', line: 3 },
      imported: 1,
    });
    const csv = await report(res.json().id);
    expect(reportRows(csv).at(-1)).toBe('3,,IMPORT_FILE_NOT_UTF8,');
  });

  it('imports through the service as the CLI does (the system as actor), with the same outcome', async () => {
    const file = theFile();
    const result = await t.services.imports.importMembers(SYSTEM_ACTOR, [Buffer.from(file.text)], {
      source: 'cli',
      fileName: 'ventas.csv',
    });
    expect(result).toMatchObject({ imported: 2, alreadyImported: 1, rejected: 10, status: 'completed' });
  });
});
