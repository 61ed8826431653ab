import { DateTime } from 'luxon';
import type { Database, Transaction } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { type Clock, MEXICO_CITY, mexicoCityDate } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId, parseHumanNumber } from '../../lib/ids.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import type { AuditService } from '../audit/service.ts';
import { nextDueAt } from '../billing/calendar.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../identity/principal.ts';
import type { IdentityService } from '../identity/service.ts';
import type { CardSummary, PaymentGateway } from '../payments/gateway.ts';
import '../payments/errors.ts';
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

function fieldError(code: string, field: string, message: string): AppError {
  return new AppError(code, { errors: [{ field, message }] });
}

function parseBirthDate(value: string, field: string, now: Date): string {
  const date = DateTime.fromISO(value, { zone: MEXICO_CITY });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !date.isValid) {
    throw fieldError('BIRTH_DATE_INVALID', field, 'must be a real date, YYYY-MM-DD');
  }
  if (value > mexicoCityDate(now) || value < '1900-01-01') {
    throw fieldError('BIRTH_DATE_INVALID', field, 'must not be in the future');
  }
  return value;
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
    const channel = this.channelOf(actor);
    const now = this.clock.now();
    const titular = this.validateTitular(input.titular, now);
    if (
      input.consent.termsVersion !== CURRENT_TERMS.version ||
      input.consent.privacyNoticeVersion !== CURRENT_PRIVACY_NOTICE.version
    ) {
      throw new AppError('CONSENT_REQUIRED', {
        extensions: {
          termsVersion: CURRENT_TERMS.version,
          privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version,
        },
      });
    }
    const [version] = await this.catalog.currentVersions(this.db, now, input.planCode);
    if (!version) throw new AppError('PLAN_NOT_FOUND', { extensions: { plan: input.planCode } });
    const card = await this.usableCard(input.cardToken, now);
    const needsAccount = channel === 'online' && !actor.principal;
    if (needsAccount && !input.account?.password) {
      throw fieldError(
        'ACCOUNT_PASSWORD_REQUIRED',
        'body/account/password',
        'is required to create your account',
      );
    }

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
          if (await this.repository.liveMembershipOfTitular(tx, titular.email, titular.curp, titularUserId)) {
            throw new AppError('MEMBERSHIP_ALREADY_EXISTS');
          }
          if (needsAccount) {
            const account = await this.identity.createUserIn(
              tx,
              SYSTEM_ACTOR,
              {
                email: titular.email,
                name: titular.fullName,
                role: 'customer',
                password: input.account?.password ?? '',
              },
              'system',
            );
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

  private validateTitular(input: ContractInput['titular'], now: Date) {
    const fullName = normaliseFullName(input.fullName);
    if (!fullName) throw fieldError('NAME_INVALID', 'body/titular/fullName', 'must be first and last names');
    const phone = normaliseMexicanPhone(input.phone);
    if (!phone) throw fieldError('PHONE_INVALID', 'body/titular/phone', 'must be a 10-digit Mexican number');
    const birthDate = parseBirthDate(input.birthDate, 'body/titular/birthDate', now);
    if (ageOn(birthDate, now) < TITULAR_MIN_AGE) throw new AppError('TITULAR_UNDERAGE');
    let rfc: string | null = null;
    if (input.rfc) {
      rfc = normaliseRfc(input.rfc);
      if (!rfc) throw fieldError('RFC_INVALID', 'body/titular/rfc', 'is not a valid RFC');
    }
    let curp: string | null = null;
    if (input.curp) {
      curp = normaliseCurp(input.curp);
      if (!curp) throw fieldError('CURP_INVALID', 'body/titular/curp', 'is not a valid CURP');
    }
    return { fullName, email: input.email.trim().toLowerCase(), phone, birthDate, rfc, curp };
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
    if (!fullName) throw fieldError('NAME_INVALID', 'body/fullName', 'must be first and last names');
    let birthDate: string | null = null;
    if (input.birthDate) birthDate = parseBirthDate(input.birthDate, 'body/birthDate', now);
    if (input.kind === 'child' && !birthDate) {
      throw fieldError('BENEFICIARY_DETAILS_MISSING', 'body/birthDate', 'is required for a child');
    }
    if (input.kind === 'additional_cardholder' && !/^\d{4}$/.test(input.cardLast4 ?? '')) {
      throw fieldError(
        'BENEFICIARY_DETAILS_MISSING',
        'body/cardLast4',
        'must be the 4 last digits of the additional card',
      );
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
    if (!card) throw fieldError('CARD_TOKEN_UNKNOWN', 'body/cardToken', 'is not a token the processor knows');
    const thisMonth = DateTime.fromJSDate(now, { zone: MEXICO_CITY });
    if (
      card.expYear < thisMonth.year ||
      (card.expYear === thisMonth.year && card.expMonth < thisMonth.month)
    ) {
      throw new AppError('CARD_EXPIRED');
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
