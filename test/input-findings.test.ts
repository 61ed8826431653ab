import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { luhnValid } from '../src/lib/card-numbers.ts';
import { PUBLIC } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, registerProvider, towRequest } from './support/dispatch.ts';
import { contractBody, tokenize } from './support/factories.ts';
import { http } from './support/http.ts';

/**
 * The probes of issue 19 (findings 1–4 and 9), exactly as reported: each answered 500 or was
 * accepted wrongly on main. Findings 2 and 5 (deep bodies, Fastify's and Node's own refusals) are in
 * test/http-refusals.test.ts; every operation against every class of bad input in
 * test/bad-input.test.ts.
 */
let t: TestApp;
const logLines: string[] = [];
let agent: Session;
let supervisor: Session;
let admin: Session;
let membershipId: string;
let providerId: string;
const { post } = http(() => t);

beforeAll(async () => {
  t = await buildTestApp({ env: { LOG_LEVEL: 'info' }, logStream: { write: (line) => logLines.push(line) } });
  agent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  admin = await signIn(t, await createUser(t, 'admin'));
  membershipId = await contractByPhone(t, agent.write);
  providerId = await registerProvider(t);
});
afterAll(async () => t?.close());

const count = async (table: string) =>
  (await rows<{ n: number }>(t.database.handle.db, sql.raw(`select count(*)::int as n from "${table}"`)))[0]
    ?.n;

/** A 400 VALIDATION_FAILED naming `field`, with no error logged. */
function expectRefusedAt(
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
  field: string,
) {
  expect(res.statusCode, res.body).toBe(400);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = JSON.parse(res.body);
  expect(body.code).toBe('VALIDATION_FAILED');
  expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
}

describe('finding 1: text PostgreSQL cannot store never reaches SQL', () => {
  const tow = () => towRequest(membershipId) as Record<string, unknown> & { place: object; details: object };

  it('refuses U+0000 in every field the probe found, at the field, writing nothing', async () => {
    const before = { cases: await count('cases'), complaints: await count('complaints') };
    const bad = 'a\u0000b';
    const caseFields: [string, Record<string, unknown>][] = [
      ['body/description', { ...tow(), description: bad }],
      ['body/place/address', { ...tow(), place: { ...tow().place, address: `Calle ${bad}` } }],
      ...(['make', 'model', 'plates', 'color'] as const).map(
        (field) =>
          [`body/details/vehicle/${field}`, { ...tow(), details: { vehicle: { [field]: bad } } }] as [
            string,
            Record<string, unknown>,
          ],
      ),
    ];
    for (const [field, payload] of caseFields)
      expectRefusedAt(await post('/v1/cases', agent.write, payload), field);

    const complaint = { membershipId, category: 'service_quality', text: `La grúa no llegó ${bad}` };
    expectRefusedAt(await post('/v1/complaints', agent.write, complaint), 'body/text');
    const filed = await post('/v1/complaints', agent.write, {
      ...complaint,
      text: 'La grúa no llegó a tiempo.',
    });
    const complaintId = filed.json().id;
    await post(`/v1/complaints/${complaintId}/take`, agent.write, undefined);
    expectRefusedAt(
      await post(`/v1/complaints/${complaintId}/notes`, agent.write, { note: bad }),
      'body/note',
    );

    const kase = (await post('/v1/cases', agent.write, tow())).json();
    expectRefusedAt(await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: bad }), 'body/reason');
    expectRefusedAt(
      await post(`/v1/memberships/${membershipId}/cancellation`, agent.write, { reason: bad }),
      'body/reason',
    );
    expectRefusedAt(
      await post('/v1/admin/api-keys', admin.write, {
        name: bad,
        kind: 'partner',
        scopes: ['memberships:read'],
      }),
      'body/name',
    );

    expect(await count('cases')).toBe((before.cases as number) + 1);
    expect(await count('complaints')).toBe((before.complaints as number) + 1);
    expect(
      (
        await t.app.inject({ method: 'GET', url: `/v1/memberships/${membershipId}`, headers: agent.read })
      ).json().state,
    ).not.toBe('cancelled');
  });

  it('refuses U+0000 in every audit filter', async () => {
    for (const filter of ['action', 'actorId', 'recordType', 'recordId', 'requestId']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/audit?${filter}=%00`,
        headers: supervisor.read,
      });
      expectRefusedAt(res, `querystring/${filter}`);
    }
  });

  it('refuses the other control characters and half surrogate pairs; keeps tabs, newlines and emoji', async () => {
    for (const text of ['esc \u001b[2J', 'del \u007f', 'bell \u0007', 'half \ud83d pair', 'low \udc00']) {
      expectRefusedAt(
        await post('/v1/cases', agent.write, { ...tow(), description: text }),
        'body/description',
      );
    }
    expectRefusedAt(await post('/v1/cases', agent.write, { ...tow(), 'x\u0000': 1 }), 'body/x?');
    const fine = await post('/v1/cases', agent.write, {
      ...tow(),
      description: 'Línea uno\nLínea dos\r\n\tcon sangría 🚗',
    });
    expect(fine.statusCode, fine.body).toBe(201);
    expect(fine.json().description).toBe('Línea uno\nLínea dos\r\n\tcon sangría 🚗');
  });

  it('logged no error and no query for any of it', () => {
    const errors = logLines.filter((line) => JSON.parse(line).level >= 50);
    expect(errors).toEqual([]);
    expect(logLines.join('\n')).not.toContain('Failed query');
  });
});

describe('finding 3: huge numbers in a query are a 400', () => {
  it.each([
    ['/v1/cases?limit=1e309', 'supervisor'],
    ['/v1/cases?limit=Infinity', 'supervisor'],
    ['/v1/charges?limit=1e309', 'admin'],
    ['/v1/complaints?limit=-1e309', 'supervisor'],
    ['/v1/billing/runs?limit=1e309', 'admin'],
    ['/v1/audit?limit=1e309', 'supervisor'],
  ])('%s', async (url, who) => {
    const headers = who === 'admin' ? admin.read : supervisor.read;
    expectRefusedAt(await t.app.inject({ method: 'GET', url, headers }), 'querystring/limit');
  });

  it('GET /v1/providers/{id}/slots?days=1e309', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/providers/${providerId}/slots?days=1e309`,
      headers: agent.read,
    });
    expectRefusedAt(res, 'querystring/days');
    expect(res.json().errors[0].message).toMatch(/rango permitido/);
  });

  it('still reads numbers and booleans from query strings', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/cases?limit=5&overdue=false',
      headers: agent.read,
    });
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('finding 4: a JSON body is taken as typed, never converted', () => {
  it('place.lat: null is refused, not a case at 0,0', async () => {
    const before = await count('cases');
    const tow = towRequest(membershipId);
    const res = await post('/v1/cases', agent.write, { ...tow, place: { ...tow.place, lat: null } });
    expectRefusedAt(res, 'body/place/lat');
    expect(await count('cases')).toBe(before);
  });

  it('estimatedCostCentavos: null is refused, not 0', async () => {
    const tow = towRequest(membershipId);
    const res = await post('/v1/cases', agent.write, { ...tow, details: { estimatedCostCentavos: null } });
    expectRefusedAt(res, 'body/details/estimatedCostCentavos');
  });

  it('arrivalMinutes: "" is refused, and an SLA target is not stored', async () => {
    const put = (payload: unknown) =>
      t.app.inject({
        method: 'PUT',
        url: '/v1/sla-targets/tow-truck',
        headers: supervisor.write,
        payload: payload as object,
      });
    expectRefusedAt(await put({ dispatchMinutes: 15, arrivalMinutes: '' }), 'body/arrivalMinutes');
    expectRefusedAt(await put({ dispatchMinutes: '15', arrivalMinutes: 45 }), 'body/dispatchMinutes');
    const targets = await t.app.inject({ method: 'GET', url: '/v1/sla-targets', headers: supervisor.read });
    expect(JSON.stringify(targets.json())).not.toContain('"arrivalMinutes":0');
    expect((await put({ dispatchMinutes: 15, arrivalMinutes: null })).statusCode).toBe(200);
  });

  it('{"reason": true} or {"reason": 12345} does not cancel a membership', async () => {
    const fresh = await contractByPhone(t, agent.write);
    for (const reason of [true, 12345]) {
      expectRefusedAt(
        await post(`/v1/memberships/${fresh}/cancellation`, agent.write, { reason }),
        'body/reason',
      );
    }
    const membership = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${fresh}`,
      headers: agent.read,
    });
    expect(membership.json().state).toBe('active');
    expect(await count('cancellations')).toBe(0);
  });
});

describe('finding 9: an email is not a card number', () => {
  it('ana.1796422847279@example.com contracts and signs in', async () => {
    expect(luhnValid('1796422847279')).toBe(true);
    const email = 'ana.1796422847279@example.com';
    const body = contractBody(await tokenize(t), {
      titular: { email } as never,
      account: { password: 'mi contraseña segura' },
    });
    const contracted = await post('/v1/memberships', {}, body);
    expect(contracted.statusCode, contracted.body).toBe(201);
    const login = await post('/v1/auth/login', {}, { email, password: 'mi contraseña segura' });
    expect(login.statusCode, login.body).toBe(200);
  });

  it('a card number next to an email is still refused', async () => {
    const res = await post(
      '/v1/auth/login',
      {},
      { email: 'ana@example.com', password: 'tarjeta 4242 4242 4242 4242' },
    );
    expect(res.json().code).toBe('CARD_NUMBER_NOT_ALLOWED');
  });
});

describe('the log of a failed query', () => {
  it('holds the SQL state and the query text, never its parameters', async () => {
    const lines: string[] = [];
    const app = await buildTestApp({
      env: { LOG_LEVEL: 'info' },
      logStream: { write: (line) => lines.push(line) },
      extend: (a) => {
        a.get('/test/failed-query', { config: { policy: PUBLIC } }, async () =>
          rows(t.database.handle.db, sql`select ${'maria.secreta@example.com'}::uuid as id`),
        );
      },
    });
    try {
      const res = await app.app.inject({ method: 'GET', url: '/test/failed-query' });
      expect(res.statusCode).toBe(500);
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request failed');
      expect(logged.code).toBe('INTERNAL_ERROR');
      const text = JSON.stringify(logged);
      expect(text).toContain('22P02'); // invalid_text_representation
      expect(text).toContain('::uuid');
      expect(text).not.toContain('maria.secreta');
      expect(text).not.toContain('params:');
    } finally {
      await app.close();
    }
  });
});
