import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, caseLocationLinks, notifications } from '../src/db/schema/index.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { registerProvider } from './support/dispatch.ts';
import { type BuiltCase, buildCase, buildMembership } from './support/factories.ts';
import { expectProblem } from './support/problems.ts';
import { reassemble, startSmppServer, type TestSmppServer } from './support/smpp.ts';

/**
 * "Comparte tu ubicación" through the API, with a real SMPP peer on loopback: an agent asks for a
 * one-time link, it is texted to the number given (the caller may not be the titular) with nothing
 * of the case in it; the public side says only whether the link is open; the caller's position
 * sets the case's place once; a used, expired, replaced or unknown link is refused in words; and
 * no log line carries the token.
 */
let t: TestApp;
let smsc: TestSmppServer;
let agent: Session;
let membershipId: string;
const logLines: string[] = [];
const GUADALAJARA = { lat: 20.6736, lng: -103.344 };

beforeAll(async () => {
  smsc = await startSmppServer();
  t = await buildTestApp({
    env: { SMPP_URL: smsc.url, SMS_SENDER_ID: 'LIBRA', LOG_LEVEL: 'info', PUBLIC_URL: 'https://libra.test' },
    logStream: { write: (line) => logLines.push(line) },
  });
  await registerProvider(t, { capacity: 100 });
  agent = await signIn(t, await createUser(t, 'agent'));
  membershipId = (await buildMembership(t, { by: agent.write })).id;
  await t.services.outbox.drain();
});
afterAll(async () => {
  await t?.close();
  await smsc?.close();
});
beforeEach(() => {
  smsc.submitted.length = 0;
});

const clock = () => t.clock as ManualClock;
const db = () => t.database.handle.db;

/** A tow case of the membership; what opening it texted (the provider's offer) is delivered first. */
async function openCase(onMembership = membershipId): Promise<BuiltCase> {
  const kase = await buildCase(t, { membershipId: onMembership, by: agent.write });
  await t.services.outbox.drain();
  smsc.submitted.length = 0;
  return kase;
}

function askForLink(caseId: string, payload: object = {}, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/cases/${caseId}/location-links`,
    headers: { ...agent.write, ...headers },
    payload,
  });
}

async function linkFor(caseId: string, payload: object = {}) {
  const res = await askForLink(caseId, payload);
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { ...body, token: body.url.split('/').at(-1) as string };
}

const linkState = (token: string) => t.app.inject({ method: 'GET', url: `/v1/location-links/${token}` });
const share = (token: string, payload: object = { ...GUADALAJARA, accuracyM: 25 }) =>
  t.app.inject({ method: 'POST', url: `/v1/location-links/${token}`, payload });

async function caseView(caseId: string) {
  return (await t.app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: agent.read })).json();
}

describe('asking for a location link', () => {
  it('texts it to the number given, in the member’s language, with nothing of the case in it', async () => {
    const kase = await openCase();
    const res = await askForLink(kase.id, { phone: '33 1234 5678' });
    expect(res.statusCode, res.body).toBe(201);
    const link = res.json();
    expect(link).toEqual({
      id: expect.any(String),
      url: expect.stringMatching(/^https:\/\/libra\.test\/ubicacion\/[A-Za-z0-9_-]{22}$/),
      // 14:05 in Mexico City, open for 30 minutes.
      expiresAt: '2026-11-25T20:35:00.000Z',
      phone: '+523312345678',
      sms: { delivery: 'will_send' },
    });

    const [message, ...others] = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.caseId, kase.id), eq(notifications.kind, 'location_request')));
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      membershipId,
      channel: 'sms',
      language: 'es',
      address: '+523312345678',
      status: 'pending',
      bodyEs: `Asistencia Libra Plus: para enviarte ayuda al lugar exacto, abre este enlace y comparte tu ubicación (caduca a las 14:35): ${link.url}`,
      bodyEn: `Asistencia Libra Plus: so we can send help to the exact spot, open this link and share your location (it expires at 14:35): ${link.url}`,
    });
    for (const body of [message?.bodyEs, message?.bodyEn]) {
      expect(body).not.toContain(kase.number);
      expect(body).not.toContain('María');
      expect(body).not.toMatch(/grúa|tow/i);
    }

    // Delivered to that number, not the titular's (55 1234 5678).
    expect(await t.services.outbox.drain()).toMatchObject({ sent: 1, failed: 0 });
    expect(new Set(smsc.submitted.map((s) => s.destinationAddr))).toEqual(new Set(['523312345678']));
    expect(reassemble(smsc.submitted)).toBe(message?.bodyEs);

    // Only the token's hash is kept with the link; the audit log names the number, not the token.
    const [row] = await db().select().from(caseLocationLinks).where(eq(caseLocationLinks.caseId, kase.id));
    expect(row?.tokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toContain(link.url.split('/').at(-1));
    const [audited] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'case.location_link.create'), eq(auditLog.recordId, kase.id)));
    expect(audited?.details).toMatchObject({ linkId: link.id, phone: '+523312345678' });
    expect(JSON.stringify(audited)).not.toContain(link.url.split('/').at(-1));
  });

  it('goes to the titular’s phone when no number is given, in English when the member reads English', async () => {
    const own = await buildMembership(t, { by: agent.write, titular: { phone: '81 8765 4321' } as never });
    const prefs = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${own.id}/notification-preferences`,
      headers: agent.write,
      payload: { language: 'en', quietHours: true, channels: {} },
    });
    expect(prefs.statusCode, prefs.body).toBe(200);
    const kase = await openCase(own.id);
    const link = await linkFor(kase.id);
    expect(link.phone).toBe('+528187654321');
    const [message] = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.caseId, kase.id), eq(notifications.kind, 'location_request')));
    expect(message).toMatchObject({ language: 'en', address: '+528187654321' });
    await t.services.outbox.drain();
    expect(new Set(smsc.submitted.map((s) => s.destinationAddr))).toEqual(new Set(['528187654321']));
    expect(reassemble(smsc.submitted)).toBe(message?.bodyEn);
  });

  it('refuses a number that is not a 10-digit Mexican one, writing nothing', async () => {
    const kase = await openCase();
    expectProblem(await askForLink(kase.id, { phone: '01 2345 6789' }), 400, 'PHONE_INVALID');
    expectProblem(await askForLink(kase.id, { phone: '555' }), 400, 'VALIDATION_FAILED');
    expect(await db().select().from(caseLocationLinks).where(eq(caseLocationLinks.caseId, kase.id))).toEqual(
      [],
    );
  });

  it('replays the same answer for the same Idempotency-Key: one link, one SMS', async () => {
    const kase = await openCase();
    const key = { 'idempotency-key': `link-${kase.id}` };
    const first = await askForLink(kase.id, {}, key);
    const again = await askForLink(kase.id, {}, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().url).toBe(first.json().url);
    expect(
      await db().select().from(caseLocationLinks).where(eq(caseLocationLinks.caseId, kase.id)),
    ).toHaveLength(1);
  });

  it('refuses a closed case', async () => {
    const kase = await openCase();
    await t.app.inject({
      method: 'POST',
      url: `/v1/cases/${kase.id}/cancel`,
      headers: agent.write,
      payload: { reason: 'Ya llegó por su cuenta' },
    });
    expectProblem(await askForLink(kase.id), 409, 'CASE_PLACE_NOT_CHANGEABLE');
  });
});

describe('the public side of a link', () => {
  it('says only whether the link is open, and until when', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    const res = await linkState(link.token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'open', expiresAt: link.expiresAt });
    expect(res.body).not.toContain(kase.number);
    expect(res.body).not.toContain(kase.id);
    expect(String(res.headers['cache-control'])).toContain('no-store');
  });

  it('sets the case’s place once: the point, its precision, the timeline and the audit log', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    const res = await share(link.token, { ...GUADALAJARA, accuracyM: 24.6 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'used' });

    const view = await caseView(kase.id);
    // The state follows the phone's position (the case was opened in Mexico City).
    expect(view.place).toMatchObject({ ...GUADALAJARA, precision: 'exact', accuracyM: 25, stateCode: 'JAL' });
    expect(view.timeline.find((e: { type: string }) => e.type === 'place_updated')).toMatchObject({
      type: 'place_updated',
      label: { es: 'Ubicación actualizada' },
      data: { source: 'location_link', ...GUADALAJARA, precision: 'exact', accuracyM: 25 },
    });
    const [audited] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'case.place_update'), eq(auditLog.recordId, kase.id)));
    expect(audited).toMatchObject({
      actorType: 'system',
      details: { source: 'location_link', linkId: link.id },
    });

    // Used: the second share is refused and changes nothing; the page reads it as used.
    expectProblem(
      await share(link.token, { lat: 19.4, lng: -99.1, accuracyM: 10 }),
      409,
      'LOCATION_LINK_USED',
    );
    expect((await caseView(kase.id)).place).toMatchObject(GUADALAJARA);
    expect((await linkState(link.token)).json()).toEqual({ status: 'used', expiresAt: link.expiresAt });
  });

  it('takes a coarse fix as coarse: the precision follows the phone’s accuracy', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    expect((await share(link.token, { ...GUADALAJARA, accuracyM: 1800 })).statusCode).toBe(200);
    expect((await caseView(kase.id)).place).toMatchObject({ precision: 'postal_code', accuracyM: 1800 });
  });

  it('a newer link voids the open one and withdraws its unsent SMS', async () => {
    const kase = await openCase();
    const first = await linkFor(kase.id);
    const second = await linkFor(kase.id, { phone: '55 9999 0000' });
    expect((await linkState(first.token)).json()).toMatchObject({ status: 'expired' });
    expectProblem(await share(first.token), 410, 'LOCATION_LINK_EXPIRED');
    const messages = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.caseId, kase.id), eq(notifications.kind, 'location_request')));
    expect(messages.map((m) => [m.address, m.status]).sort()).toEqual([
      ['+525512345678', 'cancelled'],
      ['+525599990000', 'pending'],
    ]);
    expect((await share(second.token)).statusCode).toBe(200);
    // Used before its SMS went: the SMS is withdrawn too.
    const [left] = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.caseId, kase.id), eq(notifications.address, '+525599990000')));
    expect(left?.status).toBe('cancelled');
  });

  it('a link of a case closed since reads as expired and is refused', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    await t.app.inject({
      method: 'POST',
      url: `/v1/cases/${kase.id}/cancel`,
      headers: agent.write,
      payload: { reason: 'Ya no la necesita' },
    });
    expect((await linkState(link.token)).json()).toMatchObject({ status: 'expired' });
    expectProblem(await share(link.token), 410, 'LOCATION_LINK_EXPIRED');
  });

  it('two shares of one link at once: one sets the place, the other is told it was used', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    const answers = await Promise.all([
      share(link.token, { ...GUADALAJARA, accuracyM: 10 }),
      share(link.token, { lat: 19.4, lng: -99.1, accuracyM: 10 }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const view = await caseView(kase.id);
    expect(view.timeline.filter((e: { type: string }) => e.type === 'place_updated')).toHaveLength(1);
  });

  it('a share and a new link at once never deadlock: the share lands or reads the link as replaced', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    const [shared, asked] = await Promise.all([share(link.token), askForLink(kase.id)]);
    expect(asked.statusCode).toBe(201);
    expect([200, 410]).toContain(shared.statusCode);
  });

  it('an unknown token is not found; a malformed one is refused', async () => {
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
    expectProblem(await linkState(unknown), 404, 'LOCATION_LINK_NOT_FOUND');
    expectProblem(await share(unknown), 404, 'LOCATION_LINK_NOT_FOUND');
    expectProblem(await linkState('corto'), 400, 'VALIDATION_FAILED');
  });

  it('refuses a position without its accuracy or off the globe', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    for (const body of [GUADALAJARA, { lat: 91, lng: 0, accuracyM: 5 }, { ...GUADALAJARA, accuracyM: -1 }])
      expectProblem(await share(link.token, body), 400, 'VALIDATION_FAILED');
    expect((await linkState(link.token)).json()).toMatchObject({ status: 'open' });
  });

  it('no log line carries a token', () => {
    expect(logLines.some((l) => l.includes('/v1/location-links/[token]'))).toBe(true);
    const tokens = logLines
      .join('\n')
      .match(/ubicacion\/[A-Za-z0-9_-]{22}|location-links\/[A-Za-z0-9_-]{22}/g);
    expect(tokens).toBeNull();
  });

  // Last: the clock moves on.
  it('expires after 30 minutes', async () => {
    const kase = await openCase();
    const link = await linkFor(kase.id);
    clock().advance({ minutes: 29 });
    agent = await signIn(t, await createUser(t, 'agent'));
    expect((await linkState(link.token)).json()).toMatchObject({ status: 'open' });
    clock().advance({ minutes: 1 });
    expect((await linkState(link.token)).json()).toEqual({ status: 'expired', expiresAt: link.expiresAt });
    expectProblem(await share(link.token), 410, 'LOCATION_LINK_EXPIRED');
    expect((await caseView(kase.id)).place).toMatchObject({ precision: null });
  });
});
