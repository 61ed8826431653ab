import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.ts';
import { createUser, type Session, signIn } from '../../../test/support/auth.ts';
import { contractBody, tokenize } from '../../../test/support/factories.ts';
import { rows } from '../../db/client.ts';

/**
 * POST /v1/memberships/validation: contracting's checks without contracting, so that the web can
 * check a step (the titular's data) before asking for the next (the card). Every field's message is
 * the API's, in the request's language, and nothing is ever written.
 */
let t: TestApp;
let agent: Session;

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
});
afterAll(async () => t?.close());

const PASSWORD = 'mi contraseña segura';

/** The titular step as the web sends it: plan, titular and the new account's password. */
function titularStep(overrides: Record<string, unknown> = {}) {
  const { planCode, titular } = contractBody('unused');
  return { planCode, titular: { ...titular, ...overrides }, account: { password: PASSWORD } };
}

const validate = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/memberships/validation',
    payload: payload as object,
    headers,
  });

async function counts() {
  const [row] = await rows<Record<string, number>>(
    t.database.handle.db,
    sql`select (select count(*) from memberships) as memberships, (select count(*) from users) as users,
               (select count(*) from consents) as consents, (select count(*) from membership_events) as events,
               (select count(*) from idempotency_keys) as idempotency, (select count(*) from audit_log) as audit`,
  );
  return row;
}

/** Field → message of a problem answer. */
const fields = (body: { errors?: { field: string; message: string }[] }) =>
  Object.fromEntries((body.errors ?? []).map((e) => [e.field, e.message]));

describe('a step checked without contracting', () => {
  it('answers 204 for good data and writes nothing', async () => {
    const before = await counts();
    const res = await validate(titularStep());
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    // Card and consent too, when they are there.
    const whole = { ...contractBody(await tokenize(t)), account: { password: PASSWORD } };
    expect((await validate(whole)).statusCode).toBe(204);
    expect(await counts()).toEqual(before);
  });

  it('names every field at fault at once, schema and domain alike, in Spanish by default', async () => {
    const before = await counts();
    const res = await validate(titularStep({ email: 'maria@', birthDate: '2010-05-01', phone: '55 12' }));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(fields(body)).toEqual({
      'body/titular/email': 'Escribe un correo electrónico válido, por ejemplo nombre@correo.com.',
      'body/titular/phone': 'Escribe un celular de 10 dígitos, por ejemplo 55 1234 5678.',
      'body/titular/birthDate': 'Para contratar, el titular debe tener 18 años cumplidos.',
    });
    expect(await counts()).toEqual(before);
  });

  it('speaks English when the request prefers it', async () => {
    const res = await validate(titularStep({ email: 'maria@', birthDate: '2010-05-01', fullName: '' }), {
      'accept-language': 'en-US,en;q=0.9',
    });
    expect(res.json().title).toBe('Some fields are not valid. Check the listed fields and try again.');
    expect(fields(res.json())).toEqual({
      'body/titular/email': 'Enter a valid email address, for example name@example.com.',
      'body/titular/fullName': 'This is required.',
      'body/titular/birthDate': 'To sign up, the titular must be 18 or older.',
    });
  });

  it('answers one problem with its own code and field', async () => {
    const minor = await validate(titularStep({ birthDate: '2010-05-01' }));
    expect(minor.statusCode).toBe(422);
    expect(minor.json().code).toBe('TITULAR_UNDERAGE');
    expect(fields(minor.json())).toEqual({
      'body/titular/birthDate': 'Para contratar, el titular debe tener 18 años cumplidos.',
    });

    const impossible = await validate(titularStep({ birthDate: '1985-02-30' }));
    expect(impossible.json().code).toBe('BIRTH_DATE_INVALID');
    expect(fields(impossible.json())).toEqual({
      'body/titular/birthDate': 'Esa fecha no existe. Revisa el día, el mes y el año.',
    });

    const weak = await validate({ ...titularStep(), account: { password: 'qwerty123456' } });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().code).toBe('PASSWORD_TOO_WEAK');
    expect(fields(weak.json())).toEqual({
      'body/account/password': 'Es una de las contraseñas más comunes y fáciles de adivinar. Elige otra.',
    });

    const { account: _none, ...withoutAccount } = titularStep();
    const missing = await validate(withoutAccount);
    expect(missing.json().code).toBe('ACCOUNT_PASSWORD_REQUIRED');
    expect(fields(missing.json())).toEqual({
      'body/account/password': 'Crea una contraseña para tu cuenta.',
    });
  });

  it('says at the email when it already has an account or a live membership', async () => {
    const user = await createUser(t, 'customer');
    const taken = await validate(titularStep({ email: user.email }));
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('EMAIL_TAKEN');
    expect(fields(taken.json())).toEqual({
      'body/titular/email': 'Ya existe una cuenta con ese correo. Entra a tu cuenta o usa otro correo.',
    });

    // Contracted by phone (no account): the same titular online has a live membership already.
    const byPhone = contractBody(await tokenize(t));
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/memberships', payload: byPhone, headers: agent.write }))
        .statusCode,
    ).toBe(201);
    const live = await validate(titularStep({ email: byPhone.titular.email }));
    expect(live.statusCode).toBe(409);
    expect(live.json().code).toBe('MEMBERSHIP_ALREADY_EXISTS');
    expect(Object.keys(fields(live.json()))).toEqual(['body/titular/email']);
  });

  it('checks the card token and the consent when they are sent', async () => {
    const res = await validate({
      ...titularStep(),
      cardToken: 'tok_sandbox_nope',
      consent: { termsVersion: '', privacyNoticeVersion: '2019-01' },
    });
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(fields(res.json())).toEqual({
      'body/cardToken': 'No reconocemos esa tarjeta. Captúrala de nuevo en el formulario seguro de pago.',
      'body/consent/termsVersion':
        'Acepta los Términos y Condiciones vigentes (versión 2024-01) para contratar.',
      'body/consent/privacyNoticeVersion':
        'Acepta el Aviso de Privacidad vigente (versión 2024-01) para contratar.',
    });
    const consentOnly = await validate({
      ...titularStep(),
      consent: { termsVersion: '2024-01', privacyNoticeVersion: '' },
    });
    expect(consentOnly.statusCode).toBe(422);
    expect(consentOnly.json()).toMatchObject({ code: 'CONSENT_REQUIRED', termsVersion: '2024-01' });
  });

  it('refuses a card number like every route but the card form', async () => {
    const res = await validate(titularStep({ fullName: '4242 4242 4242 4242' }));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CARD_NUMBER_NOT_ALLOWED');
    expect(res.body).not.toContain('4242 4242');
  });

  it('refuses callers that cannot contract, as contracting does', async () => {
    const finance = await signIn(t, await createUser(t, 'finance'));
    const res = await validate(titularStep(), finance.write);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('is in the OpenAPI description', async () => {
    const openapi = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = openapi.paths['/v1/memberships/validation']?.post;
    expect(operation).toBeDefined();
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['204', '400', '409', '422']));
    expect(operation.requestBody.content['application/json'].schema.required).toEqual([
      'planCode',
      'titular',
    ]);
  });
});

describe('schema messages, localised', () => {
  it('contracting itself answers the schema in the request’s language', async () => {
    const body = contractBody(await tokenize(t), { titular: { email: 'maria@' } as never });
    const es = await t.app.inject({ method: 'POST', url: '/v1/memberships', payload: body });
    expect(fields(es.json())).toEqual({
      'body/titular/email': 'Escribe un correo electrónico válido, por ejemplo nombre@correo.com.',
    });
    const en = await t.app.inject({
      method: 'POST',
      url: '/v1/memberships',
      payload: body,
      headers: { 'accept-language': 'en' },
    });
    expect(fields(en.json())).toEqual({
      'body/titular/email': 'Enter a valid email address, for example name@example.com.',
    });
  });

  it('so does the card form', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/sandbox/card-tokens',
      payload: { number: '4242424242424242', expMonth: 13, expYear: 2030 },
    });
    expect(res.statusCode).toBe(400);
    expect(fields(res.json())).toEqual({
      'body/expMonth': 'Escribe un número de 12 o menos.',
      'body/cvv': 'Este dato es obligatorio.',
    });
    expect(res.body).not.toContain('4242424242424242');
  });
});
