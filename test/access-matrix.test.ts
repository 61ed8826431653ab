import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { SALE_COLUMNS } from '../src/domains/imports/members-layout.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { WEB_ASSETS, WEB_PAGES } from '../src/platform/web.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, signIn, TEST_PASSWORD, type TestUser } from './support/auth.ts';
import { createProviderUser, registerProvider, towRequest } from './support/dispatch.ts';
import { buildCase, buildCharge, buildMembership, contractBody, tokenize } from './support/factories.ts';
import { clearForDetails } from './support/members.ts';

/**
 * Who may call what. For each route, each caller and (where the route concerns a record) their own
 * record and someone else's, the status the API must answer. Someone else's record answers 404, as
 * if it did not exist.
 */
type Caller =
  | 'anonymous'
  | 'customer'
  | 'agent'
  | 'supervisor'
  | 'finance'
  | 'admin'
  | 'provider'
  | 'doctor'
  | 'lawyer'
  | 'medical_supervisor'
  | 'privacy'
  | 'partner'
  | 'metrics';
const CALLERS: Caller[] = [
  'anonymous',
  'customer',
  'agent',
  'supervisor',
  'finance',
  'admin',
  'provider',
  'doctor',
  'lawyer',
  'medical_supervisor',
  'privacy',
  'partner',
  'metrics',
];
const USER_CALLERS = [
  'customer',
  'agent',
  'supervisor',
  'finance',
  'admin',
  'provider',
  'doctor',
  'lawyer',
  'medical_supervisor',
  'privacy',
] as const;

interface Check {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Builds the URL and body for the caller; called per request so writes get fresh records. */
  request: (caller: Caller) => Promise<{ url: string; payload?: unknown; headers?: Record<string, string> }>;
  expected: Record<Caller, number>;
  /** A stream that never ends: the status is read from the headers and the stream dropped. */
  stream?: true;
}

/** Expected statuses: `allowed` get `ok`; other signed-in callers 403; anonymous 401. */
function only(allowed: Caller[], ok: number): Record<Caller, number> {
  return Object.fromEntries(
    CALLERS.map((c) => [c, allowed.includes(c) ? ok : c === 'anonymous' ? 401 : 403]),
  ) as Record<Caller, number>;
}
const everyone = (ok: number) => only(CALLERS, ok);

let t: TestApp;
const credentials = new Map<Caller, () => Promise<Record<string, string>>>();
const accounts = new Map<Caller, TestUser>();
let strangerSessionId: string;
let arcoStranger: TestUser;
let ownMembershipId: string;
let matrixProviderId: string;
let otherMembershipId: string;
let partnerKey: string;

beforeAll(async () => {
  // Every row signs in afresh: more sign-ins than the public per-address limit allows.
  t = await buildTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
  // The provider caller works for a provider of the network, near the Zócalo, with room for all.
  matrixProviderId = await registerProvider(t, { capacity: 1000 });
  for (const role of USER_CALLERS) {
    const user =
      role === 'provider' ? await createProviderUser(t, matrixProviderId) : await createUser(t, role);
    accounts.set(role, user);
    // A fresh session per request: logout and session revocation end the one they use.
    credentials.set(role, async () => (await signIn(t, user)).write);
  }
  const partner = await createApiKey(t, 'partner', [
    'memberships:read',
    'memberships:write',
    'cases:read',
    'cases:write',
    'complaints:read',
    'complaints:write',
    'events:read',
  ]);
  partnerKey = partner.key;
  const metrics = await createApiKey(t, 'metrics', ['metrics:read']);
  credentials.set('partner', async () => bearer(partner.key));
  credentials.set('metrics', async () => bearer(metrics.key));
  credentials.set('anonymous', async () => ({}));
  const stranger = await createUser(t, 'customer');
  strangerSessionId = (await signIn(t, stranger)).sessionId;
  // Another customer with a membership of their own, whose ARCO requests the customer must not reach.
  arcoStranger = await createUser(t, 'customer');
  await buildMembership(t, { by: (await signIn(t, arcoStranger)).write });

  // The customer's own membership, and someone else's (contracted by phone).
  const customer = await signIn(t, accounts.get('customer') as TestUser);
  ownMembershipId = (await buildMembership(t, { by: customer.write })).id;
  const agent = await signIn(t, accounts.get('agent') as TestUser);
  otherMembershipId = (await buildMembership(t, { by: agent.write })).id;
});
afterAll(async () => t?.close());

let serial = 0;
const throwawayUser = async () => (await createUser(t, 'agent')).id;
const throwawayKey = async () =>
  (
    await t.services.apiKeys.createApiKey(SYSTEM_ACTOR, {
      name: 'throwaway',
      kind: 'metrics',
      scopes: ['metrics:read'],
    })
  ).apiKey.id;

/** The three facts of a new membership contracted by phone (no account yet). */
async function activationFacts() {
  const m = await buildMembership(t);
  return { membershipNumber: m.number, cardLast4: '4242', birthDate: m.body.titular.birthDate };
}
/** An activation under way and its code, read from the message the member is owed. */
async function startedActivation(): Promise<{ id: string; code: string }> {
  const facts = await activationFacts();
  const started = await t.app.inject({ method: 'POST', url: '/v1/account-activations', payload: facts });
  const { id } = started.json();
  const [message] = await rows<{ body: string }>(
    t.database.handle.db,
    sql`select body_es as body from notifications where subject_key = ${`account-activation:${id}`}`,
  );
  return { id, code: /es (\d{6})\./.exec(message?.body ?? '')?.[1] ?? '' };
}

/** An adult on a membership, made once per membership: who the titular may invite. */
const adults = new Map<string, Promise<string>>();
const adultOn = (membershipId: string) => {
  let found = adults.get(membershipId);
  if (!found) {
    found = t.services.beneficiaries
      .addBeneficiary(SYSTEM_ACTOR, membershipId, {
        kind: 'spouse',
        fullName: 'Jorge Ramírez Soto',
        birthDate: '1984-07-20',
      })
      .then((p) => p.id);
    adults.set(membershipId, found);
  }
  return found;
};
/** A fresh invitation's token (a new membership each time: accepting gives the person an account). */
async function invitationToken(): Promise<string> {
  const m = await buildMembership(t);
  const adult = await adultOn(m.id);
  const sent = await t.services.invitations.invite(SYSTEM_ACTOR, m.id, adult, {
    email: `invitado-${++serial}@test.libra.mx`,
  });
  const [message] = await rows<{ body: string }>(
    t.database.handle.db,
    sql`select body_es as body from notifications where subject_key = ${`beneficiary-invitation:${adult}:${sent.id}`}`,
  );
  return /\/invitacion\/([A-Za-z0-9_-]+)/.exec(message?.body ?? '')?.[1] ?? '';
}

/** The customer acts on their own membership; everyone else on someone else's (staff see any). */
const membershipFor = (caller: Caller) => (caller === 'customer' ? ownMembershipId : otherMembershipId);
const READERS: Caller[] = ['customer', 'agent', 'supervisor', 'finance', 'admin', 'partner'];
const WRITERS: Caller[] = ['customer', 'agent', 'supervisor', 'partner'];
/** The customer's view of someone else's membership: as if it did not exist. */
function othersAreHidden(expected: Record<Caller, number>): Record<Caller, number> {
  return { ...expected, customer: 404 };
}
const addChild = async (membershipId: string) =>
  (
    await t.services.beneficiaries.addBeneficiary(SYSTEM_ACTOR, membershipId, {
      kind: 'child',
      fullName: 'Hija Temporal López',
      birthDate: '2015-01-01',
    })
  ).id;

/** A fresh tow case on the membership, offered to the matrix's provider. */
const openCase = (membershipId: string) => buildCase(t, { membershipId, by: 'system' });
const caseFor = async (caller: Caller) => (await openCase(membershipFor(caller))).id;
const pendingOffer = async () => {
  const kase = await openCase(otherMembershipId);
  const [offer] = await t.services.dispatch.offersOfJob(t.database.handle.db, kase.id);
  return offer?.id as string;
};
/** A case the matrix's provider is on its way to. */
const dispatchedCase = async () => {
  const kase = await openCase(otherMembershipId);
  await t.services.onsite.assignByHand(SYSTEM_ACTOR, kase.id, {
    providerId: matrixProviderId,
    reason: 'matriz',
    quoteCentavos: 50_000,
  });
  return kase.id;
};
/** A case of the caller's membership (someone else's for all but the customer), completed. */
const completedCaseFor = async (caller: Caller) => {
  const kase = await openCase(membershipFor(caller));
  await t.services.onsite.assignByHand(SYSTEM_ACTOR, kase.id, {
    providerId: matrixProviderId,
    reason: 'matriz',
    quoteCentavos: 50_000,
  });
  for (const status of ['en_route', 'on_site', 'completed'] as const)
    await t.services.providerJobs.reportStatus(SYSTEM_ACTOR, kase.id, { status });
  return kase.id;
};
/** A new location link of a fresh case (asked by the agent), answering its token. */
const freshLinkToken = async () => {
  const agent = await signIn(t, accounts.get('agent') as TestUser);
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/cases/${(await openCase(otherMembershipId)).id}/location-links`,
    headers: agent.write,
    payload: {},
  });
  return String(res.json().url).split('/').at(-1) as string;
};
const CASE_FOLLOWERS: Caller[] = ['customer', 'agent', 'supervisor', 'admin', 'partner'];
const CASE_WRITERS: Caller[] = ['customer', 'agent', 'supervisor', 'partner'];
const STAFF: Caller[] = ['agent', 'supervisor', 'admin'];
const MISSING_CASE = '01a211f5-0000-7000-8000-00000000cafe';

/** Reimbursement claims: one per membership year, so the matrix shares one per membership. */
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
const claimRequest = (membershipId: string) => ({
  ...towRequest(membershipId),
  serviceCode: 'atm-robbery-protection',
  details: {
    withdrawal: { amountCentavos: 500_000, at: '2026-11-25T03:00:00Z', atm: 'Cajero BBVA, Centro' },
    cardDailyAtmMaximumCentavos: 900_000,
  },
});
/** A claim under review with one document filed. */
const openClaim = async (membershipId: string) => {
  const kase = (await t.services.cases.request(SYSTEM_ACTOR, claimRequest(membershipId) as never, undefined))
    .body;
  const document = await t.services.claims.addDocument(SYSTEM_ACTOR, kase.id, {
    filename: 'denuncia.pdf',
    contentType: 'application/pdf',
    content: PDF,
  });
  return { caseId: kase.id, documentId: document.id };
};
const claims = new Map<string, Promise<{ caseId: string; documentId: string }>>();
const claimOf = (membershipId: string) => {
  if (!claims.has(membershipId)) claims.set(membershipId, openClaim(membershipId));
  return claims.get(membershipId) as Promise<{ caseId: string; documentId: string }>;
};
const claimFor = (caller: Caller) => claimOf(membershipFor(caller));
/** A claim on a membership of its own, for a review that decides it. */
const freshClaim = async () => {
  const agent = await signIn(t, accounts.get('agent') as TestUser);
  return openClaim((await buildMembership(t, { by: agent.write })).id);
};
const DOCUMENT_READERS: Caller[] = ['customer', 'agent', 'supervisor', 'finance', 'admin'];
const PDF_HEADERS = { 'content-type': 'application/pdf' };

/** A paid charge of someone else's membership, and the run that made it (made once). */
let billed: Promise<{ chargeId: string; runId: string }> | undefined;
const billedOnce = () => {
  billed ??= buildCharge(t, { membershipId: otherMembershipId }).then(({ charge, runId }) => ({
    chargeId: charge.id,
    runId,
  }));
  return billed;
};
const CHARGE_READERS: Caller[] = ['customer', 'agent', 'supervisor', 'finance', 'admin', 'partner'];

const MATRIX_FISCAL_DATA = {
  rfc: 'GODE561231GR8',
  name: 'DIEGO GÓMEZ DE LA O',
  fiscalRegime: '605',
  postalCode: '06600',
  cfdiUse: 'S01',
};
const INVOICE_READERS: Caller[] = ['customer', 'agent', 'supervisor', 'finance', 'admin', 'partner'];
let bankMembership: Promise<string> | undefined;
/** A membership the bank contracted (bank channel): the partner key's own. */
const bankMembershipId = () => {
  bankMembership ??= createApiKey(t, 'partner', ['memberships:write']).then(async (key) =>
    agentCleared((await buildMembership(t, { by: bearer(key.key) })).id),
  );
  return bankMembership;
};
/**
 * The matrix's agent checked who is calling about a membership the bank contracted (the gate
 * itself is test/verification-gate.test.ts's; here, who may call the route at all).
 */
async function agentCleared(membershipId: string): Promise<string> {
  await clearForDetails(t, (await signIn(t, accounts.get('agent') as TestUser)).write, membershipId);
  return membershipId;
}
/** A fresh paid charge each call (a new invoice each time). */
const bankPaidCharge = async () =>
  (await buildCharge(t, { membershipId: await freshBankMembership() })).charge.id;
const freshBankMembership = async () => {
  const key = await createApiKey(t, 'partner', ['memberships:write']);
  return agentCleared((await buildMembership(t, { by: bearer(key.key) })).id);
};
const invoiceOf = async (chargeId: string) =>
  (await t.services.invoicing.invoiceCharge(SYSTEM_ACTOR, chargeId, MATRIX_FISCAL_DATA)).invoice.id;
let bankInvoice: Promise<string> | undefined;
/**
 * An invoice of the bank's channel: the bank and staff reach it, a customer does not (their own
 * invoices, after the online trial's months, are test/invoicing.test.ts's).
 */
const bankChannelInvoice = async () => {
  bankInvoice ??= bankMembershipId().then(async (id) =>
    invoiceOf((await buildCharge(t, { membershipId: id })).charge.id),
  );
  return bankInvoice;
};
let bankCharge: Promise<string> | undefined;
/** A paid charge of the bank's channel, made once: its receipt is read by every caller. */
const bankChannelCharge = async () => {
  bankCharge ??= bankMembershipId().then(
    async (id) => (await buildCharge(t, { membershipId: id })).charge.id,
  );
  return bankCharge;
};
const invoiceMembershipFor = async (caller: Caller) =>
  caller === 'customer' ? ownMembershipId : await bankMembershipId();
const othersInvoice = async () => invoiceOf((await billedOnce()).chargeId);
const freshInvoice = async () => invoiceOf(await bankPaidCharge());

/** A phone membership of its own, for a check that cancels it. */
const freshPhoneMembership = async () => {
  const agent = await signIn(t, accounts.get('agent') as TestUser);
  return (await buildMembership(t, { by: agent.write })).id;
};

/** Complaints: a fresh one on the membership for each request that acts on it. */
const complaintBody = (membershipId: string) => ({
  membershipId,
  category: 'service_quality',
  text: 'La grúa llegó dos horas tarde y nadie avisó.',
});
const complaintOn = async (membershipId: string) =>
  (await t.services.complaints.file(SYSTEM_ACTOR, complaintBody(membershipId) as never, undefined)).body.id;
const complaintFor = (caller: Caller) => complaintOn(membershipFor(caller));
const COMPLAINT_FILERS: Caller[] = ['customer', 'agent', 'supervisor', 'partner'];
const COMPLAINT_READERS: Caller[] = ['customer', 'agent', 'supervisor', 'admin', 'partner'];
const COMPLAINT_WORKERS: Caller[] = ['agent', 'supervisor'];

/** ARCO requests: the customer's own, and another customer's (the stranger's), filed afresh. */
const arcoBody = { type: 'access', details: 'Quiero saber qué datos tienen de mí.' };
const arcoOf = async (user: TestUser) => {
  const session = await signIn(t, user);
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/arco-requests',
    headers: session.write,
    payload: arcoBody,
  });
  return res.json().id as string;
};
const ownArco = () => arcoOf(accounts.get('customer') as TestUser);
const othersArco = () => arcoOf(arcoStranger);
/** An answered access request of the stranger: its data may be downloaded. */
const answeredArco = async () => {
  const id = await othersArco();
  const privacy = await signIn(t, accounts.get('privacy') as TestUser);
  await t.app.inject({
    method: 'POST',
    url: `/v1/arco-requests/${id}/answer`,
    headers: privacy.write,
    payload: { decision: 'accepted', reason: 'Te entregamos tus datos.' },
  });
  return id;
};
const ARCO_READERS: Caller[] = ['customer', 'privacy', 'supervisor'];
const ARCO_WORKERS: Caller[] = ['privacy', 'supervisor'];

/** A message to someone else's membership, kept unsent (no channel in tests): one staff may re-send. */
let keptMessage: Promise<string> | undefined;
const resendableMessage = () => {
  keptMessage ??= (async () => {
    const [id] = await t.database.handle.db.transaction((tx) =>
      t.services.notifier.toMember(tx, {
        kind: 'complaint_received',
        membershipId: otherMembershipId,
        params: { complaintNumber: 'LQ-26-000001', dueAt: new Date('2026-12-02T18:00:00Z') },
      }),
    );
    await t.services.outbox.drain();
    return id as string;
  })();
  return keptMessage;
};
const MESSAGE_READERS: Caller[] = ['customer', 'agent', 'supervisor', 'finance', 'admin'];
const PREFERENCE_KEEPERS: Caller[] = ['customer', 'agent', 'supervisor'];
const preferencesBody = { language: 'es', quietHours: true, channels: { charge_failed: ['email', 'sms'] } };

/** Webhook endpoints: the partner's own (made once), another partner key's, and one delivery owed. */
const makeEndpoint = async (key: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: bearer(key),
    payload: { url: 'https://hooks.banco.example/libra' },
  });
  if (res.statusCode !== 201) throw new Error(`endpoint: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
let ownEndpoint: Promise<string> | undefined;
const partnerEndpoint = () => {
  ownEndpoint ??= makeEndpoint(partnerKey);
  return ownEndpoint;
};
let strangerEndpoint: Promise<string> | undefined;
const otherKeysEndpoint = () => {
  strangerEndpoint ??= createApiKey(t, 'partner', ['events:read']).then((k) => makeEndpoint(k.key));
  return strangerEndpoint;
};
let owedDelivery: Promise<{ endpointId: string; deliveryId: string }> | undefined;
const deliveryOwed = () => {
  owedDelivery ??= (async () => {
    const endpointId = await partnerEndpoint();
    await t.database.handle.db.transaction((tx) =>
      t.services.eventLog.record(tx, [
        { type: 'complaint.created', channel: 'bank', data: { matrix: true } },
      ]),
    );
    // On PostgreSQL the event may wait a moment for an older transaction elsewhere to end.
    for (let tries = 0; ; tries++) {
      await t.services.webhookDelivery.fanOut();
      const [row] = await rows<{ id: string }>(
        t.database.handle.db,
        sql`select id from webhook_deliveries where endpoint_id = ${endpointId} limit 1`,
      );
      if (row) return { endpointId, deliveryId: row.id };
      if (tries > 100) throw new Error('no delivery was made');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return owedDelivery;
};
const PARTNER_ONLY = only(['partner'], 200);

/** Test clocks (sandbox): the partner key's own, another key's, and fresh ones to delete. */
const makeClock = async (headers: Record<string, string>) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/test-clocks',
    headers,
    payload: { name: 'Matriz', frozenTime: '2027-01-10T18:00:00Z' },
  });
  if (res.statusCode !== 201) throw new Error(`test clock: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
let ownClock: Promise<string> | undefined;
const partnerClock = () => {
  ownClock ??= makeClock(bearer(partnerKey));
  return ownClock;
};
let strangerClock: Promise<string> | undefined;
const otherKeysClock = () => {
  strangerClock ??= createApiKey(t, 'partner', ['memberships:write']).then((k) => makeClock(bearer(k.key)));
  return strangerClock;
};
const CLOCK_KEEPERS = only(['finance', 'partner'], 200);
/** An import of a header-only members file, made once. */
let importRunId: string | undefined;
async function importRun(): Promise<string> {
  importRunId ??= (
    await t.services.imports.importMembers(
      SYSTEM_ACTOR,
      [`${SALE_COLUMNS.map((c) => c.name).join(',')}\r\n`],
      { source: 'cli' },
    )
  ).id;
  return importRunId;
}

const CHECKS: Record<string, Check> = {
  'GET /v1/events': {
    method: 'GET',
    request: async () => ({ url: '/v1/events?limit=5' }),
    expected: only(['finance', 'supervisor', 'partner'], 200),
  },
  'POST /v1/webhook-endpoints': {
    method: 'POST',
    request: async () => ({
      url: '/v1/webhook-endpoints',
      payload: { url: 'https://hooks.banco.example/b' },
    }),
    expected: only(['partner'], 201),
  },
  'GET /v1/webhook-endpoints': {
    method: 'GET',
    request: async () => ({ url: '/v1/webhook-endpoints' }),
    expected: PARTNER_ONLY,
  },
  'GET /v1/webhook-endpoints/{id}': {
    method: 'GET',
    request: async () => ({ url: `/v1/webhook-endpoints/${await partnerEndpoint()}` }),
    expected: PARTNER_ONLY,
  },
  'GET /v1/webhook-endpoints/{id} (another key’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/webhook-endpoints/${await otherKeysEndpoint()}` }),
    expected: only(['partner'], 404),
  },
  'POST /v1/test-clocks': {
    method: 'POST',
    request: async () => ({
      url: '/v1/test-clocks',
      payload: { name: 'Matriz', frozenTime: '2027-01-10T18:00:00Z' },
    }),
    expected: only(['finance', 'partner'], 201),
  },
  'GET /v1/test-clocks': {
    method: 'GET',
    request: async () => ({ url: '/v1/test-clocks' }),
    expected: CLOCK_KEEPERS,
  },
  'GET /v1/test-clocks/{id}': {
    method: 'GET',
    request: async () => ({ url: `/v1/test-clocks/${await partnerClock()}` }),
    expected: CLOCK_KEEPERS,
  },
  'GET /v1/test-clocks/{id} (another key’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/test-clocks/${await otherKeysClock()}` }),
    expected: { ...CLOCK_KEEPERS, partner: 404 },
  },
  'POST /v1/test-clocks/{id}/advance': {
    method: 'POST',
    // Every caller asks for the same time: the first moves the clock, the others find it there.
    request: async () => ({
      url: `/v1/test-clocks/${await partnerClock()}/advance`,
      payload: { to: '2027-01-11T18:00:00Z' },
    }),
    expected: CLOCK_KEEPERS,
  },
  'DELETE /v1/test-clocks/{id}': {
    method: 'DELETE',
    // Who may delete deletes a fresh clock of the partner's.
    request: async (caller) => ({
      url: `/v1/test-clocks/${caller === 'partner' || caller === 'finance' ? await makeClock(bearer(partnerKey)) : await partnerClock()}`,
    }),
    expected: CLOCK_KEEPERS,
  },
  'DELETE /v1/webhook-endpoints/{id}': {
    method: 'DELETE',
    // The partner's request deletes the endpoint it names: a fresh one.
    request: async (caller) => ({
      url: `/v1/webhook-endpoints/${caller === 'partner' ? await makeEndpoint(partnerKey) : await partnerEndpoint()}`,
    }),
    expected: only(['partner'], 204),
  },
  'POST /v1/webhook-endpoints/{id}/secret-rotations': {
    method: 'POST',
    request: async () => ({
      url: `/v1/webhook-endpoints/${await partnerEndpoint()}/secret-rotations`,
      payload: { previousSecretHours: 1 },
    }),
    expected: PARTNER_ONLY,
  },
  'POST /v1/webhook-endpoints/{id}/enable': {
    method: 'POST',
    request: async () => ({ url: `/v1/webhook-endpoints/${await partnerEndpoint()}/enable`, payload: {} }),
    expected: PARTNER_ONLY,
  },
  'GET /v1/webhook-endpoints/{id}/deliveries': {
    method: 'GET',
    request: async () => ({ url: `/v1/webhook-endpoints/${await partnerEndpoint()}/deliveries` }),
    expected: PARTNER_ONLY,
  },
  'POST /v1/webhook-endpoints/{id}/deliveries/{deliveryId}/replay': {
    method: 'POST',
    request: async () => {
      const { endpointId, deliveryId } = await deliveryOwed();
      return { url: `/v1/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/replay`, payload: {} };
    },
    expected: only(['partner'], 202),
  },
  'POST /v1/webhook-endpoints/{id}/deliveries/{deliveryId}/replay (another key’s)': {
    method: 'POST',
    request: async () => {
      const { deliveryId } = await deliveryOwed();
      return {
        url: `/v1/webhook-endpoints/${await otherKeysEndpoint()}/deliveries/${deliveryId}/replay`,
        payload: {},
      };
    },
    expected: only(['partner'], 404),
  },
  'GET /v1/memberships/{id}/messages': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}/messages` }),
    expected: only(MESSAGE_READERS, 200),
  },
  'GET /v1/memberships/{id}/messages (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/messages` }),
    expected: othersAreHidden(only(MESSAGE_READERS, 200)),
  },
  'POST /v1/messages/{id}/resend': {
    method: 'POST',
    request: async () => ({ url: `/v1/messages/${await resendableMessage()}/resend`, payload: {} }),
    expected: only(['agent', 'supervisor'], 201),
  },
  'GET /v1/memberships/{id}/notification-preferences': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}/notification-preferences` }),
    expected: only(PREFERENCE_KEEPERS, 200),
  },
  'GET /v1/memberships/{id}/notification-preferences (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/notification-preferences` }),
    expected: othersAreHidden(only(PREFERENCE_KEEPERS, 200)),
  },
  'PUT /v1/memberships/{id}/notification-preferences': {
    method: 'PUT',
    request: async (caller) => ({
      url: `/v1/memberships/${membershipFor(caller)}/notification-preferences`,
      payload: preferencesBody,
    }),
    expected: only(PREFERENCE_KEEPERS, 200),
  },
  'PUT /v1/memberships/{id}/notification-preferences (someone else’s)': {
    method: 'PUT',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/notification-preferences`,
      payload: preferencesBody,
    }),
    expected: othersAreHidden(only(PREFERENCE_KEEPERS, 200)),
  },
  'GET /v1/memberships/{id}/cancellation': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}/cancellation` }),
    expected: only(['customer', 'agent', 'supervisor'], 200),
  },
  // Someone else's phone membership: staff cancel it, the customer cannot even see it.
  'POST /v1/memberships/{id}/cancellation': {
    method: 'POST',
    request: async () => ({
      url: `/v1/memberships/${await freshPhoneMembership()}/cancellation`,
      payload: { reason: 'matriz' },
    }),
    expected: othersAreHidden(only(['customer', 'agent', 'supervisor'], 201)),
  },
  'POST /v1/complaints': {
    method: 'POST',
    request: async (caller) => ({ url: '/v1/complaints', payload: complaintBody(membershipFor(caller)) }),
    expected: only(COMPLAINT_FILERS, 201),
  },
  'POST /v1/complaints (someone else’s)': {
    method: 'POST',
    request: async () => ({ url: '/v1/complaints', payload: complaintBody(otherMembershipId) }),
    expected: othersAreHidden(only(COMPLAINT_FILERS, 201)),
  },
  // Staff see every complaint, a customer their own; the bank reads by id only.
  'GET /v1/complaints': {
    method: 'GET',
    request: async () => ({ url: '/v1/complaints?limit=5' }),
    expected: only(['customer', 'agent', 'supervisor', 'admin'], 200),
  },
  'GET /v1/complaints/{id}': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/complaints/${await complaintFor(caller)}` }),
    expected: only(COMPLAINT_READERS, 200),
  },
  'GET /v1/complaints/{id} (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/complaints/${await complaintOn(otherMembershipId)}` }),
    expected: othersAreHidden(only(COMPLAINT_READERS, 200)),
  },
  'POST /v1/complaints/{id}/take': {
    method: 'POST',
    request: async () => ({ url: `/v1/complaints/${await complaintOn(otherMembershipId)}/take` }),
    expected: only(COMPLAINT_WORKERS, 200),
  },
  'POST /v1/complaints/{id}/notes': {
    method: 'POST',
    request: async () => ({
      url: `/v1/complaints/${await complaintOn(otherMembershipId)}/notes`,
      payload: { note: 'Llamé a la clienta; espera respuesta.' },
    }),
    expected: only(COMPLAINT_WORKERS, 200),
  },
  // An open complaint is taken before it is resolved: workers reach the rule (409).
  'POST /v1/complaints/{id}/resolve': {
    method: 'POST',
    request: async () => ({
      url: `/v1/complaints/${await complaintOn(otherMembershipId)}/resolve`,
      payload: { resolution: 'Se reembolsa el cobro del mes y se reporta al proveedor.' },
    }),
    expected: only(COMPLAINT_WORKERS, 409),
  },
  'POST /v1/complaints/{id}/escalate': {
    method: 'POST',
    request: async () => ({
      url: `/v1/complaints/${await complaintOn(otherMembershipId)}/escalate`,
      payload: { note: 'Pide hablar con supervisión.' },
    }),
    expected: only(COMPLAINT_WORKERS, 200),
  },
  'GET /v1/memberships/{id}/charges': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}/charges` }),
    expected: only(CHARGE_READERS, 200),
  },
  'GET /v1/memberships/{id}/charges (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/charges` }),
    expected: othersAreHidden(only(CHARGE_READERS, 200)),
  },
  'GET /v1/charges': {
    method: 'GET',
    request: async () => ({ url: '/v1/charges?status=succeeded&limit=5' }),
    expected: only(['finance', 'admin'], 200),
  },
  'GET /v1/charges/export': {
    method: 'GET',
    request: async () => ({ url: '/v1/charges/export?status=succeeded' }),
    expected: only(['finance', 'admin'], 200),
  },
  // Finance's exports: refunds and memberships are finance's (and admin's), cases supervisors' too.
  'GET /v1/refunds/export': {
    method: 'GET',
    request: async () => ({ url: '/v1/refunds/export?status=succeeded' }),
    expected: only(['finance', 'admin'], 200),
  },
  'GET /v1/memberships/export': {
    method: 'GET',
    request: async () => ({ url: '/v1/memberships/export?state=active' }),
    expected: only(['finance', 'admin'], 200),
  },
  'GET /v1/cases/export': {
    method: 'GET',
    request: async () => ({ url: '/v1/cases/export?fulfilment=dispatch' }),
    expected: only(['supervisor', 'finance', 'admin'], 200),
  },
  // The bank's direct-debit files are finance's: they move money.
  'GET /v1/direct-debits/{date}/file': {
    method: 'GET',
    request: async () => ({ url: '/v1/direct-debits/2026-01-02/file' }),
    expected: only(['finance'], 200),
  },
  'POST /v1/imports/direct-debit-answers': {
    method: 'POST',
    request: async () => ({
      url: '/v1/imports/direct-debit-answers',
      payload: 'referencia,resultado,motivo\r\nLP-26-999999-202601-1,aprobado,\r\n',
      headers: { 'content-type': 'text/csv' },
    }),
    expected: only(['finance'], 200),
  },
  // The bank's members file: finance imports it; finance and admin read the runs and reports.
  'POST /v1/imports/members': {
    method: 'POST',
    request: async () => ({
      url: '/v1/imports/members',
      payload: `${SALE_COLUMNS.map((c) => c.name).join(',')}\r\n`,
      headers: { 'content-type': 'text/csv' },
    }),
    expected: only(['finance'], 201),
  },
  'GET /v1/imports/{id}': {
    method: 'GET',
    request: async () => ({ url: `/v1/imports/${await importRun()}` }),
    expected: only(['finance', 'admin'], 200),
  },
  'GET /v1/imports/{id}/errors.csv': {
    method: 'GET',
    request: async () => ({ url: `/v1/imports/${await importRun()}/errors.csv` }),
    expected: only(['finance', 'admin'], 200),
  },
  'GET /v1/charges/{id} (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/charges/${(await billedOnce()).chargeId}` }),
    expected: othersAreHidden(only(CHARGE_READERS, 200)),
  },
  // A paid charge: finance reaches the rule (nothing to retry), everyone else the policy.
  'POST /v1/charges/{id}/retry': {
    method: 'POST',
    request: async () => ({ url: `/v1/charges/${(await billedOnce()).chargeId}/retry` }),
    expected: only(['finance'], 409),
  },
  'POST /v1/charges/{id}/refunds': {
    method: 'POST',
    request: async () => ({
      url: `/v1/charges/${(await billedOnce()).chargeId}/refunds`,
      payload: { amountCentavos: 1, reason: 'matriz' },
    }),
    expected: only(['finance'], 201),
  },
  // Invoices: a charge's customer, agents, finance and the bank (its channel) ask for it.
  'POST /v1/charges/{id}/invoice': {
    method: 'POST',
    request: async () => ({
      url: `/v1/charges/${await bankPaidCharge()}/invoice`,
      payload: MATRIX_FISCAL_DATA,
    }),
    // A customer's own charge is invoiced in test/invoicing.test.ts (it is paid after the trial).
    expected: { ...only(['customer', 'agent', 'finance', 'partner'], 201), customer: 404 },
  },
  'POST /v1/charges/{id}/invoice (someone else’s)': {
    method: 'POST',
    request: async () => {
      // Invoiced already: asking again answers the same invoice (200) to whoever may reach it.
      await othersInvoice();
      return { url: `/v1/charges/${(await billedOnce()).chargeId}/invoice`, payload: {} };
    },
    // The phone channel's charge: the bank's key reaches only its own channel's.
    expected: { ...only(['customer', 'agent', 'finance', 'partner'], 200), customer: 404, partner: 404 },
  },
  'GET /v1/invoices/{id}': {
    method: 'GET',
    request: async () => ({ url: `/v1/invoices/${await bankChannelInvoice()}` }),
    expected: othersAreHidden(only(INVOICE_READERS, 200)),
  },
  'GET /v1/invoices/{id} (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/invoices/${await othersInvoice()}` }),
    expected: { ...only(INVOICE_READERS, 200), customer: 404, partner: 404 },
  },
  'GET /v1/invoices/{id}/xml': {
    method: 'GET',
    request: async () => ({ url: `/v1/invoices/${await bankChannelInvoice()}/xml` }),
    expected: othersAreHidden(only(INVOICE_READERS, 200)),
  },
  'GET /v1/invoices/{id}/pdf': {
    method: 'GET',
    request: async () => ({ url: `/v1/invoices/${await bankChannelInvoice()}/pdf` }),
    expected: othersAreHidden(only(INVOICE_READERS, 200)),
  },
  // Any paid charge's receipt as a PDF: who reads invoices reads it (the bank its channel's).
  'GET /v1/charges/{id}/receipt.pdf': {
    method: 'GET',
    request: async () => ({ url: `/v1/charges/${await bankChannelCharge()}/receipt.pdf` }),
    expected: othersAreHidden(only(INVOICE_READERS, 200)),
  },
  'GET /v1/charges/{id}/receipt.pdf (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/charges/${(await billedOnce()).chargeId}/receipt.pdf` }),
    expected: { ...only(INVOICE_READERS, 200), customer: 404, partner: 404 },
  },
  'POST /v1/invoices/{id}/cancellation': {
    method: 'POST',
    request: async () => ({
      url: `/v1/invoices/${await freshInvoice()}/cancellation`,
      payload: { reason: '02' },
    }),
    expected: only(['finance'], 200),
  },
  'POST /v1/invoices/{id}/substitution': {
    method: 'POST',
    // The stored fiscal data: the matrix's agent checked the caller about the fresh membership.
    request: async () => ({ url: `/v1/invoices/${await freshInvoice()}/substitution`, payload: {} }),
    expected: only(['agent', 'finance'], 201),
  },
  'POST /v1/invoices/global': {
    method: 'POST',
    request: async () => ({ url: '/v1/invoices/global', payload: { period: '2026-10' } }),
    expected: only(['finance'], 200),
  },
  'GET /v1/memberships/{id}/invoices': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${await invoiceMembershipFor(caller)}/invoices` }),
    expected: only(INVOICE_READERS, 200),
  },
  'GET /v1/memberships/{id}/fiscal-data': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${await invoiceMembershipFor(caller)}/fiscal-data` }),
    expected: only(INVOICE_READERS, 200),
  },
  'PUT /v1/memberships/{id}/fiscal-data': {
    method: 'PUT',
    request: async (caller) => ({
      url: `/v1/memberships/${await invoiceMembershipFor(caller)}/fiscal-data`,
      payload: MATRIX_FISCAL_DATA,
    }),
    expected: only(['customer', 'agent', 'supervisor', 'finance', 'partner'], 200),
  },
  'POST /v1/billing/runs': {
    method: 'POST',
    request: async () => ({ url: '/v1/billing/runs', payload: {} }),
    expected: only(['finance'], 202),
  },
  'GET /v1/billing/runs': {
    method: 'GET',
    request: async () => ({ url: '/v1/billing/runs' }),
    expected: only(['finance', 'admin'], 200),
  },
  'GET /v1/billing/runs/{id}': {
    method: 'GET',
    request: async () => ({ url: `/v1/billing/runs/${(await billedOnce()).runId}` }),
    expected: only(['finance', 'admin'], 200),
  },
  'POST /v1/cases': {
    method: 'POST',
    request: async (caller) => ({ url: '/v1/cases', payload: towRequest(membershipFor(caller)) }),
    expected: only(CASE_WRITERS, 201),
  },
  'POST /v1/cases (someone else’s)': {
    method: 'POST',
    request: async () => ({ url: '/v1/cases', payload: towRequest(otherMembershipId) }),
    expected: othersAreHidden(only(CASE_WRITERS, 201)),
  },
  'GET /v1/cases': {
    method: 'GET',
    request: async () => ({ url: '/v1/cases?limit=5' }),
    expected: only(['customer', 'agent', 'supervisor', 'finance', 'admin'], 200),
  },
  'GET /v1/cases/{id}': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/cases/${await caseFor(caller)}` }),
    // Finance reaches claims only: a tow case is not there for it.
    expected: { ...only(CASE_FOLLOWERS, 200), finance: 404 },
  },
  // console-agent: the dispatch board's providers by distance and ETA (staff who dispatch).
  'GET /v1/cases/{id}/candidates': {
    method: 'GET',
    request: async () => ({ url: `/v1/cases/${(await openCase(otherMembershipId)).id}/candidates` }),
    expected: only(['agent', 'supervisor', 'admin'], 200),
  },
  'GET /v1/cases/{id} (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/cases/${(await openCase(otherMembershipId)).id}` }),
    expected: { ...othersAreHidden(only(CASE_FOLLOWERS, 200)), finance: 404 },
  },
  // console-queues: the case board's live feed (staff who work cases).
  'GET /v1/cases/live': {
    method: 'GET',
    request: async () => ({ url: '/v1/cases/live' }),
    expected: only(['agent', 'supervisor'], 200),
    stream: true,
  },
  // A stream never ends, so the matrix asks for a case that does not exist: the policy answers first.
  'GET /v1/cases/{id}/events': {
    method: 'GET',
    request: async () => ({ url: `/v1/cases/${MISSING_CASE}/events` }),
    expected: only([...CASE_FOLLOWERS, 'finance'], 404),
  },
  // issue 23: the customer rates their own completed case; providers tell the unit on its way.
  'POST /v1/cases/{id}/rating': {
    method: 'POST',
    request: async (caller) => ({
      url: `/v1/cases/${await completedCaseFor(caller)}/rating`,
      payload: { score: 5, comment: 'matriz' },
    }),
    expected: only(['customer'], 201),
  },
  'POST /v1/cases/{id}/rating (someone else’s)': {
    method: 'POST',
    request: async () => ({
      url: `/v1/cases/${await completedCaseFor('agent')}/rating`,
      payload: { score: 5 },
    }),
    expected: { ...only(['customer'], 201), customer: 404 },
  },
  'PUT /v1/cases/{id}/unit': {
    method: 'PUT',
    request: async () => ({
      url: `/v1/cases/${await dispatchedCase()}/unit`,
      payload: { driverName: 'Juan Pérez', vehicle: 'Grúa plataforma', plates: 'ABC-123' },
    }),
    expected: only(['agent', 'supervisor', 'provider'], 200),
  },
  'POST /v1/cases/{id}/cancel': {
    method: 'POST',
    request: async (caller) => ({
      url: `/v1/cases/${await caseFor(caller)}/cancel`,
      payload: { reason: 'matriz' },
    }),
    expected: only(CASE_WRITERS, 200),
  },
  'POST /v1/cases/{id}/cancel (someone else’s)': {
    method: 'POST',
    request: async () => ({
      url: `/v1/cases/${(await openCase(otherMembershipId)).id}/cancel`,
      payload: { reason: 'matriz' },
    }),
    expected: othersAreHidden(only(CASE_WRITERS, 200)),
  },
  // A case without a quote pending: allowed callers reach the rule (409), others the policy.
  'POST /v1/cases/{id}/excess-acceptance': {
    method: 'POST',
    request: async (caller) => ({
      url: `/v1/cases/${await caseFor(caller)}/excess-acceptance`,
      payload: { accept: true },
    }),
    expected: only(CASE_WRITERS, 409),
  },
  'POST /v1/cases/{id}/assignment': {
    method: 'POST',
    request: async () => ({
      url: `/v1/cases/${(await openCase(otherMembershipId)).id}/assignment`,
      payload: { providerId: matrixProviderId, reason: 'matriz', quoteCentavos: 50_000 },
    }),
    expected: only(['agent', 'supervisor'], 200),
  },
  'POST /v1/cases/{id}/status': {
    method: 'POST',
    request: async () => ({
      url: `/v1/cases/${await dispatchedCase()}/status`,
      payload: { status: 'en_route' },
    }),
    expected: only(['agent', 'supervisor', 'provider'], 200),
  },
  // issue 22: the console's draggable pin corrects the place (agents and supervisors).
  'PUT /v1/cases/{id}/place': {
    method: 'PUT',
    request: async () => ({
      url: `/v1/cases/${(await openCase(otherMembershipId)).id}/place`,
      payload: { lat: 19.4342, lng: -99.1386 },
    }),
    expected: only(['agent', 'supervisor'], 200),
  },
  'POST /v1/cases/{id}/location-links': {
    method: 'POST',
    request: async () => ({
      url: `/v1/cases/${(await openCase(otherMembershipId)).id}/location-links`,
      payload: { phone: '33 1234 5678' },
    }),
    expected: only(['agent', 'supervisor'], 201),
  },
  // The link's token is the key: anyone holding it reads its state and shares once (a fresh link each).
  'GET /v1/location-links/{token}': {
    method: 'GET',
    request: async () => ({ url: `/v1/location-links/${await freshLinkToken()}` }),
    expected: everyone(200),
  },
  'POST /v1/location-links/{token}': {
    method: 'POST',
    request: async () => ({
      url: `/v1/location-links/${await freshLinkToken()}`,
      payload: { lat: 20.6736, lng: -103.344, accuracyM: 25 },
    }),
    expected: everyone(200),
  },
  'GET /v1/sla-targets': {
    method: 'GET',
    request: async () => ({ url: '/v1/sla-targets' }),
    expected: only(STAFF, 200),
  },
  'PUT /v1/sla-targets/{serviceCode}': {
    method: 'PUT',
    request: async () => ({
      url: '/v1/sla-targets/tow-truck',
      payload: { dispatchMinutes: 15, arrivalMinutes: 45 },
    }),
    expected: only(['supervisor', 'admin'], 200),
  },
  'GET /v1/providers': {
    method: 'GET',
    request: async () => ({ url: '/v1/providers?serviceCode=tow-truck' }),
    expected: only([...STAFF, 'customer', 'partner'], 200),
  },
  'GET /v1/providers/{id}/slots': {
    method: 'GET',
    request: async () => ({ url: `/v1/providers/${matrixProviderId}/slots` }),
    expected: only([...STAFF, 'customer', 'partner', 'provider'], 200),
  },
  // The matrix's provider gives tows, not appointments: the rule answers (422) once the policy lets it by.
  'POST /v1/provider/slots': {
    method: 'POST',
    request: async () => ({
      url: '/v1/provider/slots',
      payload: {
        serviceCode: 'specialist-consultation',
        startsAt: '2027-01-10T16:00:00Z',
        durationMinutes: 30,
        capacity: 1,
      },
    }),
    expected: only(['provider'], 422),
  },
  'GET /v1/remote/queue': {
    method: 'GET',
    request: async () => ({ url: '/v1/remote/queue' }),
    expected: only(['supervisor', 'doctor', 'lawyer', 'medical_supervisor'], 200),
  },
  // A case that does not exist: those the policy lets by reach the rule (404).
  'POST /v1/cases/{id}/take': {
    method: 'POST',
    request: async () => ({ url: `/v1/cases/${MISSING_CASE}/take` }),
    expected: only(['doctor', 'lawyer'], 404),
  },
  'POST /v1/cases/{id}/outcome': {
    method: 'POST',
    request: async () => ({ url: `/v1/cases/${MISSING_CASE}/outcome`, payload: { note: 'nota de prueba' } }),
    expected: only(['doctor', 'lawyer'], 404),
  },
  // A tow case has no notes: those the policy lets by reach the rule (404).
  'GET /v1/cases/{id}/notes': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/cases/${await caseFor(caller)}/notes` }),
    expected: only(['customer', 'supervisor', 'doctor', 'lawyer', 'medical_supervisor'], 404),
  },
  // A tow case is not booked: allowed callers reach the rule (409), others the policy.
  'POST /v1/cases/{id}/booking': {
    method: 'POST',
    request: async (caller) => ({
      url: `/v1/cases/${await caseFor(caller)}/booking`,
      payload: { slotId: MISSING_CASE },
    }),
    expected: only(CASE_WRITERS, 409),
  },
  'POST /v1/cases/{id}/documents': {
    method: 'POST',
    request: async (caller) => ({
      url: `/v1/cases/${(await claimFor(caller)).caseId}/documents?filename=denuncia.pdf`,
      payload: PDF,
      headers: PDF_HEADERS,
    }),
    expected: only(CASE_WRITERS, 201),
  },
  'POST /v1/cases/{id}/documents (someone else’s)': {
    method: 'POST',
    request: async () => ({
      url: `/v1/cases/${(await claimOf(otherMembershipId)).caseId}/documents?filename=denuncia.pdf`,
      payload: PDF,
      headers: PDF_HEADERS,
    }),
    expected: othersAreHidden(only(CASE_WRITERS, 201)),
  },
  // Evidence is for the customer and staff: never providers or partners.
  'GET /v1/cases/{id}/documents': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/cases/${(await claimFor(caller)).caseId}/documents` }),
    expected: only(DOCUMENT_READERS, 200),
  },
  'GET /v1/cases/{id}/documents (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/cases/${(await claimOf(otherMembershipId)).caseId}/documents` }),
    expected: othersAreHidden(only(DOCUMENT_READERS, 200)),
  },
  'GET /v1/cases/{id}/documents/{documentId}': {
    method: 'GET',
    request: async (caller) => {
      const { caseId, documentId } = await claimFor(caller);
      return { url: `/v1/cases/${caseId}/documents/${documentId}` };
    },
    expected: only(DOCUMENT_READERS, 200),
  },
  'GET /v1/cases/{id}/documents/{documentId} (someone else’s)': {
    method: 'GET',
    request: async () => {
      const { caseId, documentId } = await claimOf(otherMembershipId);
      return { url: `/v1/cases/${caseId}/documents/${documentId}` };
    },
    expected: othersAreHidden(only(DOCUMENT_READERS, 200)),
  },
  'POST /v1/cases/{id}/review': {
    method: 'POST',
    request: async () => ({
      url: `/v1/cases/${(await freshClaim()).caseId}/review`,
      payload: { decision: 'reject', reason: 'matriz' },
    }),
    expected: only(['supervisor', 'finance'], 200),
  },
  'POST /v1/providers': {
    method: 'POST',
    request: async () => ({
      url: '/v1/providers',
      payload: {
        name: `Grúas Matriz ${++serial}`,
        phone: '55 5555 0000',
        services: ['tow-truck'],
        coverage: { kind: 'states', states: ['YUC'] },
        location: { lat: 20.97, lng: -89.62 },
        capacity: 1,
      },
    }),
    expected: only(['admin'], 201),
  },
  'GET /v1/providers/{id}': {
    method: 'GET',
    request: async () => ({ url: `/v1/providers/${matrixProviderId}` }),
    expected: only(STAFF, 200),
  },
  'PUT /v1/providers/{id}/availability': {
    method: 'PUT',
    request: async () => ({
      url: `/v1/providers/${matrixProviderId}/availability`,
      payload: { capacity: 1000 },
    }),
    expected: only(['supervisor', 'admin'], 200),
  },
  'GET /v1/provider/offers': {
    method: 'GET',
    request: async () => ({ url: '/v1/provider/offers' }),
    expected: only(['provider'], 200),
  },
  'GET /v1/provider/jobs': {
    method: 'GET',
    request: async () => ({ url: '/v1/provider/jobs' }),
    expected: only(['provider'], 200),
  },
  'POST /v1/offers/{id}/accept': {
    method: 'POST',
    request: async () => ({
      url: `/v1/offers/${await pendingOffer()}/accept`,
      payload: { quoteCentavos: 50_000 },
    }),
    expected: only(['provider'], 200),
  },
  'POST /v1/offers/{id}/decline': {
    method: 'POST',
    request: async () => ({ url: `/v1/offers/${await pendingOffer()}/decline`, payload: {} }),
    expected: only(['provider'], 204),
  },
  'PUT /v1/provider/location': {
    method: 'PUT',
    request: async () => ({ url: '/v1/provider/location', payload: { lat: 19.44, lng: -99.13 } }),
    expected: only(['provider'], 200),
  },
  'PUT /v1/provider/availability': {
    method: 'PUT',
    request: async () => ({ url: '/v1/provider/availability', payload: { available: true } }),
    expected: only(['provider'], 200),
  },
  // --- provider app (issue 11): one job by id, and the provider's own record ---
  'GET /v1/provider/jobs/{id}': {
    method: 'GET',
    request: async () => ({ url: `/v1/provider/jobs/${await dispatchedCase()}` }),
    expected: only(['provider'], 200),
  },
  'GET /v1/provider': {
    method: 'GET',
    request: async () => ({ url: '/v1/provider' }),
    expected: only(['provider'], 200),
  },
  'GET /v1/legal': { method: 'GET', request: async () => ({ url: '/v1/legal' }), expected: everyone(200) },
  'POST /v1/memberships': {
    method: 'POST',
    request: async (caller) => ({
      url: '/v1/memberships',
      payload: contractBody(
        await tokenize(t),
        caller === 'anonymous' ? { account: { password: 'mi contraseña segura' } } : {},
      ),
    }),
    // Public (online contracting needs no account), but only sales channels may contract.
    expected: { ...only(['anonymous', 'agent', 'supervisor', 'partner'], 201), customer: 409 },
  },
  'POST /v1/memberships/validation': {
    method: 'POST',
    request: async (caller) => {
      const { planCode, titular } = contractBody('unused');
      return {
        url: '/v1/memberships/validation',
        payload: {
          planCode,
          titular,
          ...(caller === 'anonymous' ? { account: { password: 'mi contraseña segura' } } : {}),
        },
      };
    },
    // Whoever may contract may check a contracting first; it writes nothing. The matrix's customer
    // has a live membership already, as in the row above.
    expected: { ...only(['anonymous', 'agent', 'supervisor', 'partner'], 204), customer: 409 },
  },
  'GET /v1/memberships': {
    method: 'GET',
    request: async () => ({ url: '/v1/memberships?q=lopez' }),
    expected: only(['agent', 'supervisor', 'finance', 'admin'], 200),
  },
  'GET /v1/me/memberships': {
    method: 'GET',
    request: async () => ({ url: '/v1/me/memberships' }),
    expected: only(['customer'], 200),
  },
  // A beneficiary's own account only (test/beneficiary-portal.test.ts): the matrix's customer is a titular.
  'GET /v1/me/coverage': {
    method: 'GET',
    request: async () => ({ url: '/v1/me/coverage' }),
    expected: only(['customer'], 404),
  },
  'GET /v1/memberships/{id}': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}` }),
    expected: only(READERS, 200),
  },
  'GET /v1/memberships/{id} (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}` }),
    expected: othersAreHidden(only(READERS, 200)),
  },
  'GET /v1/memberships/{id}/verification': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/verification` }),
    expected: only(['agent', 'supervisor'], 200),
  },
  'POST /v1/memberships/{id}/verifications': {
    method: 'POST',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/verifications`,
      payload: { skipReason: 'Matriz de acceso: quien llama no recuerda los datos' },
    }),
    expected: only(['agent', 'supervisor'], 201),
  },
  'POST /v1/eligibility/checks': {
    method: 'POST',
    request: async (caller) => ({
      url: '/v1/eligibility/checks',
      payload: { membershipId: membershipFor(caller), personId: 'titular', serviceCode: 'online-doctor' },
    }),
    // The matrix's partner key holds memberships scopes, not eligibility:read.
    expected: only(['customer', 'agent', 'supervisor'], 200),
  },
  'POST /v1/eligibility/checks (someone else’s)': {
    method: 'POST',
    request: async () => ({
      url: '/v1/eligibility/checks',
      payload: { membershipId: otherMembershipId, personId: 'titular', serviceCode: 'online-doctor' },
    }),
    expected: othersAreHidden(only(['customer', 'agent', 'supervisor'], 200)),
  },
  'GET /v1/memberships/{id}/usage': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}/usage` }),
    expected: only(READERS, 200),
  },
  'GET /v1/memberships/{id}/usage (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/usage` }),
    expected: othersAreHidden(only(READERS, 200)),
  },
  'GET /v1/memberships/{id}/events': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}/events` }),
    expected: only(READERS, 200),
  },
  'GET /v1/memberships/{id}/events (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/events` }),
    expected: othersAreHidden(only(READERS, 200)),
  },
  'PUT /v1/memberships/{id}/card': {
    method: 'PUT',
    request: async (caller) => ({
      url: `/v1/memberships/${membershipFor(caller)}/card`,
      payload: { cardToken: await tokenize(t) },
    }),
    expected: only(WRITERS, 200),
  },
  'PUT /v1/memberships/{id}/card (someone else’s)': {
    method: 'PUT',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/card`,
      payload: { cardToken: await tokenize(t) },
    }),
    expected: othersAreHidden(only(WRITERS, 200)),
  },
  'PUT /v1/memberships/{id}/contact': {
    method: 'PUT',
    request: async (caller) => ({
      url: `/v1/memberships/${membershipFor(caller)}/contact`,
      payload: { phone: '55 8765 4321' },
    }),
    expected: only(WRITERS, 200),
  },
  'PUT /v1/memberships/{id}/contact (someone else’s)': {
    method: 'PUT',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/contact`,
      payload: { phone: '55 8765 4321' },
    }),
    expected: othersAreHidden(only(WRITERS, 200)),
  },
  'GET /v1/memberships/{id}/beneficiaries': {
    method: 'GET',
    request: async (caller) => ({ url: `/v1/memberships/${membershipFor(caller)}/beneficiaries` }),
    expected: only(READERS, 200),
  },
  'GET /v1/memberships/{id}/beneficiaries (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/beneficiaries` }),
    expected: othersAreHidden(only(READERS, 200)),
  },
  'POST /v1/memberships/{id}/beneficiaries': {
    method: 'POST',
    request: async (caller) => ({
      url: `/v1/memberships/${membershipFor(caller)}/beneficiaries`,
      payload: { kind: 'child', fullName: 'Hijo Nuevo López', birthDate: '2016-02-02' },
    }),
    expected: only(WRITERS, 201),
  },
  'POST /v1/memberships/{id}/beneficiaries (someone else’s)': {
    method: 'POST',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/beneficiaries`,
      payload: { kind: 'child', fullName: 'Hijo Nuevo López', birthDate: '2016-02-02' },
    }),
    expected: othersAreHidden(only(WRITERS, 201)),
  },
  'DELETE /v1/memberships/{id}/beneficiaries/{beneficiaryId}': {
    method: 'DELETE',
    request: async (caller) => {
      const membershipId = membershipFor(caller);
      return { url: `/v1/memberships/${membershipId}/beneficiaries/${await addChild(membershipId)}` };
    },
    expected: only(WRITERS, 204),
  },
  'DELETE /v1/memberships/{id}/beneficiaries/{beneficiaryId} (someone else’s)': {
    method: 'DELETE',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/beneficiaries/${await addChild(otherMembershipId)}`,
    }),
    expected: othersAreHidden(only(WRITERS, 204)),
  },
  'GET /v1/plans': { method: 'GET', request: async () => ({ url: '/v1/plans' }), expected: everyone(200) },
  'GET /v1/plans/{code}': {
    method: 'GET',
    request: async () => ({ url: '/v1/plans/libra-plus' }),
    expected: everyone(200),
  },
  'GET /health': { method: 'GET', request: async () => ({ url: '/health' }), expected: everyone(200) },
  'GET /health/live': {
    method: 'GET',
    request: async () => ({ url: '/health/live' }),
    expected: everyone(200),
  },
  'GET /health/ready': {
    method: 'GET',
    request: async () => ({ url: '/health/ready' }),
    expected: everyone(200),
  },
  'GET /v1/web-config': {
    method: 'GET',
    request: async () => ({ url: '/v1/web-config' }),
    expected: everyone(200),
  },
  'GET /openapi.json': {
    method: 'GET',
    request: async () => ({ url: '/openapi.json' }),
    expected: everyone(200),
  },
  'GET /metrics': {
    method: 'GET',
    request: async () => ({ url: '/metrics' }),
    expected: only(['supervisor', 'admin', 'metrics'], 200),
  },
  'GET /v1/me': {
    method: 'GET',
    request: async () => ({ url: '/v1/me' }),
    expected: only(
      CALLERS.filter((c) => c !== 'anonymous'),
      200,
    ),
  },
  'GET /v1/me/sessions': {
    method: 'GET',
    request: async () => ({ url: '/v1/me/sessions' }),
    expected: only([...USER_CALLERS], 200),
  },
  'DELETE /v1/me/sessions/{id} (someone else’s)': {
    method: 'DELETE',
    request: async () => ({ url: `/v1/me/sessions/${strangerSessionId}` }),
    expected: only([...USER_CALLERS], 404),
  },
  'DELETE /v1/me/sessions/{id} (own)': {
    method: 'DELETE',
    request: async (caller) => {
      const account = accounts.get(caller);
      if (!account) return { url: `/v1/me/sessions/${strangerSessionId}` };
      // Another session of the caller's own (another device), opened for the purpose.
      return { url: `/v1/me/sessions/${(await signIn(t, account)).sessionId}` };
    },
    expected: only([...USER_CALLERS], 204),
  },
  'POST /v1/me/password': {
    method: 'POST',
    // The same password again: the account keeps working for the rows that follow.
    request: async () => ({
      url: '/v1/me/password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD },
    }),
    expected: only([...USER_CALLERS], 204),
  },
  'POST /v1/auth/login': {
    method: 'POST',
    request: async () => {
      const account = accounts.get('customer') as TestUser;
      return { url: '/v1/auth/login', payload: { email: account.email, password: account.password } };
    },
    expected: everyone(200),
  },
  // Account activation is anyone's to start: the facts and the code are the proof, not a session.
  'POST /v1/account-activations': {
    method: 'POST',
    request: async () => ({ url: '/v1/account-activations', payload: await activationFacts() }),
    expected: everyone(201),
  },
  'POST /v1/account-activations/{id}/confirm': {
    method: 'POST',
    request: async () => {
      const { id, code } = await startedActivation();
      return {
        url: `/v1/account-activations/${id}/confirm`,
        payload: { code, password: 'una frase de acceso larga y mía' },
      };
    },
    expected: everyone(200),
  },
  // Beneficiary invitations: the titular's own (customers only; staff work by phone).
  'POST /v1/memberships/{id}/beneficiaries/{beneficiaryId}/invitations': {
    method: 'POST',
    request: async () => ({
      url: `/v1/memberships/${ownMembershipId}/beneficiaries/${await adultOn(ownMembershipId)}/invitations`,
      payload: { email: `invitado-${++serial}@test.libra.mx` },
    }),
    expected: only(['customer'], 201),
  },
  'POST /v1/memberships/{id}/beneficiaries/{beneficiaryId}/invitations (someone else’s)': {
    method: 'POST',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/beneficiaries/${await adultOn(otherMembershipId)}/invitations`,
      payload: { email: `invitado-${++serial}@test.libra.mx` },
    }),
    expected: othersAreHidden(only(['customer'], 201)),
  },
  'GET /v1/memberships/{id}/beneficiary-access': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${ownMembershipId}/beneficiary-access` }),
    expected: only(['customer'], 200),
  },
  'GET /v1/memberships/{id}/beneficiary-access (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/memberships/${otherMembershipId}/beneficiary-access` }),
    expected: othersAreHidden(only(['customer'], 200)),
  },
  'DELETE /v1/memberships/{id}/beneficiaries/{beneficiaryId}/access': {
    method: 'DELETE',
    request: async () => ({
      url: `/v1/memberships/${ownMembershipId}/beneficiaries/${await adultOn(ownMembershipId)}/access`,
    }),
    expected: only(['customer'], 204),
  },
  'DELETE /v1/memberships/{id}/beneficiaries/{beneficiaryId}/access (someone else’s)': {
    method: 'DELETE',
    request: async () => ({
      url: `/v1/memberships/${otherMembershipId}/beneficiaries/${await adultOn(otherMembershipId)}/access`,
    }),
    expected: othersAreHidden(only(['customer'], 204)),
  },
  // The link is the proof, as with an activation code: anyone holding it may accept.
  'POST /v1/beneficiary-invitations/{token}/accept': {
    method: 'POST',
    request: async () => ({
      url: `/v1/beneficiary-invitations/${await invitationToken()}/accept`,
      payload: {
        email: `beneficiario-${++serial}@test.libra.mx`,
        password: 'una frase de acceso larga y mía',
      },
    }),
    expected: everyone(200),
  },
  'POST /v1/auth/logout': {
    method: 'POST',
    request: async () => ({ url: '/v1/auth/logout' }),
    expected: only([...USER_CALLERS], 204),
  },
  'GET /v1/audit': {
    method: 'GET',
    request: async () => ({ url: '/v1/audit' }),
    expected: only(['supervisor', 'admin'], 200),
  },
  'GET /v1/admin/users': {
    method: 'GET',
    request: async () => ({ url: '/v1/admin/users' }),
    expected: only(['admin'], 200),
  },
  'POST /v1/admin/users': {
    method: 'POST',
    request: async () => ({
      url: '/v1/admin/users',
      payload: {
        email: `new-agent-${++serial}@test.libra.mx`,
        name: 'Nuevo agente',
        role: 'agent',
        password: 'a long enough passphrase',
      },
    }),
    expected: only(['admin'], 201),
  },
  'POST /v1/admin/users/{id}/disable': {
    method: 'POST',
    request: async () => ({ url: `/v1/admin/users/${await throwawayUser()}/disable` }),
    expected: only(['admin'], 200),
  },
  'POST /v1/admin/users/{id}/enable': {
    method: 'POST',
    request: async () => ({ url: `/v1/admin/users/${await throwawayUser()}/enable` }),
    expected: only(['admin'], 200),
  },
  // Issue 19: whoever is on shift lets a person kept out by the sign-in throttle in again.
  'POST /v1/admin/users/{id}/unlock': {
    method: 'POST',
    request: async () => ({ url: `/v1/admin/users/${await throwawayUser()}/unlock` }),
    expected: only(['admin', 'supervisor'], 200),
  },
  'GET /v1/admin/api-keys': {
    method: 'GET',
    request: async () => ({ url: '/v1/admin/api-keys' }),
    expected: only(['admin'], 200),
  },
  'POST /v1/admin/api-keys': {
    method: 'POST',
    request: async () => ({
      url: '/v1/admin/api-keys',
      payload: { name: 'Banco', kind: 'partner', scopes: ['memberships:read'] },
    }),
    expected: only(['admin'], 201),
  },
  'POST /v1/sandbox/card-tokens': {
    method: 'POST',
    request: async () => ({
      url: '/v1/sandbox/card-tokens',
      payload: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvv: '123' },
    }),
    expected: everyone(201),
  },
  // Supervision (issue 11): the operations report and the plan catalog for admins.
  'GET /v1/reports/operations': {
    method: 'GET',
    request: async () => ({ url: '/v1/reports/operations' }),
    expected: only(['supervisor', 'admin'], 200),
  },
  'GET /v1/admin/plans': {
    method: 'GET',
    request: async () => ({ url: '/v1/admin/plans' }),
    expected: only(['admin'], 200),
  },
  'POST /v1/admin/plans/{code}/versions': {
    method: 'POST',
    request: async () => ({
      url: '/v1/admin/plans/libra-one/versions',
      payload: {
        priceTotalCentavos: 9_900,
        onlineTrialMonths: 0,
        illustrative: true,
        // Far ahead, so the matrix's other rows keep contracting today's version.
        effectiveFrom: '2099-01-01T06:00:00Z',
        services: [
          {
            service: 'online-doctor',
            rules: {
              limit: { kind: 'unlimited' },
              perEvent: { kind: 'no_cost' },
              territory: { kind: 'anywhere' },
            },
          },
        ],
      },
    }),
    expected: only(['admin'], 201),
  },
  'DELETE /v1/admin/api-keys/{id}': {
    method: 'DELETE',
    request: async () => ({ url: `/v1/admin/api-keys/${await throwawayKey()}` }),
    expected: only(['admin'], 204),
  },
  // ARCO rights: the titular files and reads their own; the privacy office and supervisors work them.
  'POST /v1/arco-requests': {
    method: 'POST',
    request: async () => ({ url: '/v1/arco-requests', payload: arcoBody }),
    expected: only(['customer'], 201),
  },
  'GET /v1/arco-requests': {
    method: 'GET',
    request: async () => ({ url: '/v1/arco-requests' }),
    expected: only(ARCO_READERS, 200),
  },
  'GET /v1/arco-requests/{id}': {
    method: 'GET',
    request: async (caller) => ({
      url: `/v1/arco-requests/${caller === 'customer' ? await ownArco() : await othersArco()}`,
    }),
    expected: only(ARCO_READERS, 200),
  },
  'GET /v1/arco-requests/{id} (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/arco-requests/${await othersArco()}` }),
    expected: othersAreHidden(only(ARCO_READERS, 200)),
  },
  'POST /v1/arco-requests/{id}/answer': {
    method: 'POST',
    request: async () => ({
      url: `/v1/arco-requests/${await othersArco()}/answer`,
      payload: { decision: 'refused', reason: 'No acreditaste tu identidad.' },
    }),
    expected: only(ARCO_WORKERS, 200),
  },
  'GET /v1/arco-requests/{id}/delivery (someone else’s)': {
    method: 'GET',
    request: async () => ({ url: `/v1/arco-requests/${await answeredArco()}/delivery` }),
    expected: othersAreHidden(only(ARCO_READERS, 200)),
  },
  // Address entry: every signed-in person and partners' keys (not the metrics key).
  'GET /v1/places/postal-codes/{cp}': {
    method: 'GET',
    request: async () => ({ url: '/v1/places/postal-codes/03940' }),
    expected: only([...USER_CALLERS, 'partner'], 200),
  },
  // Placing an address: staff and customers, and partners that open cases (not providers).
  'POST /v1/places/geocode': {
    method: 'POST',
    request: async () => ({ url: '/v1/places/geocode', payload: { postalCode: '03940', state: 'CDMX' } }),
    expected: only(
      [
        'customer',
        'agent',
        'supervisor',
        'finance',
        'admin',
        'doctor',
        'lawyer',
        'medical_supervisor',
        'privacy',
        'partner',
      ],
      200,
    ),
  },
};

/**
 * Routes whose successful answers are the same for everyone: they keep their own caching. Every
 * other answer — personal data, public writes, any refusal — is `Cache-Control: no-store`
 * (src/platform/cache-control.ts; issue 19). A new public read is added here on purpose.
 */
const PUBLIC_CONTENT = new Set([
  'GET /v1/plans',
  'GET /v1/plans/{code}',
  'GET /v1/legal',
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'GET /openapi.json',
  'GET /v1/web-config',
]);

describe('access matrix', () => {
  for (const [name, check] of Object.entries(CHECKS)) {
    it(name, async () => {
      const actual: Record<string, number> = {};
      const cacheable: string[] = [];
      for (const caller of CALLERS) {
        const headers = await (credentials.get(caller) as () => Promise<Record<string, string>>)();
        const { url, payload, headers: extra } = await check.request(caller);
        const res = await t.app.inject({
          method: check.method,
          url,
          headers: { ...headers, ...extra },
          ...(payload === undefined ? {} : { payload: payload as object }),
          ...(check.stream ? { payloadAsStream: true } : {}),
        });
        actual[caller] = res.statusCode;
        if (check.stream) res.stream().destroy();
        const publicContent = PUBLIC_CONTENT.has(name.replace(/ \(.*\)$/, '')) && res.statusCode < 400;
        if (/\bno-store\b/.test(String(res.headers['cache-control'] ?? '')) === publicContent)
          cacheable.push(`${caller} ${res.statusCode}: ${res.headers['cache-control']}`);
      }
      expect(actual).toEqual(check.expected);
      expect(cacheable, 'answers with the wrong Cache-Control').toEqual([]);
    });
  }

  it('covers every route the API registers (except the docs UI and the web pages)', () => {
    const routes = new Set(
      t.app.registeredRoutes
        .filter(
          (r) =>
            r.method !== 'HEAD' &&
            !r.url.startsWith('/docs') &&
            !r.url.startsWith('/problems') &&
            !(WEB_PAGES as readonly string[]).includes(r.url) &&
            r.url !== WEB_ASSETS,
        )
        .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`),
    );
    const covered = new Set(Object.keys(CHECKS).map((k) => k.replace(/ \(.*\)$/, '')));
    expect([...routes].filter((r) => !covered.has(r))).toEqual([]);
  });
});

describe('deny by default', () => {
  it('every registered route declares an access policy', async () => {
    const missing: string[] = [];
    for (const route of t.app.registeredRoutes) {
      const url = route.url.replace(/:(\w+)/g, '01a211f5-0000-7000-8000-000000000000').replace(/\*$/, 'x');
      const res = await t.app.inject({ method: route.method as 'GET', url });
      if (res.statusCode === 403 && res.json().code === 'ROUTE_POLICY_MISSING')
        missing.push(`${route.method} ${route.url}`);
    }
    expect(t.app.registeredRoutes.length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });

  it('a route without a policy is refused, even to an admin', async () => {
    const app = await buildTestApp({
      extend: (a) => {
        a.get('/test/undeclared', async () => ({ secret: true }));
      },
    });
    try {
      const admin = await signIn(app, await createUser(app, 'admin'));
      for (const headers of [{}, admin.read]) {
        const res = await app.app.inject({ method: 'GET', url: '/test/undeclared', headers });
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('ROUTE_POLICY_MISSING');
        expect(res.body).not.toContain('secret');
      }
    } finally {
      await app.close();
    }
  });
});
