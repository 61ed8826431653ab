import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { createUser, signIn, TEST_PASSWORD, type TestUser } from '../../../test/support/auth.ts';
import type { ManualClock } from '../../lib/clock.ts';
import { SYSTEM_ACTOR } from '../../platform/principal.ts';
import { pairDelayMs, SIGN_IN_THROTTLE } from './throttle.ts';

/**
 * Sign-in throttling (issue 19: nobody can lock another person out). Failures count per
 * account-and-address pair with a growing wait, per account across addresses (a ceiling far above
 * one address's reach) and per address across accounts; the owner's usual addresses pass the last
 * two. Time only moves when the test moves the clock.
 */
let t: TestApp;
let clock: ManualClock;
beforeAll(async () => {
  // Many sign-ins from one address within a real minute: the public request rate limit is not
  // what these tests are about.
  t = await buildTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
  clock = t.clock as ManualClock;
});
afterAll(async () => t?.close());
beforeEach(() => clock.set('2026-11-25T20:05:00Z'));

let ipCounter = 0;
/** A fresh client address (IPv6 documentation range) per use, so no test's failures reach another's. */
const freshIp = () => `2001:db8::${(++ipCounter).toString(16)}`;

const WRONG = 'not the password at all';
const attempt = (email: string, password: string, ip: string) =>
  t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: ip });
const retryAfterOf = (res: { headers: Record<string, unknown> }) => Number(res.headers['retry-after']);

async function failFrom(user: { email: string }, ip: string, times: number) {
  for (let i = 0; i < times; i++) {
    const res = await attempt(user.email, WRONG, ip);
    expect(res.statusCode, `failure ${i + 1} from ${ip}`).toBe(401);
  }
}

/** Failures one after another, waiting out each hold as a patient attacker would. */
async function failPatiently(user: { email: string }, ip: string, times: number) {
  for (let failures = 0; failures < times; ) {
    const res = await attempt(user.email, WRONG, ip);
    if (res.statusCode === 429) clock.advance({ seconds: retryAfterOf(res) });
    else {
      expect(res.statusCode).toBe(401);
      failures++;
    }
  }
}

const auditOf = (action: string, recordId: string) =>
  t.services.audit.search(SYSTEM_ACTOR, { action, recordId, limit: 10 });

describe('per account and address', () => {
  it('a stranger’s failures from one address do not stop the owner signing in from another', async () => {
    const owner = await createUser(t, 'agent');
    const stranger = freshIp();
    await failFrom(owner, stranger, SIGN_IN_THROTTLE.pair.freeFailures);
    // The stranger's address now waits, even with the right password: a guess there learns nothing.
    const held = await attempt(owner.email, TEST_PASSWORD, stranger);
    expect(held.statusCode).toBe(429);
    expect(held.headers['content-type']).toContain('application/problem+json');
    expect(held.json()).toMatchObject({ code: 'LOGIN_THROTTLED', retryAfterSeconds: 30 });
    // The owner, from an address never used before, is not affected.
    expect((await attempt(owner.email, TEST_PASSWORD, freshIp())).statusCode).toBe(200);
  });

  it('the wait grows with the pair’s failures: 30 s after the 5th, doubling up to 15 minutes', async () => {
    const user = await createUser(t, 'customer');
    const ip = freshIp();
    await failFrom(user, ip, SIGN_IN_THROTTLE.pair.freeFailures);
    const waits: number[] = [];
    for (let failures = SIGN_IN_THROTTLE.pair.freeFailures; failures <= 11; failures++) {
      const held = await attempt(user.email, TEST_PASSWORD, ip);
      expect(held.statusCode, `after ${failures} failures`).toBe(429);
      const wait = retryAfterOf(held);
      waits.push(wait);
      expect(wait).toBe(pairDelayMs(failures) / 1000);
      // A second short of the wait it is still held; at the wait it may try again.
      clock.advance({ seconds: wait - 1 });
      expect(retryAfterOf(await attempt(user.email, TEST_PASSWORD, ip))).toBe(1);
      clock.advance({ seconds: 1 });
      await failFrom(user, ip, 1);
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it('the right password, once the wait is over, signs in and starts the pair’s count again', async () => {
    const user = await createUser(t, 'agent');
    const ip = freshIp();
    await failPatiently(user, ip, SIGN_IN_THROTTLE.pair.freeFailures + 1);
    clock.advance({ ms: pairDelayMs(SIGN_IN_THROTTLE.pair.freeFailures + 1) });
    expect((await attempt(user.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
    await failFrom(user, ip, SIGN_IN_THROTTLE.pair.freeFailures - 1);
    expect((await attempt(user.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
  });

  it('forgets a pair’s failures after a day', async () => {
    const user = await createUser(t, 'customer');
    const ip = freshIp();
    await failPatiently(user, ip, SIGN_IN_THROTTLE.pair.freeFailures + 5);
    expect(retryAfterOf(await attempt(user.email, TEST_PASSWORD, ip))).toBe(15 * 60);
    clock.advance({ hours: 24, seconds: 1 });
    await failFrom(user, ip, SIGN_IN_THROTTLE.pair.freeFailures);
    expect(retryAfterOf(await attempt(user.email, TEST_PASSWORD, ip))).toBe(30);
  });
});

describe('per account, all addresses together', () => {
  it('many addresses reach its ceiling: new addresses wait, the owner’s usual one does not, and it is audited once', async () => {
    const owner = await createUser(t, 'supervisor');
    const home = freshIp();
    await signIn(t, owner, home);
    clock.advance({ minutes: 1 });

    // A botnet: each address stays within its pair's free failures; together they reach 50.
    const { ceiling } = SIGN_IN_THROTTLE.account;
    const perAddress = SIGN_IN_THROTTLE.pair.freeFailures;
    const attackers = Array.from({ length: ceiling / perAddress }, freshIp);
    for (const ip of attackers) await failFrom(owner, ip, perAddress);

    const attacked = await auditOf('user.sign_in_attacked', owner.id);
    expect(attacked).toHaveLength(1);
    expect(attacked[0]).toMatchObject({
      actorType: 'system',
      recordType: 'user',
      details: { failures: ceiling, windowMinutes: 60, addresses: attackers.length },
    });

    // Any address new to the account waits until the hour's count is under the ceiling again.
    const newcomer = await attempt(owner.email, TEST_PASSWORD, freshIp());
    expect(newcomer.statusCode).toBe(429);
    expect(retryAfterOf(newcomer)).toBe(60 * 60);
    // The owner's own address goes on, and a typo there adds a failure without a second report.
    await failFrom(owner, home, 1);
    expect((await attempt(owner.email, TEST_PASSWORD, home)).statusCode).toBe(200);
    expect(await auditOf('user.sign_in_attacked', owner.id)).toHaveLength(1);

    clock.advance({ hours: 1, seconds: 1 });
    expect((await attempt(owner.email, TEST_PASSWORD, freshIp())).statusCode).toBe(200);
  });

  it('one address cannot reach it: its own waits cap it well below', async () => {
    // An hour of one address trying as fast as it is allowed.
    const user = await createUser(t, 'agent');
    const ip = freshIp();
    let failures = 0;
    const end = clock.now().getTime() + SIGN_IN_THROTTLE.account.windowMs;
    while (clock.now().getTime() < end) {
      const res = await attempt(user.email, WRONG, ip);
      if (res.statusCode === 401) failures++;
      else clock.advance({ seconds: retryAfterOf(res) });
    }
    // 5 free, then 30 s, 1, 2, 4, 8 min, then every 15 min: 12 in the first hour.
    expect(failures).toBe(12);
    expect(failures * 4).toBeLessThanOrEqual(SIGN_IN_THROTTLE.account.ceiling);
    expect(await auditOf('user.sign_in_attacked', user.id)).toHaveLength(0);
  });
});

describe('per address, all accounts together', () => {
  it('does not hold other accounts behind one address under 100 failures in 15 minutes; past it, only accounts new to the address wait', async () => {
    const nat = freshIp();
    const regular = await createUser(t, 'agent');
    await signIn(t, regular, nat);
    const newcomers: TestUser[] = [await createUser(t, 'agent'), await createUser(t, 'agent')];

    // 99 failures against 99 accounts from behind the NAT address: nobody else is held.
    const { ceiling, windowMs } = SIGN_IN_THROTTLE.address;
    for (let i = 0; i < ceiling - 1; i++) {
      expect((await attempt(`guess-${i}-${ipCounter}@test.libra.mx`, WRONG, nat)).statusCode).toBe(401);
    }
    expect((await attempt(newcomers[0]?.email as string, TEST_PASSWORD, nat)).statusCode).toBe(200);

    // The 100th: the address is held to 100 failures per 15 minutes for accounts new to it …
    expect((await attempt(`guess-last-${ipCounter}@test.libra.mx`, WRONG, nat)).statusCode).toBe(401);
    const held = await attempt(newcomers[1]?.email as string, TEST_PASSWORD, nat);
    expect(held.statusCode).toBe(429);
    expect(retryAfterOf(held)).toBe(windowMs / 1000);
    // … while accounts that signed in from it go on, and the same accounts elsewhere are not held.
    expect((await attempt(regular.email, TEST_PASSWORD, nat)).statusCode).toBe(200);
    expect((await attempt(newcomers[0]?.email as string, TEST_PASSWORD, nat)).statusCode).toBe(200);
    expect((await attempt(newcomers[1]?.email as string, TEST_PASSWORD, freshIp())).statusCode).toBe(200);

    clock.advance({ ms: windowMs + 1000 });
    expect((await attempt(newcomers[1]?.email as string, TEST_PASSWORD, nat)).statusCode).toBe(200);
  });
});

describe('staff unlock', () => {
  it('an admin or a supervisor unlocks an account: its failures stop counting; audited', async () => {
    const supervisor = await signIn(t, await createUser(t, 'supervisor'), freshIp());
    const admin = await signIn(t, await createUser(t, 'admin'), freshIp());
    for (const [who, staff] of [
      ['supervisor', supervisor],
      ['admin', admin],
    ] as const) {
      const user = await createUser(t, 'agent');
      const ip = freshIp();
      await failPatiently(user, ip, SIGN_IN_THROTTLE.pair.freeFailures + 2);
      expect((await attempt(user.email, TEST_PASSWORD, ip)).statusCode, who).toBe(429);

      const unlocked = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/users/${user.id}/unlock`,
        headers: staff.write,
      });
      expect(unlocked.statusCode, who).toBe(200);
      expect(unlocked.json()).toMatchObject({
        user: { id: user.id, email: user.email },
        unlockedAt: clock.now().toISOString(),
        failuresCleared: SIGN_IN_THROTTLE.pair.freeFailures + 2,
      });
      expect((await attempt(user.email, TEST_PASSWORD, ip)).statusCode, who).toBe(200);
      const [entry] = await auditOf('user.unlock_sign_in', user.id);
      expect(entry).toMatchObject({ actorRole: who, details: { failuresCleared: 7 } });
    }
  });

  it('clears the account’s ceiling too, so the owner gets in from a new device at once', async () => {
    const owner = await createUser(t, 'customer');
    const perAddress = SIGN_IN_THROTTLE.pair.freeFailures;
    for (let i = 0; i < SIGN_IN_THROTTLE.account.ceiling / perAddress; i++)
      await failFrom(owner, freshIp(), perAddress);
    const phone = freshIp();
    expect((await attempt(owner.email, TEST_PASSWORD, phone)).statusCode).toBe(429);
    const admin = await signIn(t, await createUser(t, 'admin'), freshIp());
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/users/${owner.id}/unlock`,
      headers: admin.write,
    });
    expect(res.json().failuresCleared).toBe(SIGN_IN_THROTTLE.account.ceiling);
    expect((await attempt(owner.email, TEST_PASSWORD, phone)).statusCode).toBe(200);
  });

  it('answers 404 for an unknown account and 403 to other staff', async () => {
    const admin = await signIn(t, await createUser(t, 'admin'), freshIp());
    const missing = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/users/01a211f5-0000-7000-8000-000000000000/unlock',
      headers: admin.write,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('USER_NOT_FOUND');
    const agent = await signIn(t, await createUser(t, 'agent'), freshIp());
    const user = await createUser(t, 'customer');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/users/${user.id}/unlock`,
      headers: agent.write,
    });
    expect(refused.statusCode).toBe(403);
  });
});
