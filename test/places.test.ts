import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from './support/auth.ts';
import { type RecordedServer, startRecordedServer } from './support/recorded-server.ts';

/**
 * The places API through the whole app: a postal code's facts for the address entry, and an
 * address placed with its precision — or refused with a stable code and the reason in the reader's
 * language. Who may call them is in access-matrix.test.ts.
 */
let t: TestApp;
let agent: Session;
let customer: Session;

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  customer = await signIn(t, await createUser(t, 'customer'));
});
afterAll(async () => t?.close());

describe('GET /v1/places/postal-codes/{cp}', () => {
  it('gives the state, municipality, colonias and point of a postal code', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/places/postal-codes/03940',
      headers: agent.read,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      postalCode: '03940',
      stateCode: 'CMX',
      municipality: 'Benito Juárez',
      colonias: [{ name: 'Crédito Constructor', type: null }],
      point: { lat: 19.3647, lng: -99.1804 },
      precision: 'postal_code',
    });
  });

  it('answers 404 POSTAL_CODE_NOT_FOUND, in Spanish or English, for a code that does not exist', async () => {
    const es = await t.app.inject({
      method: 'GET',
      url: '/v1/places/postal-codes/99999',
      headers: customer.read,
    });
    expect(es.statusCode).toBe(404);
    expect(es.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(es.json()).toMatchObject({
      code: 'POSTAL_CODE_NOT_FOUND',
      detail: expect.stringMatching(/no existe/),
    });
    const en = await t.app.inject({
      method: 'GET',
      url: '/v1/places/postal-codes/99999',
      headers: { ...customer.read, 'accept-language': 'en' },
    });
    expect(en.json()).toMatchObject({
      code: 'POSTAL_CODE_NOT_FOUND',
      detail: expect.stringMatching(/does not exist/),
    });
  });

  it('refuses what is not five digits as bad input', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/places/postal-codes/3940',
      headers: agent.read,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });

  it('answers a partner’s key', async () => {
    const partner = await createApiKey(t, 'partner', ['cases:write']);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/places/postal-codes/44100',
      headers: bearer(partner.key),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      stateCode: 'JAL',
      municipality: 'Guadalajara',
      precision: 'municipality',
    });
  });
});

describe('POST /v1/places/geocode', () => {
  it('places an address with the precision reached and the address as understood', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/places/geocode',
      headers: agent.write,
      payload: { street: 'Av. Insurgentes Sur', number: '1602', postalCode: '03940', state: 'CDMX' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      point: { lat: 19.3647, lng: -99.1804 },
      precision: 'postal_code',
      normalised: {
        street: 'Av. Insurgentes Sur',
        number: '1602',
        colonia: 'Crédito Constructor',
        postalCode: '03940',
        municipality: 'Benito Juárez',
        stateCode: 'CMX',
        text: null,
      },
    });
  });

  it('flags a state alone as state precision', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/places/geocode',
      headers: customer.write,
      payload: { state: 'Nuevo León' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ precision: 'state', normalised: { stateCode: 'NLE' } });
  });

  it('answers 422 ADDRESS_NOT_FOUND with the reason, in the reader’s language', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/places/geocode',
      headers: { ...agent.write, 'accept-language': 'en' },
      payload: { postalCode: '03940', state: 'Jalisco' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'ADDRESS_NOT_FOUND',
      reason: 'POSTAL_CODE_NOT_IN_STATE',
      detail: 'That postal code is not in that state. Check the postal code or the state.',
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/places/geocode',
      headers: agent.write,
      payload: { postalCode: '99999' },
    });
    expect(unknown.json()).toMatchObject({
      code: 'ADDRESS_NOT_FOUND',
      reason: 'UNKNOWN_POSTAL_CODE',
      detail: expect.stringMatching(/no existe en México/),
    });
  });

  it('refuses fields it does not know', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/places/geocode',
      headers: agent.write,
      payload: { postalCode: '03940', lat: 19 },
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('with GEOCODER_URL set', () => {
  let nominatim: RecordedServer;
  let app: TestApp;
  beforeAll(async () => {
    nominatim = await startRecordedServer();
    app = await buildTestApp({ env: { GEOCODER_URL: nominatim.url } });
  });
  afterAll(async () => {
    await app?.close();
    await nominatim?.close();
  });

  it('places with Nominatim, and with the bundled data while Nominatim answers errors', async () => {
    const session = await signIn(app, await createUser(app, 'agent'));
    const address = { street: 'Av. Insurgentes Sur', number: '1602', postalCode: '03940' };
    nominatim.answer(() => ({ fixture: 'places/nominatim-house.json' }));
    const found = await app.app.inject({
      method: 'POST',
      url: '/v1/places/geocode',
      headers: session.write,
      payload: address,
    });
    expect(found.json()).toMatchObject({ precision: 'exact', point: { lat: 19.363892, lng: -99.182963 } });
    nominatim.answer(() => ({ status: 503 }));
    const down = await app.app.inject({
      method: 'POST',
      url: '/v1/places/geocode',
      headers: session.write,
      payload: address,
    });
    expect(down.statusCode).toBe(200);
    expect(down.json()).toMatchObject({ precision: 'postal_code', point: { lat: 19.3647, lng: -99.1804 } });
  });
});
