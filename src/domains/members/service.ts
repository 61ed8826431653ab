import { DateTime } from 'luxon';
import type { Database, Transaction } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { nextDueAt } from '../../lib/billing-calendar.ts';
import { type Clock, MEXICO_CITY, mexicoCityDate } from '../../lib/clock.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { newId, parseHumanNumber } from '../../lib/ids.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import { checkPasswordPolicy } from '../identity/passwords.ts';
import type { IdentityService } from '../identity/service.ts';
import type { CardSummary, PaymentGateway } from '../payments/gateway.ts';
import '../payments/errors.ts';
import { birthDateProblem, FieldProblems, fieldError, objectAt, parseBirthDate, stringAt } from './checks.ts';
import { ageOn, type Coverage, coverageOf, membershipYearAt, type PersonKind } from './coverage.ts';
import './errors.ts';
import {
  normaliseCurp,
  normaliseFullName,
  normaliseMexicanPhone,
  normaliseRfc,
  searchable,
} from './identity-documents.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from './legal.ts';
import type {
  BeneficiaryRecord,
  MembershipRecord,
  MembershipWithPlan,
  MembersRepository,
} from './repository.ts';

export type MembershipState = 'trial' | 'active' | 'past_due' | 'suspended' | 'cancelled';
export type Channel = 'online' | 'phone' | 'bank';

/** The lifecycle (SPEC): every change is an event with its reason. */
export const MEMBERSHIP_TRANSITIONS: Record<MembershipState, readonly MembershipState[]> = {
  trial: ['active', 'past_due', 'cancelled'],
  active: ['past_due', 'cancelled'],
  past_due: ['active', 'suspended', 'cancelled'],
  suspended: ['active', 'cancelled'],
  cancelled: [],
};

export const TITULAR_MIN_AGE = 18;

export interface ContractInput {
  planCode: string;
  titular: {
    fullName: string;
    email: string;
    phone: string;
    birthDate: string;
    rfc?: string | undefined;
    curp?: string | undefined;
  };
  cardToken: string;
  consent: { termsVersion: string; privacyNoticeVersion: string };
  /** Online contracting by someone without an account: the new account's password. */
  account?: { password: string } | undefined;
}

export interface BeneficiaryInput {
  kind: Exclude<PersonKind, 'titular'>;
  fullName: string;
  birthDate?: string | undefined;
  cardLast4?: string | undefined;
}

export interface PersonView {
  id: string;
  kind: PersonKind;
  fullName: string;
  birthDate: string | null;
  cardLast4: string | null;
  addedAt: string;
  removedAt: string | null;
  covered: boolean;
  coverage: { code: string; reason: { es: string; en: string }; coveredUntil: string | null };
}

export interface MembershipView {
  id: string;
  number: string;
  state: MembershipState;
  channel: Channel;
  plan: { code: string; name: string; version: number };
  titular: {
    fullName: string;
    email: string;
    phone: string;
    birthDate: string;
    rfc: string | null;
    curp: string | null;
    hasAccount: boolean;
  };
  card: { brand: string; type: string; last4: string; expMonth: number; expYear: number };
  contractedAt: string;
  trialEndsAt: string | null;
  membershipYear: { number: number; startsAt: string; endsAt: string; resetsOn: string };
  nextChargeOn: string | null;
  cancelledAt: string | null;
  people: PersonView[];
}

/**
 * Who may reach a membership at all (the route's policy already admitted the caller's role): a
 * customer only their own; providers none. Anyone else's answers as a missing one.
 */
export function assertMayReach(actor: Actor, titularUserId: string | null): void {
  const p = actor.principal;
  if (p?.kind === 'user' && p.role === 'customer' && titularUserId !== p.userId) {
    throw new AppError('MEMBERSHIP_NOT_FOUND');
  }
  if (p?.kind === 'user' && p.role === 'provider') throw new AppError('MEMBERSHIP_NOT_FOUND');
}

/** The card summary as the membership stores it: the processor's token and what a person may see. */
function cardColumns(card: CardSummary) {
  return {
    cardToken: card.token,
    cardBrand: card.brand,
    cardType: card.type,
    cardLast4: card.last4,
    cardExpMonth: card.expMonth,
    cardExpYear: card.expYear,
  };
}

/** The titular is person `titular`; beneficiaries are their own ids. */
export const TITULAR_PERSON_ID = 'titular';

const EMAIL_FIELD = 'body/titular/email';

/** At contracting, an account with the email means the person should sign in (or use another). */
const EMAIL_TAKEN_AT_CONTRACTING = {
  es: 'Ya existe una cuenta con ese correo. Entra a tu cuenta o usa otro correo.',
  en: 'There is already an account with that email. Sign in to it or use another email.',
};

const UNDERAGE_SENTENCE = {
  es: 'Para contratar, el titular debe tener 18 años cumplidos.',
  en: 'To sign up, the titular must be 18 or older.',
};

const CONSENT_SENTENCES = {
  terms: {
    es: `Acepta los Términos y Condiciones vigentes (versión ${CURRENT_TERMS.version}) para contratar.`,
    en: `Accept the current Terms and Conditions (version ${CURRENT_TERMS.version}) to sign up.`,
  },
  privacyNotice: {
    es: `Acepta el Aviso de Privacidad vigente (versión ${CURRENT_PRIVACY_NOTICE.version}) para contratar.`,
    en: `Accept the current Privacy Notice (version ${CURRENT_PRIVACY_NOTICE.version}) to sign up.`,
  },
};

/** MEMBERSHIP_ALREADY_EXISTS at the field that matched (an account match concerns no one field). */
function liveMembershipError(match: 'email' | 'curp' | 'account'): AppError {
  if (match === 'account') return new AppError('MEMBERSHIP_ALREADY_EXISTS');
  return fieldError('MEMBERSHIP_ALREADY_EXISTS', `body/titular/${match}`);
}

/** Called after a new card is on file (billing retries what the old card could not pay). */
export type CardReplacedListener = (actor: Actor, membershipId: string) => Promise<void>;

export class MembersService {
  private readonly cardReplacedListeners: CardReplacedListener[] = [];

  constructor(
    private readonly db: Database,
    private readonly repository: MembersRepository,
    private readonly catalog: CatalogRepository,
    private readonly identity: IdentityService,
    private readonly payments: PaymentGateway,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
  ) {}

  private channelOf(actor: Actor): Channel {
    const p = actor.principal;
    if (!p || (p.kind === 'user' && p.role === 'customer')) return 'online';
    if (p.kind === 'user' && (p.role === 'agent' || p.role === 'supervisor')) return 'phone';
    if (p.kind === 'api_key' && p.role === 'partner' && p.scopes.includes('memberships:write')) return 'bank';
    throw new AppError('CHANNEL_NOT_ALLOWED');
  }

  /**
   * Contracts a membership. Everything — the customer's account, the membership, the consents,
   * its first event, the audit entry and the idempotency record — commits in one transaction or
   * not at all.
   */
  async contract(
    actor: Actor,
    input: ContractInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<MembershipView>> {
    const now = this.clock.now();
    const problems = new FieldProblems();
    const checked = await this.checkContract(actor, input, problems, now);
    problems.throwIfAny();
    const { channel, needsAccount, version, card, titular } = checked;
    // The schema asked for every part, and each passed its checks.
    if (!version || !card || !titular) throw new Error('contracting checks left a part unchecked');

    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: 'POST /v1/memberships', body: input },
        async () => {
          let titularUserId: string | null = null;
          if (actor.principal?.kind === 'user' && actor.principal.role === 'customer') {
            // A signed-in customer contracts for themself: the titular is the account holder.
            titular.email = actor.principal.email;
            titularUserId = actor.principal.userId;
          }
          const live = await this.repository.liveMembershipOfTitular(
            tx,
            titular.email,
            titular.curp,
            titularUserId,
          );
          if (live) throw liveMembershipError(live);
          if (needsAccount) {
            const account = await this.identity
              .createUserIn(
                tx,
                SYSTEM_ACTOR,
                {
                  email: titular.email,
                  name: titular.fullName,
                  role: 'customer',
                  password: input.account?.password ?? '',
                },
                'system',
              )
              .catch((error: unknown) => {
                throw error instanceof AppError && error.code === 'EMAIL_TAKEN'
                  ? fieldError('EMAIL_TAKEN', 'body/titular/email', EMAIL_TAKEN_AT_CONTRACTING)
                  : error;
              });
            titularUserId = account.id;
          }

          const trialMonths = channel === 'online' ? version.onlineTrialMonths : 0;
          const contracted = DateTime.fromJSDate(now, { zone: MEXICO_CITY });
          const trialEndsAt =
            trialMonths > 0 ? contracted.startOf('day').plus({ months: trialMonths }).toJSDate() : null;
          const state: MembershipState = trialEndsAt ? 'trial' : 'active';
          const id = newId();
          const number = await nextHumanNumber(tx, 'LM', now);
          const row = {
            id,
            number,
            planVersionId: version.versionId,
            state,
            channel,
            titularUserId,
            titularName: titular.fullName,
            titularEmail: titular.email,
            titularPhone: titular.phone,
            titularBirthDate: titular.birthDate,
            titularRfc: titular.rfc,
            titularCurp: titular.curp,
            ...cardColumns(card),
            contractedAt: now,
            trialEndsAt,
            billingDay: contracted.day,
            searchText: '',
            createdAt: now,
            updatedAt: now,
          };
          row.searchText = this.searchTextOf(row, []);
          // Period 1: at contracting, or when the free months end (billing calendar).
          const firstDueAt = nextDueAt(
            { contractedAt: now, billingDay: contracted.day, trialEndsAt, cancelledAt: null },
            new Date(now.getTime() - 1),
          );
          await this.repository.insertMembership(tx, row, firstDueAt);
          await this.repository.insertConsents(
            tx,
            [CURRENT_TERMS, CURRENT_PRIVACY_NOTICE].map((doc) => ({
              id: newId(),
              membershipId: id,
              document: doc.document,
              version: doc.version,
              acceptedAt: now,
              channel,
              ip: actor.ip,
            })),
          );
          await this.event(tx, actor, id, {
            type: 'contracted',
            toState: state,
            reason: trialEndsAt
              ? `Contratación ${channel}; ${trialMonths} meses sin costo`
              : `Contratación ${channel}`,
            details: { plan: version.code, planVersion: version.version, channel },
          });
          await this.audit.record(tx, actor, {
            action: 'membership.create',
            recordType: 'membership',
            recordId: id,
            details: { channel, plan: version.code },
          });
          const created = await this.repository.byId(tx, id);
          if (!created) throw new Error('membership vanished after insert');
          return { status: 201, body: this.present(created, []) };
        },
      ),
    );
  }

  /**
   * Checks a contracting request without writing anything (POST /v1/memberships/validation): the
   * same checks as contracting, on whatever part of the body the schema accepted (`schemaErrors`
   * are its refusals), plus whether the email already has an account or a live membership. A card
   * token or consent left out is not checked. Answers nothing, or throws every problem at once.
   */
  async validate(actor: Actor, body: unknown, schemaErrors: FieldError[]): Promise<void> {
    const now = this.clock.now();
    const problems = new FieldProblems(schemaErrors);
    const { needsAccount, email, curp, titularUserId } = await this.checkContract(actor, body, problems, now);
    if (email && !problems.has(EMAIL_FIELD)) {
      if (needsAccount && (await this.identity.userByEmail(email))) {
        problems.add('EMAIL_TAKEN', EMAIL_FIELD, EMAIL_TAKEN_AT_CONTRACTING);
      } else {
        const live = await this.repository.liveMembershipOfTitular(this.db, email, curp, titularUserId);
        if (live) problems.addError(liveMembershipError(live));
      }
    }
    problems.throwIfAny();
  }

  /**
   * Everything contracting checks before it writes, each problem added at its field: the channel
   * (thrown at once), the titular, the new account's password, the consent, the plan and the card.
   * Parts the schema refused, or that are absent, are skipped; what passed is returned normalised.
   */
  private async checkContract(actor: Actor, body: unknown, problems: FieldProblems, now: Date) {
    const channel = this.channelOf(actor);
    const p = actor.principal;
    const needsAccount = channel === 'online' && !p;
    const ownAccount = p?.kind === 'user' && p.role === 'customer' ? p : undefined;
    const at = (field: string, ...path: string[]) =>
      problems.has(`body/${field}`) ? undefined : stringAt(body, ...path);

    const titular = this.checkTitular(
      {
        fullName: at('titular/fullName', 'titular', 'fullName'),
        email: at('titular/email', 'titular', 'email'),
        phone: at('titular/phone', 'titular', 'phone'),
        birthDate: at('titular/birthDate', 'titular', 'birthDate'),
        rfc: at('titular/rfc', 'titular', 'rfc'),
        curp: at('titular/curp', 'titular', 'curp'),
      },
      problems,
      now,
    );
    // A signed-in customer contracts for themself: the titular is the account holder.
    if (titular && ownAccount) titular.email = ownAccount.email;
    const emailTyped = at('titular/email', 'titular', 'email')?.trim().toLowerCase();

    if (needsAccount && !problems.has('body/account')) {
      const password = stringAt(body, 'account', 'password');
      if (!password) problems.add('ACCOUNT_PASSWORD_REQUIRED', 'body/account/password');
      else {
        try {
          // The titular's name and email are the new account's: a password made of them is weak.
          const owner = {
            role: 'customer' as const,
            email: titular?.email ?? emailTyped,
            name: titular?.fullName ?? at('titular/fullName', 'titular', 'fullName'),
          };
          checkPasswordPolicy(password, owner, 'body/account/password');
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          problems.addError(error);
        }
      }
    }

    if (objectAt(body, 'consent') && !problems.has('body/consent')) {
      const current = {
        termsVersion: CURRENT_TERMS.version,
        privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version,
      };
      for (const [key, document] of [
        ['termsVersion', CONSENT_SENTENCES.terms],
        ['privacyNoticeVersion', CONSENT_SENTENCES.privacyNotice],
      ] as const) {
        if (stringAt(body, 'consent', key) !== current[key]) {
          problems.add('CONSENT_REQUIRED', `body/consent/${key}`, document, current);
        }
      }
    }

    let version: Awaited<ReturnType<CatalogRepository['currentVersions']>>[number] | undefined;
    const planCode = at('planCode', 'planCode');
    if (planCode !== undefined) {
      [version] = await this.catalog.currentVersions(this.db, now, planCode);
      if (!version) problems.add('PLAN_NOT_FOUND', 'body/planCode', undefined, { plan: planCode });
    }

    let card: CardSummary | undefined;
    const cardToken = at('cardToken', 'cardToken');
    if (cardToken !== undefined) {
      try {
        card = await this.usableCard(cardToken, now);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        problems.addError(error);
      }
    }

    return {
      channel,
      needsAccount,
      titular,
      /** The titular's email and CURP as far as they are valid, for the checks that look them up. */
      email: ownAccount?.email ?? (problems.has(EMAIL_FIELD) ? undefined : (titular?.email ?? emailTyped)),
      curp: titular?.curp ?? null,
      titularUserId: ownAccount?.userId ?? null,
      version,
      card,
    };
  }

  /** The titular's data normalised, or undefined when any of it is missing or wrong (added to `problems`). */
  private checkTitular(
    input: Partial<Record<'fullName' | 'email' | 'phone' | 'birthDate' | 'rfc' | 'curp', string>>,
    problems: FieldProblems,
    now: Date,
  ) {
    const field = (name: string) => `body/titular/${name}`;
    const fullName = input.fullName === undefined ? null : normaliseFullName(input.fullName);
    if (input.fullName !== undefined && !fullName) problems.add('NAME_INVALID', field('fullName'));
    const phone = input.phone === undefined ? null : normaliseMexicanPhone(input.phone);
    if (input.phone !== undefined && !phone) problems.add('PHONE_INVALID', field('phone'));
    let birthDate: string | null = null;
    if (input.birthDate !== undefined) {
      const problem = birthDateProblem(input.birthDate, now);
      if (problem) problems.add('BIRTH_DATE_INVALID', field('birthDate'), problem);
      else if (ageOn(input.birthDate, now) < TITULAR_MIN_AGE)
        problems.add('TITULAR_UNDERAGE', field('birthDate'), UNDERAGE_SENTENCE);
      else birthDate = input.birthDate;
    }
    let rfc: string | null = null;
    if (input.rfc) {
      rfc = normaliseRfc(input.rfc);
      if (!rfc) problems.add('RFC_INVALID', field('rfc'));
    }
    let curp: string | null = null;
    if (input.curp) {
      curp = normaliseCurp(input.curp);
      if (!curp) problems.add('CURP_INVALID', field('curp'));
    }
    const email = input.email?.trim().toLowerCase();
    if (!fullName || !phone || !birthDate || !email) return undefined;
    if ((input.rfc && !rfc) || (input.curp && !curp)) return undefined;
    return { fullName, email, phone, birthDate, rfc, curp };
  }

  private searchTextOf(
    m: Pick<MembershipRecord, 'titularName' | 'titularEmail' | 'titularPhone' | 'number' | 'cardLast4'>,
    people: Pick<BeneficiaryRecord, 'fullName' | 'removedAt'>[],
  ): string {
    return searchable(
      [
        m.titularName,
        m.titularEmail,
        m.titularPhone,
        m.number,
        m.cardLast4,
        ...people.filter((p) => !p.removedAt).map((p) => p.fullName),
      ].join(' '),
    );
  }

  private async event(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    event: {
      type: string;
      fromState?: MembershipState;
      toState?: MembershipState;
      reason: string;
      details?: Record<string, unknown>;
    },
  ): Promise<void> {
    const p = actor.principal;
    await this.repository.insertEvent(tx, {
      id: newId(),
      membershipId,
      at: this.clock.now(),
      type: event.type,
      fromState: event.fromState ?? null,
      toState: event.toState ?? null,
      reason: event.reason,
      actorType: p ? p.kind : 'system',
      actorId: p ? (p.kind === 'user' ? p.userId : p.apiKeyId) : null,
      details: event.details ?? {},
    });
  }

  /**
   * Loads a membership the caller may see, or answers MEMBERSHIP_NOT_FOUND — for a customer,
   * someone else's membership is indistinguishable from one that does not exist.
   */
  async load(tx: Executor, actor: Actor, id: string, forUpdate = false): Promise<MembershipWithPlan> {
    const found = await this.repository.byId(tx, id, forUpdate);
    if (!found) throw new AppError('MEMBERSHIP_NOT_FOUND');
    assertMayReach(actor, found.membership.titularUserId);
    return found;
  }

  /** Reads by anyone but the titular are reads of someone's personal data: audited. */
  private async auditRead(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    action: string,
  ): Promise<void> {
    const p = actor.principal;
    const own = p?.kind === 'user' && p.role === 'customer';
    if (!own && (isStaff(p) || p?.kind === 'api_key')) {
      await this.audit.record(tx, actor, { action, recordType: 'membership', recordId: membershipId });
    }
  }

  /**
   * The newest membership, in any state, of the titular with this email: how the demo seed knows a
   * family it made before (a cancelled one stays made). For system callers: no access check.
   */
  async newestMembershipIdOfTitularEmail(email: string): Promise<string | undefined> {
    return this.repository.newestMembershipIdOfTitularEmail(this.db, email.trim().toLowerCase());
  }

  async get(actor: Actor, id: string): Promise<MembershipView> {
    return this.db.transaction(async (tx) => {
      const found = await this.load(tx, actor, id);
      const people = await this.repository.beneficiariesOf(tx, [id], false);
      await this.auditRead(tx, actor, id, 'membership.read');
      return this.present(found, people);
    });
  }

  /** The customer's own memberships (the portal's home). */
  async mine(actor: Actor): Promise<MembershipView[]> {
    const p = actor.principal;
    if (p?.kind !== 'user') return [];
    const found = await this.repository.ofUser(this.db, p.userId);
    const people = await this.repository.beneficiariesOf(
      this.db,
      found.map((f) => f.membership.id),
      false,
    );
    return found.map((f) =>
      this.present(
        f,
        people.filter((b) => b.membershipId === f.membership.id),
      ),
    );
  }

  present(found: MembershipWithPlan, people: BeneficiaryRecord[]): MembershipView {
    const { membership: m, plan } = found;
    const now = this.clock.now();
    const year = membershipYearAt(m.contractedAt, now);
    const titularCoverage = coverageOf({ kind: 'titular', addedAt: m.contractedAt }, now);
    const view = (coverage: Coverage) => ({
      covered: coverage.covered,
      coverage: { code: coverage.code, reason: coverage.reason, coveredUntil: coverage.coveredUntil ?? null },
    });
    return {
      id: m.id,
      number: m.number,
      state: m.state as MembershipState,
      channel: m.channel as Channel,
      plan: { code: plan.code, name: plan.name, version: plan.version },
      titular: {
        fullName: m.titularName,
        email: m.titularEmail,
        phone: m.titularPhone,
        birthDate: m.titularBirthDate,
        rfc: m.titularRfc,
        curp: m.titularCurp,
        hasAccount: m.titularUserId !== null,
      },
      card: {
        brand: m.cardBrand,
        type: m.cardType,
        last4: m.cardLast4,
        expMonth: m.cardExpMonth,
        expYear: m.cardExpYear,
      },
      contractedAt: m.contractedAt.toISOString(),
      trialEndsAt: m.trialEndsAt?.toISOString() ?? null,
      membershipYear: {
        number: year.number,
        startsAt: year.startsAt.toISOString(),
        endsAt: year.endsAt.toISOString(),
        resetsOn: year.resetsOn,
      },
      nextChargeOn: found.nextChargeAt && m.state !== 'cancelled' ? mexicoCityDate(found.nextChargeAt) : null,
      cancelledAt: m.cancelledAt?.toISOString() ?? null,
      people: [
        {
          id: TITULAR_PERSON_ID,
          kind: 'titular',
          fullName: m.titularName,
          birthDate: m.titularBirthDate,
          cardLast4: m.cardLast4,
          addedAt: m.contractedAt.toISOString(),
          removedAt: null,
          ...view(titularCoverage),
        },
        ...people.map((b) => this.presentBeneficiary(b, now)),
      ],
    };
  }

  private presentBeneficiary(b: BeneficiaryRecord, now: Date): PersonView {
    const coverage = coverageOf(
      { kind: b.kind as PersonKind, birthDate: b.birthDate, addedAt: b.addedAt, removedAt: b.removedAt },
      now,
    );
    return {
      id: b.id,
      kind: b.kind as PersonKind,
      fullName: b.fullName,
      birthDate: b.birthDate,
      cardLast4: b.cardLast4,
      addedAt: b.addedAt.toISOString(),
      removedAt: b.removedAt?.toISOString() ?? null,
      covered: coverage.covered,
      coverage: { code: coverage.code, reason: coverage.reason, coveredUntil: coverage.coveredUntil ?? null },
    };
  }

  async listBeneficiaries(
    actor: Actor,
    membershipId: string,
    includeRemoved: boolean,
  ): Promise<PersonView[]> {
    return this.db.transaction(async (tx) => {
      await this.load(tx, actor, membershipId);
      const people = await this.repository.beneficiariesOf(tx, [membershipId], includeRemoved);
      await this.auditRead(tx, actor, membershipId, 'beneficiary.list');
      const now = this.clock.now();
      return people.map((b) => this.presentBeneficiary(b, now));
    });
  }

  async addBeneficiary(actor: Actor, membershipId: string, input: BeneficiaryInput): Promise<PersonView> {
    const now = this.clock.now();
    const fullName = normaliseFullName(input.fullName);
    if (!fullName) throw fieldError('NAME_INVALID', 'body/fullName');
    let birthDate: string | null = null;
    if (input.birthDate) birthDate = parseBirthDate(input.birthDate, 'body/birthDate', now);
    if (input.kind === 'child' && !birthDate) {
      throw fieldError('BENEFICIARY_DETAILS_MISSING', 'body/birthDate', {
        es: 'Escribe la fecha de nacimiento: la necesitamos para los hijos.',
        en: 'Enter the birth date: we need it for children.',
      });
    }
    if (input.kind === 'additional_cardholder' && !/^\d{4}$/.test(input.cardLast4 ?? '')) {
      throw fieldError('BENEFICIARY_DETAILS_MISSING', 'body/cardLast4', {
        es: 'Escribe los últimos 4 dígitos de la tarjeta adicional.',
        en: 'Enter the last 4 digits of the additional card.',
      });
    }
    if (input.kind === 'child' && birthDate) {
      const coverage = coverageOf({ kind: 'child', birthDate, addedAt: now }, now);
      if (!coverage.covered) {
        throw new AppError('BENEFICIARY_NOT_ELIGIBLE', { extensions: { reason: coverage.reason } });
      }
    }
    return this.db.transaction(async (tx) => {
      const found = await this.load(tx, actor, membershipId, true);
      if (found.membership.state === 'cancelled') throw new AppError('MEMBERSHIP_CANCELLED');
      if (input.kind === 'spouse' && (await this.repository.activeSpouse(tx, membershipId))) {
        throw new AppError('BENEFICIARY_SPOUSE_EXISTS');
      }
      const id = newId();
      const row = {
        id,
        membershipId,
        kind: input.kind,
        fullName,
        birthDate,
        cardLast4: input.kind === 'additional_cardholder' ? (input.cardLast4 ?? null) : null,
        addedAt: now,
        removedAt: null,
      };
      await this.repository.insertBeneficiary(tx, row);
      await this.refreshSearchText(tx, found.membership);
      await this.event(tx, actor, membershipId, {
        type: 'beneficiary_added',
        reason: `Alta de beneficiario (${input.kind})`,
        details: { beneficiaryId: id, kind: input.kind },
      });
      await this.audit.record(tx, actor, {
        action: 'beneficiary.create',
        recordType: 'membership',
        recordId: membershipId,
        details: { beneficiaryId: id, kind: input.kind },
      });
      return this.presentBeneficiary(row, now);
    });
  }

  async removeBeneficiary(actor: Actor, membershipId: string, beneficiaryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const found = await this.load(tx, actor, membershipId, true);
      if (!(await this.repository.removeBeneficiary(tx, membershipId, beneficiaryId, this.clock.now()))) {
        throw new AppError('BENEFICIARY_NOT_FOUND');
      }
      await this.refreshSearchText(tx, found.membership);
      await this.event(tx, actor, membershipId, {
        type: 'beneficiary_removed',
        reason: 'Baja de beneficiario',
        details: { beneficiaryId },
      });
      await this.audit.record(tx, actor, {
        action: 'beneficiary.remove',
        recordType: 'membership',
        recordId: membershipId,
        details: { beneficiaryId },
      });
    });
  }

  private async refreshSearchText(tx: Transaction, m: MembershipRecord): Promise<void> {
    const people = await this.repository.beneficiariesOf(tx, [m.id], false);
    await this.repository.update(tx, m.id, {
      searchText: this.searchTextOf(m, people),
      updatedAt: this.clock.now(),
    });
  }

  /** The processor's summary of a token, refused when unknown or past its expiry month (Mexico City). */
  private async usableCard(token: string, now: Date): Promise<CardSummary> {
    const card = await this.payments.describeToken(token);
    if (!card) throw fieldError('CARD_TOKEN_UNKNOWN', 'body/cardToken');
    const thisMonth = DateTime.fromJSDate(now, { zone: MEXICO_CITY });
    if (
      card.expYear < thisMonth.year ||
      (card.expYear === thisMonth.year && card.expMonth < thisMonth.month)
    ) {
      throw fieldError('CARD_EXPIRED', 'body/cardToken');
    }
    return card;
  }

  onCardReplaced(listener: CardReplacedListener): void {
    this.cardReplacedListeners.push(listener);
  }

  /**
   * Replaces the card on file with a new processor token. Then what the old card could not pay is
   * charged to the new one (listeners), and the answer shows the membership as that left it.
   */
  async replaceCard(actor: Actor, membershipId: string, cardToken: string): Promise<MembershipView> {
    await this.replaceCardOnFile(actor, membershipId, cardToken);
    for (const listener of this.cardReplacedListeners) await listener(actor, membershipId);
    return this.db.transaction(async (tx) => {
      const found = await this.load(tx, actor, membershipId);
      return this.present(found, await this.repository.beneficiariesOf(tx, [membershipId], false));
    });
  }

  private async replaceCardOnFile(actor: Actor, membershipId: string, cardToken: string): Promise<void> {
    const now = this.clock.now();
    const card = await this.usableCard(cardToken, now);
    await this.db.transaction(async (tx) => {
      const found = await this.load(tx, actor, membershipId, true);
      if (found.membership.state === 'cancelled') throw new AppError('MEMBERSHIP_CANCELLED');
      const changes = {
        ...cardColumns(card),
        updatedAt: now,
      };
      const people = await this.repository.beneficiariesOf(tx, [membershipId], false);
      await this.repository.update(tx, membershipId, {
        ...changes,
        searchText: this.searchTextOf({ ...found.membership, ...changes }, people),
      });
      await this.event(tx, actor, membershipId, {
        type: 'card_replaced',
        reason: 'Cambio de tarjeta',
        details: {
          brand: card.brand,
          type: card.type,
          last4: card.last4,
          previousLast4: found.membership.cardLast4,
        },
      });
      await this.audit.record(tx, actor, {
        action: 'membership.card_replace',
        recordType: 'membership',
        recordId: membershipId,
      });
    });
  }

  /**
   * The internal API billing and cancellation call: moves a membership along its lifecycle inside
   * the caller's transaction, recording the event and its reason.
   */
  async changeState(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    to: MembershipState,
    reason: string,
    /** For a cancellation: until when services go on (the period already paid). */
    cancellation?: { coverageEndsAt: Date },
  ): Promise<{ from: MembershipState; to: MembershipState }> {
    const found = await this.repository.byId(tx, membershipId, true);
    if (!found) throw new AppError('MEMBERSHIP_NOT_FOUND');
    const from = found.membership.state as MembershipState;
    if (!MEMBERSHIP_TRANSITIONS[from].includes(to)) {
      throw new AppError('MEMBERSHIP_TRANSITION_NOT_ALLOWED', { extensions: { from, to } });
    }
    const now = this.clock.now();
    await this.repository.update(tx, membershipId, {
      state: to,
      updatedAt: now,
      ...(to === 'cancelled'
        ? { cancelledAt: now, coverageEndsAt: cancellation?.coverageEndsAt ?? now }
        : {}),
    });
    // Nothing falls due after a cancellation (billing calendar).
    if (to === 'cancelled') await this.repository.clearSchedule(tx, membershipId);
    await this.event(tx, actor, membershipId, {
      type: 'state_changed',
      fromState: from,
      toState: to,
      reason,
    });
    await this.audit.record(tx, actor, {
      action: 'membership.state_change',
      recordType: 'membership',
      recordId: membershipId,
      details: { from, to, reason },
    });
    return { from, to };
  }

  async events(actor: Actor, membershipId: string) {
    return this.db.transaction(async (tx) => {
      await this.load(tx, actor, membershipId);
      await this.auditRead(tx, actor, membershipId, 'membership.events_read');
      return (await this.repository.eventsOf(tx, membershipId)).map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        type: e.type,
        fromState: e.fromState,
        toState: e.toState,
        reason: e.reason,
        actorType: e.actorType,
        actorId: e.actorId,
        details: e.details,
      }));
    });
  }

  /** Staff search by name, email, phone, membership number or card last 4: audited. */
  async search(actor: Actor, query: string, limit: number) {
    const normalised = searchable(query);
    const number = parseHumanNumber(query.trim());
    const terms = normalised
      .split(' ')
      .map((t) => t.replace(/[^\p{L}\p{N}@.+_-]/gu, ''))
      .filter((t) => t.length > 0);
    // A phone typed with spaces ("55 5480 0900") is one term.
    const digitsOnly = query.replace(/[\s()+-]/g, '');
    const searchTerms = /^\d{4,}$/.test(digitsOnly) ? [digitsOnly.replace(/^52(?=\d{10}$)/, '')] : terms;
    const formattedNumber = number
      ? `${number.prefix}-${String(number.year % 100).padStart(2, '0')}-${String(number.sequence).padStart(6, '0')}`
      : null;
    return this.db.transaction(async (tx) => {
      const found =
        searchTerms.length === 0 && !formattedNumber
          ? []
          : await this.repository.search(tx, searchTerms, formattedNumber, limit);
      await this.audit.record(tx, actor, {
        action: 'membership.search',
        recordType: 'membership',
        details: { query, results: found.length },
      });
      return found;
    });
  }
}

export type Executor = Parameters<MembersRepository['byId']>[0];
