import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { TEST_CARD } from './support/payments.ts';
import { freePort, killGroup, type LibraProcess, startNpm } from './support/process.ts';

/**
 * Test clocks through the real door: `npm start` as a user runs it (the demo's partner key), driven
 * over HTTP as the bank would — a clock, a membership on it with a card that is always declined,
 * 35 days advanced — and the refusal to start with test clocks in production.
 */
const START_MS = 240_000;
const KEY = `lbr_clockdemo001_${'A'.repeat(43)}`;
const started: LibraProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const p of started.splice(0)) killGroup(p);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string | undefined>): Promise<LibraProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'libra-clocks-'));
  dirs.push(dir);
  const port = await freePort();
  const p = startNpm(
    ['start'],
    {
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: undefined,
      DATA_DIR: dir,
      LIBRA_DEMO_API_KEY: KEY,
      LIBRA_DEMO_PASSWORD: undefined,
      ...env,
    },
    port,
  );
  started.push(p);
  return p;
}

describe('test clocks, through the running app', () => {
  it('the bank makes a clock, contracts on it, advances 35 days and reads the past due, retries and suspension', async () => {
    const p = await start({});
    await p.waitForHealth(START_MS);
    const api = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${p.base}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string } };
    };
    const clock = await api('POST', '/v1/test-clocks', {
      name: 'Banco, pruebas',
      frozenTime: '2027-01-10T18:00:00Z',
    });
    expect(clock.status, JSON.stringify(clock.body)).toBe(201);
    const card = await api('POST', '/v1/sandbox/card-tokens', {
      number: TEST_CARD.alwaysDeclined,
      expMonth: 12,
      expYear: 2030,
      cvv: '123',
    });
    expect(card.status).toBe(201);
    const contracted = await api('POST', '/v1/memberships', {
      planCode: 'libra-plus',
      titular: {
        fullName: 'Rosa Elena Martínez Soto',
        email: 'rosa.reloj@correo.example',
        phone: '55 2345 6789',
        birthDate: '1979-06-02',
      },
      cardToken: card.body.token,
      consent: { termsVersion: CURRENT_TERMS.version, privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version },
      testClockId: clock.body.id,
    });
    expect(contracted.status, JSON.stringify(contracted.body)).toBe(201);

    const moved = await api('POST', `/v1/test-clocks/${clock.body.id}/advance`, {
      to: '2027-02-14T18:00:00Z',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.advance).toMatchObject({
      charged: 1,
      declined: 4,
      retried: 3,
      pastDue: 1,
      suspended: 1,
    });

    const charges = await api('GET', `/v1/memberships/${contracted.body.id}/charges`);
    expect((charges.body.data as { status: string }[]).map((c) => c.status)).toEqual(['failed']);
    const events = (
      (await api('GET', '/v1/events?limit=500')).body.data as {
        type: string;
        occurredAt: string;
        membershipId: string | null;
      }[]
    ).filter((e) => e.membershipId === contracted.body.id);
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([
      ['membership.created', '2027-01-10T18:00:00.000Z'],
      ['charge.failed', '2027-01-10T18:00:00.000Z'],
      ['membership.state_changed', '2027-01-10T18:00:00.000Z'],
      ['charge.failed', '2027-01-11T06:00:00.000Z'],
      ['charge.failed', '2027-01-13T06:00:00.000Z'],
      ['charge.failed', '2027-01-17T06:00:00.000Z'],
      ['membership.state_changed', '2027-01-17T06:00:00.000Z'],
    ]);
    p.signal('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 600_000);

  it('refuses to start with test clocks in production', async () => {
    const p = await start({ NODE_ENV: 'production', TEST_CLOCKS: 'true', LIBRA_DEMO_API_KEY: undefined });
    const exit = await p.exited;
    expect(exit.code, p.output()).not.toBe(0);
    expect(p.output()).toContain('TEST_CLOCKS cannot be true when NODE_ENV=production');
  }, 120_000);
});
