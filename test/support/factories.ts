import type { ChargeView } from '../../src/domains/billing/views.ts';
import type { CaseInput } from '../../src/domains/cases/service.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../../src/domains/members/legal.ts';
import type { ContractInput } from '../../src/domains/members/service.ts';
import { SYSTEM_ACTOR } from '../../src/platform/principal.ts';
import type { TestApp } from './app.ts';
import { createUser, type Session, sessionsAt } from './auth.ts';
import type { Headers } from './http.ts';

/**
 * Factories: `buildX(t, overrides)` makes a record the way the product makes it — through the API or
 * the owning service, never by inserting rows behind the rules — and makes the parents it needs
 * (an agent to contract, a membership to open a case on). Overrides name only what a test cares
 * about; everything else is a valid default.
 */

let serial = 0;

/** A card token from the sandbox, through the public tokenization endpoint, as the portal gets one. */
export async function tokenize(t: TestApp, number = '4242424242424242', expYear = 2030): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/sandbox/card-tokens',
    payload: { number, expMonth: 12, expYear, cvv: number.startsWith('3') ? '1234' : '123' },
  });
  if (res.statusCode !== 201) throw new Error(`tokenization failed: ${res.statusCode} ${res.body}`);
  return res.json().token;
}

/** A valid contracting body; every field can be overridden. Emails are unique per call. */
export function contractBody(cardToken: string, overrides: Partial<ContractInput> = {}): ContractInput {
  serial++;
  return {
    planCode: 'libra-plus',
    titular: {
      fullName: 'María Fernanda López Ruiz',
      email: `titular-${serial}-${Math.random().toString(36).slice(2, 7)}@test.libra.mx`,
      phone: '55 1234 5678',
      birthDate: '1985-03-15',
      ...overrides.titular,
    },
    cardToken,
    consent: { termsVersion: CURRENT_TERMS.version, privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version },
    ...(overrides.account ? { account: overrides.account } : {}),
    ...(overrides.planCode ? { planCode: overrides.planCode } : {}),
    ...(overrides.consent ? { consent: overrides.consent } : {}),
  };
}

/**
 * The app's own agent, made once per app and signed in again as the clock moves (sessions
 * expire): the parent a factory uses when the test does not say who acts.
 */
const agents = new WeakMap<TestApp, () => Promise<Session>>();
export function factoryAgent(t: TestApp): Promise<Session> {
  let session = agents.get(t);
  if (!session) {
    const user = createUser(t, 'agent');
    const at = sessionsAt(t);
    session = async () => at(await user);
    agents.set(t, session);
  }
  return session();
}

export interface MembershipOverrides extends Partial<Omit<ContractInput, 'cardToken'>> {
  /**
   * Who contracts, as the API decides the channel by the caller: an agent's or supervisor's
   * `write` headers (phone), a partner's bearer (bank), a signed-in customer's (online, their own).
   * Default: the app's own agent (phone). Ignored when `account` is given.
   */
  by?: Headers;
  /** The card, by test number (support/payments.ts `TEST_CARD`); default a Visa that approves. */
  card?: string;
}

export interface BuiltMembership {
  id: string;
  number: string;
  state: string;
  nextChargeOn: string | null;
  /** What was sent: the titular's email, the card token, the account's password. */
  body: ContractInput;
}

/**
 * A membership contracted through `POST /v1/memberships`. With `account` it is contracted online
 * by a new customer (no caller: the account is made with it); otherwise by `by`, or the app's agent.
 */
export async function buildMembership(
  t: TestApp,
  overrides: MembershipOverrides = {},
): Promise<BuiltMembership> {
  const { by, card, ...input } = overrides;
  const body = contractBody(await tokenize(t, card), input);
  const headers = input.account ? {} : (by ?? (await factoryAgent(t)).write);
  const res = await t.app.inject({ method: 'POST', url: '/v1/memberships', headers, payload: body });
  if (res.statusCode !== 201) throw new Error(`contracting failed: ${res.statusCode} ${res.body}`);
  const { id, number, state, nextChargeOn } = res.json();
  return { id, number, state, nextChargeOn, body };
}

/** Mexico City's Zócalo: cases in tests happen around here. */
export const ZOCALO = { lat: 19.4326, lng: -99.1332 };

/** A tow request at the Zócalo. */
export function towRequest(membershipId: string, extra: Record<string, unknown> = {}) {
  return {
    membershipId,
    personId: 'titular',
    serviceCode: 'tow-truck',
    place: { address: 'Plaza de la Constitución s/n, Centro, CDMX', ...ZOCALO, stateCode: 'CMX' },
    description: 'El coche no arranca; necesito grúa al taller.',
    details: { vehicle: { make: 'Nissan', model: 'Versa', year: 2019, plates: 'ABC-123-D' } },
    ...extra,
  };
}

export interface CaseOverrides {
  /** The membership to open it on; default a new one (buildMembership). */
  membershipId?: string;
  /**
   * Who requests it: `write` headers (through `POST /v1/cases`), or `'system'` (the cases service
   * called as the system, as jobs and imports do). Default: the app's agent, through the API.
   */
  by?: Headers | 'system';
  /** Fields of the request over a tow at the Zócalo (serviceCode, details, place, …). */
  request?: Record<string, unknown>;
}

/** A case as the API answers it (the service's own view when opened as the system). */
export type BuiltCase = { id: string; number: string; state: string; membershipId: string } & Record<
  string,
  unknown
>;

/** A case opened as the product opens one: its eligibility, reservation and first offer included. */
export async function buildCase(t: TestApp, overrides: CaseOverrides = {}): Promise<BuiltCase> {
  const membershipId = overrides.membershipId ?? (await buildMembership(t)).id;
  const request = towRequest(membershipId, overrides.request);
  if (overrides.by === 'system') {
    const { body } = await t.services.cases.request(SYSTEM_ACTOR, request as CaseInput, undefined);
    return body as unknown as BuiltCase;
  }
  const headers = overrides.by ?? (await factoryAgent(t)).write;
  const res = await t.app.inject({ method: 'POST', url: '/v1/cases', headers, payload: request });
  if (res.statusCode !== 201) throw new Error(`opening the case failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/**
 * A membership's first charge, made by the billing run as production makes it: a phone
 * membership's first period is due at once, so a run at the clock's time charges it. The run bills
 * every membership due then, not only this one.
 */
export async function buildCharge(
  t: TestApp,
  overrides: { membershipId?: string; card?: string } = {},
): Promise<{ charge: ChargeView; runId: string; membershipId: string }> {
  const membershipId =
    overrides.membershipId ?? (await buildMembership(t, overrides.card ? { card: overrides.card } : {})).id;
  const run = await t.services.billing.run({ at: t.clock.now(), trigger: 'test' });
  const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, membershipId);
  if (!charge) throw new Error('the billing run charged nothing');
  return { charge, runId: run.runId, membershipId };
}
