import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { tokenize } from '../../../test/support/factories.ts';
import { contractOnlineAndSignIn, memberRowCounts } from '../../../test/support/members.ts';
import { type ManualClock, mexicoCityTime } from '../../lib/clock.ts';

/** The people a membership covers, and who may reach a membership at all. */

let t: TestApp;
let clock: ManualClock;

beforeAll(async () => {
  t = await buildTestApp();
  clock = t.clock as ManualClock;
});
afterAll(async () => t?.close());
beforeEach(() => clock.set('2026-11-25T20:05:00Z')); // 14:05 in Mexico City

const onlineCustomer = (password?: string) => contractOnlineAndSignIn(t, password);
const counts = () => memberRowCounts(t);

describe('beneficiaries and coverage', () => {
  it('covers a child the day before the 21st birthday and not on it', async () => {
    const { membership, session } = await onlineCustomer();
    const added = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membership.id}/beneficiaries`,
      headers: session.write,
      payload: { kind: 'child', fullName: 'Diego López Ramírez', birthDate: '2005-11-26' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ covered: true, coverage: { coveredUntil: '2026-11-25' } });

    clock.set(mexicoCityTime('2026-11-25T23:59').toISOString());
    const eve = (
      await t.app.inject({ method: 'GET', url: `/v1/memberships/${membership.id}`, headers: session.read })
    ).json();
    expect(eve.people.find((p: { kind: string }) => p.kind === 'child').covered).toBe(true);

    clock.set(mexicoCityTime('2026-11-26T00:00').toISOString());
    const birthday = (
      await t.app.inject({ method: 'GET', url: `/v1/memberships/${membership.id}`, headers: session.read })
    ).json();
    const child = birthday.people.find((p: { kind: string }) => p.kind === 'child');
    expect(child).toMatchObject({ covered: false, coverage: { code: 'CHILD_AGED_OUT' } });
    expect(child.coverage.reason.es).toContain('21');
  });

  it('refuses a child already 21, and writes nothing', async () => {
    const { membership, session } = await onlineCustomer();
    const before = await counts();
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/memberships/${membership.id}/beneficiaries`,
      headers: session.write,
      payload: { kind: 'child', fullName: 'Ana López Ramírez', birthDate: '2005-11-25' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'BENEFICIARY_NOT_ELIGIBLE',
      reason: { es: expect.stringContaining('21') },
    });
    expect(await counts()).toEqual(before);
  });

  it('allows one spouse at a time; removing one lets another be added', async () => {
    const { membership, session } = await onlineCustomer();
    const add = (fullName: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/memberships/${membership.id}/beneficiaries`,
        headers: session.write,
        payload: { kind: 'spouse', fullName },
      });
    const first = await add('Jorge Ramírez Soto');
    expect(first.statusCode).toBe(201);
    const second = await add('Pedro Páramo Gómez');
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('BENEFICIARY_SPOUSE_EXISTS');
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/memberships/${membership.id}/beneficiaries/${first.json().id}`,
      headers: session.write,
    });
    expect(removed.statusCode).toBe(204);
    expect((await add('Pedro Páramo Gómez')).statusCode).toBe(201);
    const all = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${membership.id}/beneficiaries?includeRemoved=true`,
      headers: session.read,
    });
    expect(all.json().data.map((b: { covered: boolean }) => b.covered)).toEqual([false, true]);
  });

  it('needs the card’s last 4 for an additional cardholder', async () => {
    const { membership, session } = await onlineCustomer();
    const url = `/v1/memberships/${membership.id}/beneficiaries`;
    const missing = await t.app.inject({
      method: 'POST',
      url,
      headers: session.write,
      payload: { kind: 'additional_cardholder', fullName: 'Lucía López Ruiz' },
    });
    expect(missing.json().code).toBe('BENEFICIARY_DETAILS_MISSING');
    const ok = await t.app.inject({
      method: 'POST',
      url,
      headers: session.write,
      payload: { kind: 'additional_cardholder', fullName: 'Lucía López Ruiz', cardLast4: '1881' },
    });
    expect(ok.json()).toMatchObject({ kind: 'additional_cardholder', cardLast4: '1881', covered: true });
  });
});

describe('a customer reaches only their own membership', () => {
  it('someone else’s membership and beneficiaries answer 404, reads and writes alike', async () => {
    const mine = await onlineCustomer();
    const theirs = await onlineCustomer();
    const id = theirs.membership.id;
    const attempts = [
      t.app.inject({ method: 'GET', url: `/v1/memberships/${id}`, headers: mine.session.read }),
      t.app.inject({ method: 'GET', url: `/v1/memberships/${id}/beneficiaries`, headers: mine.session.read }),
      t.app.inject({ method: 'GET', url: `/v1/memberships/${id}/events`, headers: mine.session.read }),
      t.app.inject({
        method: 'POST',
        url: `/v1/memberships/${id}/beneficiaries`,
        headers: mine.session.write,
        payload: { kind: 'spouse', fullName: 'Intruso Pérez López' },
      }),
      t.app.inject({
        method: 'PUT',
        url: `/v1/memberships/${id}/card`,
        headers: mine.session.write,
        payload: { cardToken: await tokenize(t) },
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('MEMBERSHIP_NOT_FOUND');
    }
    const unchanged = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${id}`,
      headers: theirs.session.read,
    });
    expect(unchanged.json().people).toHaveLength(1);
    expect(unchanged.json().card.last4).toBe('4242');
    // The customer cannot search members at all.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/memberships?q=lopez', headers: mine.session.read }))
        .statusCode,
    ).toBe(403);
  });
});
