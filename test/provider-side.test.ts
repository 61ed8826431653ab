import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, signedInProvider } from './support/dispatch.ts';
import { buildCase } from './support/factories.ts';
import { http } from './support/http.ts';

/**
 * What the provider app reads: a job with no more personal data than the job needs (the first name),
 * one job by its id — also once it is over — and never another provider's, and the provider's own
 * record for the availability switch.
 */
let t: TestApp;
let agent: Session;
let mine: { id: string; session: Session };
let other: { id: string; session: Session };
let membershipId: string;
const { post, get } = http(() => t);

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  mine = await signedInProvider(t, { kmNorth: 1 });
  other = await signedInProvider(t, { kmNorth: 5 });
  membershipId = await contractByPhone(t, agent.write);
});
afterAll(async () => t?.close());

/** A tow opened by the agent and accepted by the nearest provider (mine). */
async function acceptedTow(quoteCentavos = 80_000): Promise<string> {
  const caseId = (await buildCase(t, { membershipId, by: agent.write })).id;
  const offers = (await get('/v1/provider/offers', mine.session.read)).json().data as {
    id: string;
    caseId: string;
  }[];
  const offer = offers.find((o) => o.caseId === caseId);
  expect(offer, 'the nearest provider is offered the tow').toBeDefined();
  const accepted = await post(`/v1/offers/${offer?.id}/accept`, mine.session.write, { quoteCentavos });
  expect(accepted.statusCode).toBe(200);
  return caseId;
}

describe('the provider side of a job', () => {
  it("gives the provider the person's first name only, in the list and in the job", async () => {
    const caseId = await acceptedTow();
    const list = await get('/v1/provider/jobs', mine.session.read);
    expect(list.statusCode).toBe(200);
    const job = list.json().data.find((j: { id: string }) => j.id === caseId);
    expect(job.personFirstName).toBe('María');
    expect(JSON.stringify(list.json())).not.toContain('López');
    expect(job).not.toHaveProperty('personName');

    const one = await get(`/v1/provider/jobs/${caseId}`, mine.session.read);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      id: caseId,
      state: 'dispatched',
      personFirstName: 'María',
      quoteCentavos: 80_000,
      finalCostCentavos: null,
      place: { address: expect.stringContaining('Plaza de la Constitución') },
    });
    expect(one.body).not.toContain('López');

    // The status report answers with the same view.
    const moved = await post(`/v1/cases/${caseId}/status`, mine.session.write, { status: 'en_route' });
    expect(moved.json()).toMatchObject({ state: 'en_route', personFirstName: 'María' });
    expect(moved.body).not.toContain('López');
  });

  it('keeps a completed job readable by its provider, with the final cost', async () => {
    const caseId = await acceptedTow(90_000);
    for (const status of ['en_route', 'on_site'])
      expect((await post(`/v1/cases/${caseId}/status`, mine.session.write, { status })).statusCode).toBe(200);
    const done = await post(`/v1/cases/${caseId}/status`, mine.session.write, {
      status: 'completed',
      finalCostCentavos: 95_000,
    });
    expect(done.json()).toMatchObject({ state: 'completed', finalCostCentavos: 95_000 });
    const list = (await get('/v1/provider/jobs', mine.session.read)).json().data as { id: string }[];
    expect(list.map((j) => j.id)).not.toContain(caseId);
    const one = await get(`/v1/provider/jobs/${caseId}`, mine.session.read);
    expect(one.json()).toMatchObject({ state: 'completed', finalCostCentavos: 95_000 });
  });

  it("answers another provider's job as not found, and an unknown id the same", async () => {
    const caseId = await acceptedTow();
    const theirs = await get(`/v1/provider/jobs/${caseId}`, other.session.read);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('CASE_NOT_ASSIGNED_TO_YOU');
    const unknown = await get('/v1/provider/jobs/0193a3b0-0000-7000-8000-000000000000', mine.session.read);
    expect(unknown.statusCode).toBe(404);
    const bad = await get('/v1/provider/jobs/not-an-id', mine.session.read);
    expect(bad.statusCode).toBe(400);
    const list = (await get('/v1/provider/jobs', other.session.read)).json().data as { id: string }[];
    expect(list.map((j) => j.id)).not.toContain(caseId);
  });

  it('tells the provider its own record, and the availability switch changes it', async () => {
    const me = await get('/v1/provider', mine.session.read);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: mine.id, available: true, services: ['tow-truck'] });
    const off = await t.app.inject({
      method: 'PUT',
      url: '/v1/provider/availability',
      headers: mine.session.write,
      payload: { available: false },
    });
    expect(off.statusCode).toBe(200);
    expect((await get('/v1/provider', mine.session.read)).json().available).toBe(false);
    await t.app.inject({
      method: 'PUT',
      url: '/v1/provider/availability',
      headers: mine.session.write,
      payload: { available: true },
    });
    expect((await get('/v1/provider', other.session.read)).json().id).toBe(other.id);
  });

  it('refuses an account not linked to a provider', async () => {
    const unlinked = await signIn(t, await createUser(t, 'provider'));
    const res = await get('/v1/provider', unlinked.read);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('PROVIDER_ACCOUNT_UNLINKED');
  });
});
