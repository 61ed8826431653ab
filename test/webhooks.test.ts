import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import type { NewEvent } from '../src/domains/events/recorder.ts';
import { HttpWebhookSender } from '../src/domains/events/webhook-http.ts';
import { RETRY_MINUTES, SCHEDULED_ATTEMPTS } from '../src/domains/events/webhook-schedule.ts';
import { checkWebhookUrl } from '../src/domains/events/webhook-urls.ts';
import type { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey } from './support/auth.ts';
import { buildMembership } from './support/factories.ts';
import { http } from './support/http.ts';
import { expectProblem } from './support/problems.ts';
import { until } from './support/wait.ts';
import { startWebhookReceiver, type WebhookReceiver, webhookHeaders } from './support/webhook-receiver.ts';

/**
 * Webhooks against real HTTP receivers on loopback: deliveries signed per Standard Webhooks and
 * verified with the `standardwebhooks` library and the endpoint's secret, retried on the schedule
 * (the test's clock moves), an endpoint failing for the whole schedule disabled and its partner
 * told, secrets rotated with both signatures for a while, replays, and nothing of a rolled-back
 * transaction or of another channel's memberships.
 */

let t: TestApp;
const { get, post, delete: del } = http(() => t);
let partner: Record<string, string>;
let partnerKeyId: string;
const receivers: WebhookReceiver[] = [];
const clock = () => t.clock as ManualClock;

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}

async function endpoint(
  url: string,
  body: Record<string, unknown> = {},
  headers = partner,
): Promise<{ id: string; secret: string }> {
  const res = await post('/v1/webhook-endpoints', headers, { url, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** What the workers do: the fan-out of what the log holds, then the sending of what is due. */
async function deliver() {
  await t.services.webhookDelivery.fanOut();
  return t.services.webhookDelivery.drain();
}

/** Delivers until the receiver holds `n` requests (on PostgreSQL the horizon may wait a moment). */
async function deliverUntil(r: WebhookReceiver, n: number): Promise<void> {
  await until(`${n} requests at the receiver`, async () => {
    await deliver();
    return r.received.length >= n;
  });
}

/** An event about one of the bank's memberships, written as a domain writes it. */
async function bankEvent(data: Record<string, unknown>, type: NewEvent['type'] = 'complaint.created') {
  await t.database.handle.db.transaction((tx) =>
    t.services.eventLog.record(tx, [{ type, channel: 'bank', data }]),
  );
}

async function deliveries(endpointId: string, headers = partner) {
  const res = await get(`/v1/webhook-endpoints/${endpointId}/deliveries`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as {
    id: string;
    eventId: string;
    status: string;
    attempts: number;
    log: { result: string; responseStatus: number | null; trigger: string }[];
  }[];
}

beforeAll(async () => {
  t = await buildTestApp({ env: { PARTNER_RATE_LIMIT_PER_MINUTE: '100000' } });
  const key = await createApiKey(t, 'partner', ['memberships:write', 'memberships:read', 'events:read']);
  partner = bearer(key.key);
  partnerKeyId = key.id;
});
afterEach(async () => {
  // Each test starts with no endpoint: what an earlier one left owed is cancelled with it.
  const listed = await get('/v1/webhook-endpoints', partner);
  for (const e of listed.json().data as { id: string }[]) await del(`/v1/webhook-endpoints/${e.id}`, partner);
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await t?.close();
});

describe('webhooks', () => {
  it('delivers a bank membership’s event signed per Standard Webhooks, and nothing of another channel', async () => {
    const r = await receiver();
    const created = await endpoint(r.url, { description: 'Banco, producción' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const filtered = await receiver();
    await endpoint(filtered.url, { eventTypes: ['charge.succeeded'] });
    // The secret is shown once: never in a read.
    const read = await get(`/v1/webhook-endpoints/${created.id}`, partner);
    expect(read.json()).toMatchObject({ id: created.id, url: r.url, status: 'enabled', eventTypes: [] });
    expect(read.body).not.toContain(created.secret);
    expect((await get('/v1/webhook-endpoints', partner)).body).not.toContain(created.secret);

    await buildMembership(t, { account: { password: 'una frase de acceso larga y mía' } });
    const bank = await buildMembership(t, { by: partner });
    await deliverUntil(r, 1);
    await deliver();
    expect(r.received).toHaveLength(1);
    expect(filtered.received).toHaveLength(0);
    const [request] = r.received;
    if (!request) throw new Error('nothing received');
    expect(request.headers['content-type']).toBe('application/json');
    const payload = new Webhook(created.secret).verify(request.body, webhookHeaders(request)) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      type: 'membership.created',
      data: { membershipId: bank.id, number: bank.number, channel: 'bank' },
    });
    // The webhook-id is the event's id, as `GET /v1/events` shows it.
    const events = await get('/v1/events?type=membership.created&limit=500', partner);
    const event = (events.json().data as { id: string; membershipId: string }[]).find(
      (e) => e.membershipId === bank.id,
    );
    expect(request.headers['webhook-id']).toBe(event?.id);
    expect(payload.id).toBe(event?.id);
    // Signed with this endpoint's secret only: another secret does not verify it.
    expect(() =>
      new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(request.body, webhookHeaders(request)),
    ).toThrow();
    const [logged] = await deliveries(created.id);
    expect(logged).toMatchObject({ status: 'succeeded', attempts: 1, eventId: event?.id });
    expect(logged?.log).toMatchObject([{ result: 'ok', responseStatus: 200, trigger: 'scheduled' }]);
  });

  it('retries a receiver that fails, after each wait of the schedule, until it takes the event', async () => {
    const r = await receiver();
    const created = await endpoint(r.url);
    r.answer(500, 503, 500);
    await bankEvent({ retried: true });
    await deliverUntil(r, 1);
    // Not again before its wait: one minute after the first failure, five after the second.
    expect(await deliver()).toEqual({ succeeded: 0, retried: 0, failed: 0 });
    clock().advance({ minutes: 1 });
    expect(await deliver()).toMatchObject({ retried: 1 });
    clock().advance({ minutes: 4 });
    expect(await deliver()).toMatchObject({ retried: 0, succeeded: 0 });
    clock().advance({ minutes: 1 });
    expect(await deliver()).toMatchObject({ retried: 1 });
    clock().advance({ minutes: 30 });
    expect(await deliver()).toMatchObject({ succeeded: 1 });
    expect(r.received.map((x) => x.status)).toEqual([500, 503, 500, 200]);
    // The same message each time: one webhook-id, one body; each signature verifies.
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    for (const x of r.received) new Webhook(created.secret).verify(x.body, webhookHeaders(x));
    const [logged] = await deliveries(created.id);
    expect(logged).toMatchObject({ status: 'succeeded', attempts: 4 });
    expect(logged?.log.map((a) => [a.result, a.responseStatus])).toEqual([
      ['http_error', 500],
      ['http_error', 503],
      ['http_error', 500],
      ['ok', 200],
    ]);
  });

  it('disables an endpoint that failed for the whole schedule and tells its partner', async () => {
    const down = await receiver();
    down.fallback = 500;
    const failing = await endpoint(down.url);
    const watcher = await receiver();
    const told = await endpoint(watcher.url, { eventTypes: ['webhook_endpoint.disabled'] });
    await bankEvent({ doomed: true });
    await deliverUntil(down, 1);
    for (const minutes of RETRY_MINUTES) {
      clock().advance({ minutes });
      await deliver();
    }
    expect(down.received).toHaveLength(SCHEDULED_ATTEMPTS);
    const [logged] = await deliveries(failing.id);
    expect(logged).toMatchObject({ status: 'failed', attempts: SCHEDULED_ATTEMPTS });
    const read = (await get(`/v1/webhook-endpoints/${failing.id}`, partner)).json();
    expect(read).toMatchObject({ status: 'disabled', disabledReason: 'persistent_failure' });

    // Told: by an event in the log, delivered to the partner's other endpoint.
    await deliverUntil(watcher, 1);
    const [notice] = watcher.received;
    if (!notice) throw new Error('no notice');
    const payload = new Webhook(told.secret).verify(notice.body, webhookHeaders(notice)) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(payload).toMatchObject({
      type: 'webhook_endpoint.disabled',
      data: { endpointId: failing.id, url: down.url, reason: 'persistent_failure' },
    });
    const logged2 = await get('/v1/events?type=webhook_endpoint.disabled&limit=500', partner);
    expect(JSON.stringify(logged2.json().data)).toContain(failing.id);

    // Disabled: nothing more is sent to it, and replays wait until it is enabled again.
    await bankEvent({ afterDisabling: true });
    await deliver();
    expect(down.received).toHaveLength(SCHEDULED_ATTEMPTS);
    expectProblem(
      await post(`/v1/webhook-endpoints/${failing.id}/deliveries/${logged?.id}/replay`, partner),
      409,
      'WEBHOOK_ENDPOINT_DISABLED',
    );
    const enabled = await post(`/v1/webhook-endpoints/${failing.id}/enable`, partner);
    expect(enabled.json()).toMatchObject({ status: 'enabled', disabledAt: null });
    down.fallback = 200;
    await bankEvent({ afterEnabling: true });
    await deliverUntil(down, SCHEDULED_ATTEMPTS + 1);
    expect(JSON.parse(down.received.at(-1)?.body ?? '{}').data).toEqual({ afterEnabling: true });
  });

  it('an endpoint that takes other events is not disabled for one event it keeps refusing', async () => {
    const r = await receiver();
    const created = await endpoint(r.url);
    r.answer(422);
    await bankEvent({ refusedOnce: true });
    await deliverUntil(r, 1);
    // Meanwhile it takes another event.
    await bankEvent({ taken: true });
    await deliverUntil(r, 2);
    r.fallback = 422;
    for (const minutes of RETRY_MINUTES) {
      clock().advance({ minutes });
      await deliver();
    }
    r.fallback = 200;
    const read = (await get(`/v1/webhook-endpoints/${created.id}`, partner)).json();
    expect(read.status).toBe('enabled');
    expect((await deliveries(created.id)).map((d) => d.status).sort()).toEqual(['failed', 'succeeded']);
  });

  it('signs with the new and the previous secret during a rotation, then with the new one alone', async () => {
    const r = await receiver();
    const created = await endpoint(r.url);
    const rotated = await post(`/v1/webhook-endpoints/${created.id}/secret-rotations`, partner, {
      previousSecretHours: 24,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret } = rotated.json() as { secret: string };
    expect(secret).not.toBe(created.secret);
    expect(rotated.json().previousSecretExpiresAt).toBe(
      new Date(clock().now().getTime() + 24 * 3_600_000).toISOString(),
    );
    await bankEvent({ during: 'rotation' });
    await deliverUntil(r, 1);
    const [both] = r.received;
    if (!both) throw new Error('nothing received');
    expect(String(both.headers['webhook-signature']).split(' ')).toHaveLength(2);
    new Webhook(secret).verify(both.body, webhookHeaders(both));
    new Webhook(created.secret).verify(both.body, webhookHeaders(both));

    clock().advance({ hours: 24, seconds: 1 });
    await bankEvent({ after: 'rotation' });
    await deliverUntil(r, 2);
    const [, one] = r.received;
    if (!one) throw new Error('nothing received');
    expect(String(one.headers['webhook-signature']).split(' ')).toHaveLength(1);
    new Webhook(secret).verify(one.body, webhookHeaders(one));
    expect(() => new Webhook(created.secret).verify(one.body, webhookHeaders(one))).toThrow();
    expect(
      (await get(`/v1/webhook-endpoints/${created.id}`, partner)).json().previousSecretExpiresAt,
    ).toBeNull();
  });

  it('replays a delivery with the same webhook-id, logged as a replay', async () => {
    const r = await receiver();
    const created = await endpoint(r.url);
    await bankEvent({ replayed: true });
    await deliverUntil(r, 1);
    const [first] = await deliveries(created.id);
    const replay = await post(`/v1/webhook-endpoints/${created.id}/deliveries/${first?.id}/replay`, partner);
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json()).toMatchObject({ id: first?.id, status: 'pending' });
    await deliverUntil(r, 2);
    const [original, replayed] = r.received;
    if (!original || !replayed) throw new Error('the replay did not arrive');
    expect(replayed.headers['webhook-id']).toBe(original.headers['webhook-id']);
    new Webhook(created.secret).verify(replayed.body, webhookHeaders(replayed));
    const [again] = await deliveries(created.id);
    expect(again).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(again?.log.map((a) => a.trigger)).toEqual(['scheduled', 'replay']);
    // A replay that fails is logged and ends there: no new schedule.
    r.answer(500);
    await post(`/v1/webhook-endpoints/${created.id}/deliveries/${first?.id}/replay`, partner);
    await deliverUntil(r, 3);
    clock().advance({ hours: 1 });
    await deliver();
    expect(r.received).toHaveLength(3);
    expect((await deliveries(created.id))[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await get(`/v1/webhook-endpoints/${created.id}`, partner)).json().status).toBe('enabled');
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const r = await receiver();
    await endpoint(r.url);
    await expect(
      t.database.handle.db.transaction(async (tx) => {
        await t.services.eventLog.record(tx, [
          { type: 'complaint.created', channel: 'bank', data: { gone: 1 } },
        ]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await bankEvent({ kept: true });
    await deliverUntil(r, 1);
    await deliver();
    expect(r.received.map((x) => JSON.parse(x.body).data)).toEqual([{ kept: true }]);
  });

  it('does not follow a redirect: the attempt fails and the other host gets nothing', async () => {
    const elsewhere = await receiver();
    const r = await receiver();
    const created = await endpoint(r.url);
    r.answer({ status: 307, location: elsewhere.url });
    await bankEvent({ redirected: true });
    await deliverUntil(r, 1);
    const [logged] = await deliveries(created.id);
    expect(logged?.log).toMatchObject([{ result: 'redirect_not_followed', responseStatus: 307 }]);
    expect(logged?.status).toBe('pending');
    expect(elsewhere.received).toHaveLength(0);
  });

  it('cancels what a deleted endpoint still owed', async () => {
    const r = await receiver();
    const created = await endpoint(r.url);
    r.answer(500);
    await bankEvent({ owed: true });
    await deliverUntil(r, 1);
    expect((await del(`/v1/webhook-endpoints/${created.id}`, partner)).statusCode).toBe(204);
    clock().advance({ minutes: 5 });
    await bankEvent({ afterDeletion: true });
    await deliver();
    expect(r.received).toHaveLength(1);
    const [row] = await rows<{ status: string; outcome: string }>(
      t.database.handle.db,
      sql`select status, outcome from webhook_deliveries where endpoint_id = ${created.id}`,
    );
    expect(row).toEqual({ status: 'cancelled', outcome: 'endpoint_deleted' });
    expectProblem(
      await get(`/v1/webhook-endpoints/${created.id}`, partner),
      404,
      'WEBHOOK_ENDPOINT_NOT_FOUND',
    );
  });

  it('keeps each key’s endpoints to itself', async () => {
    const r = await receiver();
    const created = await endpoint(r.url);
    const other = bearer((await createApiKey(t, 'partner', ['events:read'])).key);
    expect((await get('/v1/webhook-endpoints', other)).json().data).toEqual([]);
    expectProblem(await get(`/v1/webhook-endpoints/${created.id}`, other), 404, 'WEBHOOK_ENDPOINT_NOT_FOUND');
    expectProblem(await del(`/v1/webhook-endpoints/${created.id}`, other), 404, 'WEBHOOK_ENDPOINT_NOT_FOUND');
    expectProblem(
      await post(`/v1/webhook-endpoints/${created.id}/secret-rotations`, other, {}),
      404,
      'WEBHOOK_ENDPOINT_NOT_FOUND',
    );
    expectProblem(
      await get(`/v1/webhook-endpoints/${created.id}/deliveries`, other),
      404,
      'WEBHOOK_ENDPOINT_NOT_FOUND',
    );
    // The disabled-endpoint event of one key is not another key's to read.
    await t.database.handle.db.transaction((tx) =>
      t.services.eventLog.record(tx, [
        { type: 'webhook_endpoint.disabled', apiKeyId: partnerKeyId, data: { endpointId: created.id } },
      ]),
    );
    await until('the notice in the owner’s log', async () => {
      const mine = await get('/v1/events?type=webhook_endpoint.disabled&limit=500', partner);
      return JSON.stringify(mine.json().data).includes(created.id);
    });
    const theirs = await get('/v1/events?type=webhook_endpoint.disabled&limit=500', other);
    expect(JSON.stringify(theirs.json().data)).not.toContain(created.id);
  });

  it('refuses URLs that cannot receive webhooks', async () => {
    for (const url of [
      'ftp://banco.example/hooks',
      'https://user:secret@banco.example/hooks',
      'no es una url',
    ])
      expectProblem(await post('/v1/webhook-endpoints', partner, { url }), 422, 'WEBHOOK_URL_NOT_ALLOWED');
    expectProblem(await post('/v1/webhook-endpoints', partner, { url: 'http://' }), 400, 'VALIDATION_FAILED');
    expectProblem(
      await post('/v1/webhook-endpoints', partner, { url: 'https://banco.example/h', eventTypes: ['nada'] }),
      400,
      'VALIDATION_FAILED',
    );
  });
});

/**
 * Production's rules, where a partner's URL must not make Libra call its own machine or network:
 * the URL's text is checked when the endpoint is made, and every connection checks the address a
 * name resolves to (a name may point at loopback tomorrow).
 */
describe('where webhooks may not go in production', () => {
  const production = { allowPrivate: false, requireHttps: true };

  it('refuses plain http, loopback, private, link-local and local names', () => {
    for (const url of [
      'http://hooks.banco.example/libra',
      'https://127.0.0.1/h',
      'https://[::1]/h',
      'https://10.1.2.3/h',
      'https://172.20.0.5/h',
      'https://192.168.1.10/h',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:192.168.0.1]/h',
      'https://[fd00::1]/h',
      'https://localhost/h',
      'https://api.localhost/h',
      'https://intranet/h',
    ])
      expect(() => checkWebhookUrl(url, production), url).toThrow(
        expect.objectContaining({ code: 'WEBHOOK_URL_NOT_ALLOWED' }),
      );
    expect(checkWebhookUrl('https://hooks.banco.example/libra', production).hostname).toBe(
      'hooks.banco.example',
    );
    expect(checkWebhookUrl('https://[2001:4860:4860::8888]/h', production).hostname).toBe(
      '[2001:4860:4860::8888]',
    );
  });

  it('does not connect to an address that is not public, named or resolved', async () => {
    const r = await receiver();
    const sender = new HttpWebhookSender({ timeoutMs: 5000, allowPrivate: false });
    const literal = await sender.post(r.url, { 'content-type': 'application/json' }, '{}');
    expect(literal).toMatchObject({ result: 'address_not_allowed', status: null });
    const named = await sender.post(r.url.replace('127.0.0.1', 'localhost'), {}, '{}');
    expect(named).toMatchObject({ result: 'address_not_allowed', status: null });
    expect(r.received).toHaveLength(0);
    // Where private addresses are allowed (tests, development) the same receiver is reached.
    const allowed = await new HttpWebhookSender({ timeoutMs: 5000, allowPrivate: true }).post(
      r.url,
      {},
      '{}',
    );
    expect(allowed).toMatchObject({ result: 'ok', status: 200 });
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const result = await new HttpWebhookSender({ timeoutMs: 200, allowPrivate: true }).post(
        `http://127.0.0.1:${port}/h`,
        {},
        '{}',
      );
      expect(result).toMatchObject({ result: 'timeout', status: null });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
