import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, sessionsOf, type TestUser } from './support/auth.ts';
import { towRequest } from './support/factories.ts';
import { contractOnlineAndSignIn } from './support/members.ts';

/**
 * What an accepted ARCO cancellation blocks (docs/decisions-pending/words.md): the titular's
 * personal data is no longer shown to staff or the bank — the member file answers 451
 * PERSONAL_DATA_BLOCKED, lists that name people say "Datos bloqueados" — while the billing records
 * the law requires kept (charges, invoices, the CSV export) stay; the titular and the privacy
 * office still reach it.
 */

let t: TestApp;
const sessionOf = sessionsOf(() => t);
const users = {} as Record<'customer' | 'agent' | 'supervisor' | 'finance' | 'privacy' | 'admin', TestUser>;
let membershipId: string;
let membershipNumber: string;
let fullName: string;
let caseId: string;
let complaintId: string;
let partner: Record<string, string>;
const BLOCKED = 'Datos bloqueados (derechos ARCO)';

async function call(user: TestUser, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const session = await sessionOf(user);
  return t.app.inject({
    method,
    url,
    headers: method === 'GET' ? session.read : session.write,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

beforeAll(async () => {
  t = await buildTestApp();
  const clock = t.clock as ManualClock;
  clock.set('2026-11-02T16:00:00Z');
  for (const role of ['agent', 'supervisor', 'finance', 'privacy', 'admin'] as const)
    users[role] = await createUser(t, role);
  partner = bearer((await createApiKey(t, 'partner', ['memberships:read', 'cases:read'])).key);

  const mine = await contractOnlineAndSignIn(t);
  membershipId = mine.membership.id;
  membershipNumber = mine.membership.number;
  fullName = mine.body.titular.fullName;
  users.customer = {
    ...(await createUser(t, 'customer')),
    email: mine.body.titular.email,
    password: 'mi contraseña segura',
  };
  const opened = await call(users.customer, 'POST', '/v1/cases', towRequest(membershipId));
  expect(opened.statusCode, opened.body).toBe(201);
  caseId = opened.json().id;
  const complained = await call(users.customer, 'POST', '/v1/complaints', {
    membershipId,
    category: 'service_quality',
    text: 'La grúa llegó tarde a mi casa en la calle Durango 20.',
  });
  expect(complained.statusCode, complained.body).toBe(201);
  complaintId = complained.json().id;

  // Past the free months: the first charge, a billing record the law requires kept.
  clock.set('2027-01-03T16:00:00Z');
  await t.services.billing.run({ at: clock.now(), trigger: 'test' });
  const cancelled = await call(users.customer, 'POST', `/v1/memberships/${membershipId}/cancellation`, {});
  expect(cancelled.statusCode, cancelled.body).toBe(201);
  const filed = await call(users.customer, 'POST', '/v1/arco-requests', {
    type: 'cancellation',
    details: 'Quiero que dejen de tratar mis datos personales.',
  });
  expect(filed.statusCode, filed.body).toBe(201);
  const answered = await call(users.privacy, 'POST', `/v1/arco-requests/${filed.json().id}/answer`, {
    decision: 'accepted',
    reason: 'Bloqueamos tus datos; conservamos solo los cobros y facturas.',
  });
  expect(answered.statusCode, answered.body).toBe(200);
}, 120_000);
afterAll(async () => t?.close());

describe('personal data blocked by an ARCO cancellation', () => {
  it('closes the member file to staff and the bank, before any identity check', async () => {
    const file = [
      `/v1/memberships/${membershipId}/verification`,
      `/v1/memberships/${membershipId}`,
      `/v1/memberships/${membershipId}/events`,
      `/v1/memberships/${membershipId}/beneficiaries`,
      `/v1/memberships/${membershipId}/usage`,
      `/v1/memberships/${membershipId}/messages`,
      `/v1/memberships/${membershipId}/notification-preferences`,
      `/v1/memberships/${membershipId}/cancellation`,
      `/v1/cases?membershipId=${membershipId}`,
      `/v1/complaints?membershipId=${membershipId}`,
    ];
    const open: string[] = [];
    for (const url of file) {
      for (const user of [users.agent, users.supervisor]) {
        const res = await call(user, 'GET', url);
        if (res.statusCode !== 451 || res.json().code !== 'PERSONAL_DATA_BLOCKED')
          open.push(`${user.role} ${url}: ${res.statusCode}`);
      }
    }
    expect(open).toEqual([]);
    const bank = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${membershipId}`,
      headers: partner,
    });
    // The bank's key reaches only its own channel's memberships: this online one is not found at all.
    expect([404, 451]).toContain(bank.statusCode);
    // Search finds the membership by its number only, never by the person's name.
    const byName = await call(users.supervisor, 'GET', `/v1/memberships?q=${encodeURIComponent(fullName)}`);
    expect(byName.json().data).toEqual([]);
  });

  it('keeps the billing records reachable: charges and the CSV export name no one', async () => {
    const charges = await call(users.finance, 'GET', `/v1/memberships/${membershipId}/charges`);
    expect(charges.statusCode, charges.body).toBe(200);
    const [charge] = charges.json().data;
    expect(charge).toMatchObject({ membershipNumber });
    expect((await call(users.supervisor, 'GET', `/v1/charges/${charge.id}`)).statusCode).toBe(200);
    const csv = await call(users.finance, 'GET', `/v1/charges/export?membershipNumber=${membershipNumber}`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body).toContain(membershipNumber);
    expect(csv.body).not.toContain(fullName.split(' ')[0]);
  });

  it('names no one in the lists and records staff reach: the case and the complaint say the data is blocked', async () => {
    const board = await call(users.supervisor, 'GET', '/v1/cases?limit=200');
    const listed = board.json().data.find((c: { id: string }) => c.id === caseId);
    expect(listed).toMatchObject({
      person: { name: BLOCKED },
      place: { address: BLOCKED },
      description: BLOCKED,
    });
    const kase = (await call(users.supervisor, 'GET', `/v1/cases/${caseId}`)).json();
    expect(kase).toMatchObject({ person: { name: BLOCKED }, description: BLOCKED, details: {} });
    const said = JSON.stringify(kase);
    expect(said).not.toContain(fullName);

    const queue = (await call(users.supervisor, 'GET', '/v1/complaints?limit=100')).json().data;
    expect(queue.find((c: { id: string }) => c.id === complaintId)).toMatchObject({ text: BLOCKED });
    const complaint = (await call(users.agent, 'GET', `/v1/complaints/${complaintId}`)).json();
    expect(complaint).toMatchObject({ text: BLOCKED, filedBy: { type: 'customer', name: BLOCKED } });
    expect(JSON.stringify(complaint)).not.toContain('Durango');
    expect(JSON.stringify(complaint)).not.toContain(fullName);
  });

  it('still shows the titular their own data, and the privacy office the file it answers for', async () => {
    const own = await call(users.customer, 'GET', `/v1/memberships/${membershipId}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().titular.fullName).toBe(fullName);
    const ownCase = (await call(users.customer, 'GET', `/v1/cases/${caseId}`)).json();
    expect(ownCase.person.name).not.toBe(BLOCKED);
    expect(ownCase.description).not.toBe(BLOCKED);
    // A later access request is answered with the whole file: the office assembles it through the
    // owning domains, which let it through.
    const access = await call(users.customer, 'POST', '/v1/arco-requests', {
      type: 'access',
      details: 'Quiero saber qué datos conservan de mí.',
    });
    expect(access.statusCode, access.body).toBe(201);
    const granted = await call(users.privacy, 'POST', `/v1/arco-requests/${access.json().id}/answer`, {
      decision: 'accepted',
      reason: 'Te entregamos lo que conservamos.',
    });
    expect(granted.statusCode, granted.body).toBe(200);
    const delivered = await call(users.customer, 'GET', `/v1/arco-requests/${access.json().id}/delivery`);
    expect(delivered.json()).toMatchObject({ membership: { titular: { fullName } } });
    expect(delivered.json().complaints[0].text).toContain('Durango');
  });
});
