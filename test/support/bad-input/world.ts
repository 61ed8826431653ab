import { sql } from 'drizzle-orm';
import { rows } from '../../../src/db/client.ts';
import { SALE_COLUMNS } from '../../../src/domains/imports/members-layout.ts';
import { type RoutePolicy, SYSTEM_ACTOR, type UserRole } from '../../../src/platform/principal.ts';
import { buildTestApp, type TestApp } from '../app.ts';
import { bearer, createApiKey, createUser, signIn, TEST_PASSWORD, type TestUser } from '../auth.ts';
import { contractByPhone, createProviderUser, registerProvider, towRequest, ZOCALO } from '../dispatch.ts';
import { buildMembership, contractBody, tokenize } from '../factories.ts';
import { webhookWorld } from './events-world.ts';
import { testClockWorld } from './test-clocks-world.ts';

/**
 * The records and callers the bad-input suite sends its requests with, made as the access matrix
 * makes them (test/access-matrix.test.ts): for each operation a caller its policy lets in, and path
 * parameters that name real records, so a mutation the validator let through would reach the
 * route's own code with a record to work on.
 */
export interface World {
  t: TestApp;
  /** Headers of a caller the route's policy allows. */
  callerFor(policy: RoutePolicy | undefined): Promise<{ name: string; headers: Record<string, string> }>;
  /** A real value for a path parameter of an OpenAPI path (`/v1/cases/{id}`, `id`). */
  pathValue(path: string, param: string): string;
  /** The number of rows of every table, one figure per table. */
  rowCounts(): Promise<Record<string, number>>;
  /**
   * A body the operation (`POST /v1/cases`) would accept, as the access matrix sends it; undefined
   * where none is written down (the suite then makes one from the schema). Each mutation changes one
   * place of it, so what the validator lets through reaches the route's own code and its rules.
   */
  validBody(operation: string): unknown;
}

/** Staff first: they reach any record, so no ownership check answers before the input is looked at. */
const PREFERENCE: UserRole[] = [
  'supervisor',
  'agent',
  'admin',
  'finance',
  'provider',
  'doctor',
  'lawyer',
  'medical_supervisor',
  'privacy',
  'customer',
];
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');

async function activationFactsOf(t: TestApp, membershipId: string) {
  const m = await t.services.members.get(SYSTEM_ACTOR, membershipId);
  return { membershipNumber: m.number, cardLast4: '4242', birthDate: m.titular.birthDate };
}

export async function buildWorld(): Promise<World> {
  // The suite sends thousands of requests from one address, one person per role and one key.
  const t = await buildTestApp({
    env: {
      PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
      USER_RATE_LIMIT_PER_MINUTE: '1000000',
      PARTNER_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  const providerId = await registerProvider(t, { capacity: 1000 });
  const users = new Map<UserRole, TestUser>();
  for (const role of PREFERENCE) {
    users.set(
      role,
      role === 'provider' ? await createProviderUser(t, providerId) : await createUser(t, role),
    );
  }
  const partner = await createApiKey(t, 'partner', [
    'memberships:read',
    'memberships:write',
    'eligibility:read',
    'cases:read',
    'cases:write',
    'complaints:read',
    'complaints:write',
    'events:read',
  ]);
  const metrics = await createApiKey(t, 'metrics', ['metrics:read']);
  const webhooks = await webhookWorld(t, partner.key);
  const testClocks = await testClockWorld(t, partner.key);

  const agent = await signIn(t, users.get('agent') as TestUser);
  const membershipId = await contractByPhone(t, agent.write);
  // The customer's own membership (online), so their ARCO request reaches its rules.
  const customer = await signIn(t, users.get('customer') as TestUser);
  await buildMembership(t, { by: customer.write });
  const arco = await t.app.inject({
    method: 'POST',
    url: '/v1/arco-requests',
    headers: customer.write,
    payload: { type: 'access', details: 'Quiero saber qué datos tienen de mí.' },
  });
  const beneficiary = await t.services.beneficiaries.addBeneficiary(SYSTEM_ACTOR, membershipId, {
    kind: 'child',
    fullName: 'Hija de Prueba López',
    birthDate: '2015-01-01',
  });
  const request = (body: Record<string, unknown>) =>
    t.services.cases.request(SYSTEM_ACTOR, body as never, undefined).then((r) => r.body);
  const offered = await request(towRequest(membershipId));
  const [offer] = await t.services.dispatch.offersOfJob(t.database.handle.db, offered.id);
  const dispatched = await request(towRequest(membershipId));
  await t.services.onsite.assignByHand(SYSTEM_ACTOR, dispatched.id, {
    providerId,
    reason: 'entrada mala',
    quoteCentavos: 50_000,
  });
  const claim = await request(
    towRequest(membershipId, {
      serviceCode: 'atm-robbery-protection',
      details: {
        withdrawal: { amountCentavos: 500_000, at: '2026-11-25T03:00:00Z', atm: 'Cajero BBVA, Centro' },
        cardDailyAtmMaximumCentavos: 900_000,
      },
    }),
  );
  const document = await t.services.claims.addDocument(SYSTEM_ACTOR, claim.id, {
    filename: 'denuncia.pdf',
    contentType: 'application/pdf',
    content: PDF,
  });
  const run = await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });
  const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, membershipId);
  const fiscalData = {
    rfc: 'GODE561231GR8',
    name: 'DIEGO GÓMEZ DE LA O',
    fiscalRegime: '605',
    postalCode: '06600',
    cfdiUse: 'S01',
  };
  const invoice = charge
    ? (await t.services.invoicing.invoiceCharge(SYSTEM_ACTOR, charge.id, fiscalData)).invoice
    : undefined;
  const complaint = await t.services.complaints.file(
    SYSTEM_ACTOR,
    { membershipId, category: 'service_quality', text: 'La grúa llegó dos horas tarde.' } as never,
    undefined,
  );
  // A message to the member, kept unsent (no channel in tests): one staff may re-send.
  const [messageId] = await t.database.handle.db.transaction((tx) =>
    t.services.notifier.toMember(tx, {
      kind: 'complaint_received',
      membershipId,
      params: { complaintNumber: 'LQ-26-000001', dueAt: new Date('2026-12-02T18:00:00Z') },
    }),
  );
  await t.services.outbox.drain();
  // A location link of the tow, for the public link routes (asked by the agent).
  const linkAnswer = await t.app.inject({
    method: 'POST',
    url: `/v1/cases/${offered.id}/location-links`,
    headers: agent.write,
    payload: {},
  });
  const linkToken = String(linkAnswer.json().url).split('/').at(-1);
  const throwaway = await createUser(t, 'agent');
  const key = await createApiKey(t, 'metrics', ['metrics:read']);
  const stranger = await signIn(t, await createUser(t, 'customer'));
  if (!offer || !charge || !messageId || !linkToken || !invoice)
    throw new Error('the world lacks an offer, a charge, a message or a location link');

  // An import of the bank's members file (a header only), for the import routes.
  const importRun = await t.services.imports.importMembers(
    SYSTEM_ACTOR,
    [`${SALE_COLUMNS.map((c) => c.name).join(',')}\r\n`],
    { source: 'cli' },
  );
  const cardToken = await tokenize(t);
  const contract = contractBody(cardToken, { account: { password: 'mi contraseña segura' } });
  const { cardToken: _token, consent: _consent, ...contractCheck } = contract;
  const note = { note: 'Llamé a la clienta; espera respuesta.' };
  // A phone member's three facts, and an activation of another one under way (its code unknown).
  const activationFacts = await activationFactsOf(t, membershipId);
  const activationId = (
    await t.services.activation.start(
      SYSTEM_ACTOR,
      await activationFactsOf(t, await contractByPhone(t, agent.write)),
    )
  ).id;

  const bodies: Record<string, unknown> = {
    'POST /v1/admin/plans/{code}/versions': {
      priceTotalCentavos: 9_900,
      onlineTrialMonths: 0,
      illustrative: true,
      effectiveFrom: '2099-01-01T06:00:00Z',
      summary: { es: 'Versión de prueba', en: 'Test version' },
      services: [
        {
          service: 'tow-truck',
          rules: {
            limit: { kind: 'per_year_per_key', count: 3, perKey: 1, key: 'specialty' },
            perEvent: {
              kind: 'amount_cap',
              capCentavos: 120_000,
              excessPaidBy: 'customer',
              excessAcceptedBeforeDispatch: true,
            },
            territory: { kind: 'countries', countries: ['MX'] },
          },
          illustrative: true,
        },
      ],
    },
    'POST /v1/auth/login': { email: (users.get('customer') as TestUser).email, password: TEST_PASSWORD },
    'POST /v1/me/password': { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD },
    'POST /v1/admin/users': {
      email: 'agente.nuevo@test.libra.mx',
      name: 'Agente Nuevo',
      role: 'agent',
      password: 'a long enough passphrase',
    },
    'POST /v1/admin/api-keys': { name: 'Banco', kind: 'partner', scopes: ['memberships:read'] },
    'POST /v1/memberships': contract,
    'POST /v1/memberships/validation': contractCheck,
    'PUT /v1/memberships/{id}/card': { cardToken },
    'POST /v1/memberships/{id}/verifications': { birthDate: '1985-03-15', cardLast4: '4242' },
    'PUT /v1/memberships/{id}/contact': { email: 'contacto.nuevo@test.libra.mx', phone: '55 1111 2222' },
    'POST /v1/memberships/{id}/beneficiaries': {
      kind: 'child',
      fullName: 'Hijo Nuevo López',
      birthDate: '2016-02-02',
    },
    'POST /v1/eligibility/checks': { membershipId, personId: 'titular', serviceCode: 'tow-truck' },
    'POST /v1/cases': {
      ...towRequest(membershipId),
      details: { ...towRequest(membershipId).details, callbackPhone: '55 2222 3333' },
    },
    'POST /v1/cases/{id}/cancel': { reason: 'La clienta ya no la necesita.' },
    'POST /v1/cases/{id}/excess-acceptance': { accept: true, note: 'aceptado por teléfono' },
    'POST /v1/cases/{id}/assignment': {
      providerId,
      reason: 'El más cercano',
      etaMinutes: 30,
      quoteCentavos: 50_000,
    },
    'POST /v1/cases/{id}/status': { status: 'en_route', note: 'Saliendo' },
    'POST /v1/cases/{id}/rating': { score: 4, comment: 'Llegó a tiempo.' },
    'PUT /v1/cases/{id}/unit': {
      driverName: 'Juan Pérez Soto',
      vehicle: 'Grúa plataforma',
      plates: 'NLA-12-34',
    },
    'POST /v1/cases/{id}/location-links': { phone: '33 1234 5678' },
    'POST /v1/location-links/{token}': { lat: 20.6736, lng: -103.344, accuracyM: 25 },
    'PUT /v1/cases/{id}/place': {
      lat: 19.4342,
      lng: -99.1386,
      address: 'Madero 1, Centro, CDMX',
      accuracyM: 20,
    },
    'POST /v1/provider/slots': {
      serviceCode: 'specialist-consultation',
      startsAt: '2027-01-10T16:00:00Z',
      durationMinutes: 30,
      capacity: 1,
    },
    'PUT /v1/sla-targets/{serviceCode}': { dispatchMinutes: 15, arrivalMinutes: 45 },
    'POST /v1/cases/{id}/review': {
      decision: 'approve',
      approvedCentavos: 100_000,
      reason: 'Denuncia en orden',
    },
    'POST /v1/charges/{id}/refunds': { amountCentavos: 1, reason: 'Cobro duplicado' },
    'POST /v1/billing/runs': { at: '2026-11-25T14:00:00-06:00' },
    'POST /v1/charges/{id}/invoice': fiscalData,
    'PUT /v1/memberships/{id}/fiscal-data': fiscalData,
    'POST /v1/invoices/{id}/cancellation': {
      reason: '01',
      substituteUuid: '5fb2822e-396d-4725-8521-cdc4bdd20ccf',
    },
    'POST /v1/invoices/global': { period: '2026-10' },
    'POST /v1/memberships/{id}/cancellation': { reason: 'Ya no la necesita' },
    'PUT /v1/memberships/{id}/notification-preferences': {
      language: 'es',
      quietHours: true,
      channels: { charge_failed: ['email', 'sms'] },
    },
    'POST /v1/complaints': {
      membershipId,
      category: 'service_quality',
      caseId: dispatched.id,
      channel: 'phone',
      text: 'La grúa llegó dos horas tarde y nadie avisó.',
    },
    'POST /v1/arco-requests': {
      type: 'rectification',
      details: 'Mi nombre está mal escrito.',
      field: 'name',
      correction: 'María López Ávila',
    },
    'POST /v1/arco-requests/{id}/answer': { decision: 'refused', reason: 'No acreditaste tu identidad.' },
    'POST /v1/complaints/{id}/notes': note,
    'POST /v1/complaints/{id}/resolve': { resolution: 'Se reembolsa el cobro del mes.' },
    'POST /v1/complaints/{id}/escalate': note,
    'POST /v1/providers': {
      name: 'Grúas Entrada Mala',
      phone: '55 5555 0000',
      services: ['tow-truck'],
      coverage: { kind: 'radius', center: ZOCALO, radiusKm: 50 },
      location: { lat: 20.97, lng: -89.62 },
      capacity: 1,
    },
    'PUT /v1/providers/{id}/availability': { available: true, capacity: 1000 },
    'POST /v1/offers/{id}/accept': { quoteCentavos: 50_000, etaMinutes: 20 },
    'POST /v1/offers/{id}/decline': { reason: 'Sin unidades' },
    'PUT /v1/provider/location': { lat: 19.44, lng: -99.13 },
    'PUT /v1/provider/availability': { available: true },
    'POST /v1/cases/{id}/outcome': { note: 'Se orientó a la clienta por teléfono.' },
    'POST /v1/places/geocode': { street: 'Av. Insurgentes Sur', number: '1602', postalCode: '03940' },
    'POST /v1/account-activations': activationFacts,
    'POST /v1/account-activations/{id}/confirm': {
      code: '000000',
      password: 'una frase de acceso larga y mía',
    },
    'POST /v1/memberships/{id}/beneficiaries/{beneficiaryId}/invitations': { phone: '81 8765 4321' },
    'POST /v1/beneficiary-invitations/{token}/accept': {
      email: 'beneficiario@test.libra.mx',
      password: 'una frase de acceso larga y mía',
    },
    'POST /v1/sandbox/card-tokens': {
      number: '4242424242424242',
      expMonth: 12,
      expYear: 2030,
      cvv: '123',
      holderName: 'María López',
    },
    ...webhooks.bodies,
    ...testClocks.bodies,
  };

  /** By the collection the parameter follows in the path. */
  const ids: Record<string, string> = {
    memberships: membershipId,
    beneficiaries: beneficiary.id,
    cases: dispatched.id,
    jobs: dispatched.id,
    documents: document.id,
    charges: charge.id,
    invoices: invoice.id,
    runs: run.runId,
    'direct-debits': '2026-01-02',
    complaints: complaint.body.id,
    'arco-requests': arco.json().id,
    messages: messageId,
    providers: providerId,
    offers: offer.id,
    users: throwaway.id,
    'api-keys': key.id,
    sessions: stranger.sessionId,
    plans: 'libra-plus',
    'sla-targets': 'tow-truck',
    'postal-codes': '03940',
    'location-links': linkToken,
    imports: importRun.id,
    'account-activations': activationId,
    // A link of the right shape that was never sent: the mutations reach the token's own checks.
    'beneficiary-invitations': 'x'.repeat(43),
    ...webhooks.ids,
    ...testClocks.ids,
  };

  const tables = await rows<{ name: string }>(
    t.database.handle.db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const countRows = sql.raw(
    `select ${tables.map(({ name }) => `(select count(*) from "${name}")::int as "${name}"`).join(', ')}`,
  );

  /**
   * One session per role. Only a request the app wrongly accepted could end one (a logout); the
   * suite reports that request, and a 401 to a signed-in caller, as faults.
   */
  const sessions = new Map<UserRole, Record<string, string>>();
  const sessionOf = async (role: UserRole) => {
    const known = sessions.get(role) ?? (await signIn(t, users.get(role) as TestUser)).write;
    sessions.set(role, known);
    return known;
  };

  return {
    t,
    async callerFor(policy) {
      if (!policy || policy.allow === 'public') return { name: 'anonymous', headers: {} };
      const allowed: readonly string[] =
        policy.allow === 'authenticated' || policy.allow === 'any-user' ? PREFERENCE : policy.allow;
      const role = PREFERENCE.find((r) => allowed.includes(r));
      if (role) return { name: role, headers: await sessionOf(role) };
      if (allowed.includes('scope:metrics:read'))
        return { name: 'metrics key', headers: bearer(metrics.key) };
      return { name: 'partner key', headers: bearer(partner.key) };
    },
    pathValue(path, param) {
      const segments = path.split('/');
      const before = segments[segments.indexOf(`{${param}}`) - 1] ?? '';
      // A claim's documents and review are under the claim's case, not the tow's.
      if ((path.includes('/documents') || path.endsWith('/review')) && param === 'id') return claim.id;
      const value = ids[before];
      if (value === undefined) throw new Error(`no record for ${param} in ${path}: add one to the world`);
      return value;
    },
    validBody: (operation) => bodies[operation],
    async rowCounts() {
      const counts = await rows<Record<string, number>>(t.database.handle.db, countRows);
      return counts[0] ?? {};
    },
  };
}
