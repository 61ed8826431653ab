import type { AddressInfo } from 'node:net';
import createClient, { type Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES_BY_KIND } from '../src/domains/identity/api-keys.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../src/domains/members/legal.ts';
import { buildValidator } from '../src/platform/validation.ts';
import type { paths } from './support/api-types.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createApiKey } from './support/auth.ts';
import { towRequest } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';

/**
 * The partner's main flow through the client generated from the description (openapi-typescript
 * types, openapi-fetch), against the app listening on loopback: the bank contracts a membership,
 * opens a case and reads the charges. It compiles only if the description names these operations,
 * parameters and bodies as the test uses them, and every answer is checked at run time against the
 * schema the description gives for its status: the description matches the server.
 */
type Schema = Record<string, unknown>;
type Validate = ((data: unknown) => boolean) & { errors?: unknown };

let t: TestApp;
let base: string;
let key: string;
let description: {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
};
const mismatches: string[] = [];
const checked: string[] = [];

const compile = (() => {
  const factory = buildValidator() as unknown as (
    external: object,
    options: object,
  ) => (route: { schema: unknown; method: string; url: string; httpPart: string }) => Validate;
  const compiler = factory({}, { customOptions: {} });
  return (schema: unknown) => compiler({ schema, method: 'POST', url: '/', httpPart: 'body' });
})();

/** The schema with `#/components/schemas/…` references replaced by what they name. */
function inlined(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inlined);
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/'))
    return inlined(description.components.schemas[ref.slice('#/components/schemas/'.length)]);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inlined(v)]));
}

/** Every answer's body must match the description's schema for its operation, status and type. */
const matchesDescription: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const operation = description.paths[schemaPath]?.[request.method.toLowerCase()];
    const where = `${request.method} ${schemaPath} → ${response.status}`;
    const answer = (operation?.responses as Record<string, Schema> | undefined)?.[String(response.status)];
    if (!answer) return void mismatches.push(`${where}: the description has no such answer`);
    const type = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
    const media = (answer.content as Record<string, { schema: unknown }> | undefined)?.[type];
    if (!media) return void mismatches.push(`${where}: the description has no ${type} answer`);
    const validate = compile(inlined(media.schema));
    if (!validate(await response.clone().json()))
      mismatches.push(`${where}: ${JSON.stringify(validate.errors)}`);
    checked.push(where);
  },
};

beforeAll(async () => {
  t = await buildTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  key = (await createApiKey(t, 'partner', [...SCOPES_BY_KIND.partner])).key;
  description = (await (await fetch(`${base}/openapi.json`)).json()) as typeof description;
});
afterAll(async () => {
  await t?.close();
});

describe('the partner API through the generated client', () => {
  it('contracts a membership as the bank, opens a case and reads its charges', async () => {
    const bank = createClient<paths>({ baseUrl: base, headers: { authorization: `Bearer ${key}` } });
    bank.use(matchesDescription);

    const card = await bank.POST('/v1/sandbox/card-tokens', {
      body: { number: TEST_CARD.visaCredit, expMonth: 12, expYear: 2030, cvv: '123' },
    });
    expect(card.response.status).toBe(201);
    if (!card.data) throw new Error('no card token');

    const contracted = await bank.POST('/v1/memberships', {
      params: { header: { 'idempotency-key': 'partner-client-contract-1' } },
      body: {
        planCode: 'libra-plus',
        titular: {
          fullName: 'Rosa Elena Martínez Soto',
          email: 'rosa.martinez@correo.example',
          phone: '55 2345 6789',
          birthDate: '1979-06-02',
        },
        cardToken: card.data.token,
        consent: {
          termsVersion: CURRENT_TERMS.version,
          privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version,
        },
      },
    });
    expect(contracted.response.status).toBe(201);
    const membership = contracted.data;
    if (!membership) throw new Error(`not contracted: ${JSON.stringify(contracted.error)}`);
    expect(membership.channel).toBe('bank');
    expect(membership.state).toBe('active');

    const opened = await bank.POST('/v1/cases', {
      params: { header: { 'idempotency-key': 'partner-client-case-1' } },
      body: towRequest(membership.id),
    });
    expect(opened.response.status).toBe(201);
    expect(opened.data?.membershipId).toBe(membership.id);
    expect(opened.data?.number).toMatch(/^[A-Z]{2}-\d{2}-\d{6}$/);

    // The day's billing run, as the platform's job does it, then the bank reads what it charged.
    await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });
    const charges = await bank.GET('/v1/memberships/{id}/charges', {
      params: { path: { id: membership.id } },
    });
    expect(charges.response.status).toBe(200);
    expect(charges.data?.data).toHaveLength(1);
    expect(charges.data?.data[0]?.status).toBe('succeeded');
    expect(charges.data?.data[0]?.amount.totalCentavos).toBe(21_800);

    // A problem comes back typed too: `code` is one of the description's stable codes.
    const missing = await bank.GET('/v1/memberships/{id}', {
      params: { path: { id: '01900000-0000-7000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.error?.code).toBe('MEMBERSHIP_NOT_FOUND');

    expect(mismatches).toEqual([]);
    expect(checked).toHaveLength(5);
  });
});
