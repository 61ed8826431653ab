import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { TEST_CARD } from '../../../test/support/payments.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { CARD_NUMBER_REMOVED } from '../../lib/card-numbers.ts';

let t: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  t = await buildTestApp({ env: { LOG_LEVEL: 'info' }, logStream: { write: (line) => logLines.push(line) } });
});
afterAll(async () => t?.close());

const VALID = { number: TEST_CARD.visaCredit, expMonth: 12, expYear: 2030, cvv: '123' };

function tokenize(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/v1/sandbox/card-tokens', payload: body, headers });
}

describe('POST /v1/sandbox/card-tokens', () => {
  it('answers 201 with the token and what Libra may keep: brand, type, last 4, expiry', async () => {
    const res = await tokenize({ ...VALID, number: '4000 0566 5566 5556', holderName: 'María López' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['brand', 'expMonth', 'expYear', 'last4', 'token', 'type']);
    expect(body).toEqual({
      token: expect.stringMatching(/^tok_sandbox_/),
      brand: 'visa',
      type: 'debit',
      last4: '5556',
      expMonth: 12,
      expYear: 2030,
    });
    expect(res.body).not.toContain('4000056655665556');
    expect(res.body).not.toContain('María');
    expect(await t.services.payments.describeToken(body.token)).toEqual(body);
  });

  it.each([
    ['a number that fails Luhn', { number: '4242424242424241' }, 422, 'CARD_NUMBER_INVALID'],
    ['an expiry last month', { expMonth: 10, expYear: 2026 }, 422, 'CARD_EXPIRED'],
    ['the expired test card', { number: TEST_CARD.expired }, 422, 'CARD_EXPIRED'],
    ['an expiry 70 years ahead', { expYear: 2096 }, 422, 'CARD_EXPIRY_INVALID'],
    ['a two-digit security code', { cvv: '12' }, 422, 'CARD_CVV_INVALID'],
    ['a 3-digit code on an Amex', { number: '378282246310005', cvv: '123' }, 422, 'CARD_CVV_INVALID'],
    ['the declined test card', { number: TEST_CARD.declinedAtTokenization }, 402, 'CARD_DECLINED'],
    ['month 13', { expMonth: 13 }, 400, 'VALIDATION_FAILED'],
    ['a field it does not take', { pan: '1' }, 400, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_what, change, status, code) => {
    const res = await tokenize({ ...VALID, ...change });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code, status });
  });

  it('says why a card was declined, in Spanish or English', async () => {
    const es = await tokenize({ ...VALID, number: TEST_CARD.declinedAtTokenization });
    expect(es.json()).toMatchObject({
      declineCode: 'card_declined',
      title: expect.stringMatching(/rechazó/),
    });
    const en = await tokenize(
      { ...VALID, number: TEST_CARD.declinedAtTokenization },
      { 'accept-language': 'en' },
    );
    expect(en.json().title).toMatch(/declined/);
  });

  it('is in the OpenAPI description', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/v1/sandbox/card-tokens'].post.responses['201']).toBeDefined();
  });
});

describe('card numbers anywhere else are refused', () => {
  async function expectRefused(res: Awaited<ReturnType<typeof t.app.inject>>) {
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ code: 'CARD_NUMBER_NOT_ALLOWED', status: 422 });
    expect(body.title).toMatch(/Nunca envíes aquí el número de tu tarjeta/);
    expect(res.body).not.toMatch(/4242.?4242.?4242.?4242/);
    return body;
  }

  it('in a body: as the email or password at sign-in, as a number, as a key', async () => {
    for (const payload of [
      { email: TEST_CARD.visaCredit, password: 'whatever it is' },
      { email: 'ana@example.mx', password: '4242 4242 4242 4242' },
      { email: 'ana@example.mx', password: '4242-4242-4242-4242' },
      { email: 4242424242424242, password: 'x' },
      { [TEST_CARD.visaCredit]: 'x', email: 'ana@example.mx', password: 'x' },
      { email: 'ana@example.mx', password: 'x', extra: [{ deep: ['mi tarjeta 5555 5555 5555 4444'] }] },
    ]) {
      await expectRefused(await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload }));
    }
  });

  it('in a query string, plain or encoded', async () => {
    for (const url of [
      '/v1/plans?x=4242424242424242',
      '/v1/plans?x=4242%204242%204242%204242',
      '/v1/plans?x=4242+4242+4242+4242',
      '/v1/plans?4242424242424242',
    ]) {
      await expectRefused(await t.app.inject({ method: 'GET', url }));
    }
  });

  it('in the path, even of a route that does not exist, and the problem does not echo it', async () => {
    const body = await expectRefused(
      await t.app.inject({ method: 'GET', url: '/v1/plans/4242424242424242' }),
    );
    expect(body.instance).toBe(`/v1/plans/${CARD_NUMBER_REMOVED}`);
    const missing = await expectRefused(
      await t.app.inject({ method: 'GET', url: '/v1/nothing/4242-4242-4242-4242' }),
    );
    expect(missing.instance).toBe(`/v1/nothing/${CARD_NUMBER_REMOVED}`);
    // Authentication answers before the guard runs; its problem does not echo the number either.
    const unauthenticated = await t.app.inject({ method: 'DELETE', url: '/v1/me/sessions/4242424242424242' });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json().instance).toBe(`/v1/me/sessions/${CARD_NUMBER_REMOVED}`);
  });

  it('in the query string of the tokenization route too: it takes them in its body only', async () => {
    await expectRefused(
      await t.app.inject({
        method: 'POST',
        url: `/v1/sandbox/card-tokens?number=${TEST_CARD.visaCredit}`,
        payload: VALID,
      }),
    );
  });

  it('as a request id, which is replaced rather than logged and echoed', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/plans/libra-gold',
      headers: { 'x-request-id': TEST_CARD.visaCredit },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).not.toBe(TEST_CARD.visaCredit);
    expect(res.body).not.toContain(TEST_CARD.visaCredit);
  });

  it('lets through numbers that are not card numbers', async () => {
    for (const url of [
      '/v1/plans?tel=5554800900',
      '/v1/plans?n=4242424242424241',
      '/v1/plans?case=LP-26-004211',
    ]) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'ana@example.mx', password: 'tel 55 5480 0900, 2026-11-25' },
    });
    expect(login.json().code).toBe('INVALID_CREDENTIALS');
  });
});

describe('card numbers never reach the logs', () => {
  it('not from the tokenization route, a refused request, a URL or a request id', async () => {
    logLines.length = 0;
    const sent = [
      await tokenize({ ...VALID, number: TEST_CARD.mastercardCredit }),
      await tokenize({ ...VALID, number: '4000 0000 0000 0002' }),
      await tokenize({ ...VALID, number: TEST_CARD.visaCredit, expMonth: 13 }),
      await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: TEST_CARD.visaCredit, password: TEST_CARD.visaCredit },
      }),
      await t.app.inject({ method: 'GET', url: '/v1/plans?x=4242424242424242' }),
      await t.app.inject({ method: 'GET', url: '/v1/plans?x=4242%204242%204242%204242' }),
      await t.app.inject({ method: 'GET', url: '/v1/plans?x=4242+4242+4242+4242' }),
      await t.app.inject({ method: 'GET', url: '/v1/plans/4242424242424242' }),
      await t.app.inject({ method: 'GET', url: '/v1/nowhere/4242-4242-4242-4242' }),
      await t.app.inject({
        method: 'GET',
        url: '/v1/plans',
        headers: { 'x-request-id': TEST_CARD.visaCredit },
      }),
    ];
    expect(sent.map((r) => r.statusCode)).toEqual([201, 402, 400, 422, 422, 422, 422, 422, 422, 200]);

    const logs = logLines.join('');
    // The requests were logged (so the test looks at real lines), with the numbers cut out.
    expect(logLines.filter((l) => l.includes('"incoming request"'))).toHaveLength(sent.length);
    expect(logs).toContain('CARD_NUMBER_NOT_ALLOWED');
    expect(logs).toContain(`/v1/plans?x=${CARD_NUMBER_REMOVED}`);
    expect(logs).toContain(`/v1/plans/${CARD_NUMBER_REMOVED}`);
    const digits = logs.replace(/[^0-9]+/g, ' ');
    for (const number of [
      TEST_CARD.visaCredit,
      TEST_CARD.mastercardCredit,
      TEST_CARD.declinedAtTokenization,
    ]) {
      expect(logs).not.toContain(number);
      expect(digits).not.toContain(number.match(/.{4}/g)?.join(' '));
    }
    expect(logs).not.toMatch(/4242(%20|\+)4242/);
  });
});

describe('PAYMENT_GATEWAY', () => {
  it('defaults to the sandbox and refuses a processor Libra does not have', () => {
    expect(loadConfig({}).paymentGateway).toBe('sandbox');
    expect(() => loadConfig({ PAYMENT_GATEWAY: 'stripe' })).toThrow(ConfigError);
    expect(() => loadConfig({ PAYMENT_GATEWAY: 'stripe' })).toThrow(
      'PAYMENT_GATEWAY must be one of sandbox, got "stripe"',
    );
  });
});
